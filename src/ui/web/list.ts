/** The application list: counts, filters, sorting, and a virtualised table (only visible rows are in the DOM). */

import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  counts,
  filterFromQuery,
  filterToQuery,
  type ListFilter,
  parseLabelSelector,
  type SortKey,
  view,
  visibleWindow,
} from '../shared/list-model.js';
import { type AppSummary, shortRevision } from '../shared/summary.js';
import type { LiveApps } from './client.js';
import { ago, navigate, statusClass } from './util.js';

const ROW = 44;
const SYNC = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];

/** Re-renders the component on every change of the live list. */
export function useLive(live: LiveApps): number {
  const [version, setVersion] = useState(0);
  useEffect(() => live.subscribe(() => setVersion((v) => v + 1)), [live]);
  return version;
}

function Facet(p: {
  title: string;
  values: string[];
  counts: Record<string, number>;
  chosen: readonly string[];
  onChange: (v: string[]) => void;
}) {
  const toggle = (v: string) =>
    p.onChange(p.chosen.includes(v) ? p.chosen.filter((c) => c !== v) : [...p.chosen, v]);
  return html`<fieldset class="facet"><legend>${p.title}</legend>
    ${p.values.map(
      (v) => html`<label class=${`chip ${statusClass(v)}`}>
        <input type="checkbox" name=${`${p.title}-${v}`} checked=${p.chosen.includes(v)} onChange=${() => toggle(v)} />
        ${v} <span class="count" data-count=${v}>${p.counts[v] ?? 0}</span></label>`,
    )}
  </fieldset>`;
}

function Row(p: { app: AppSummary; top: number }) {
  const a = p.app;
  const href = `/app/${encodeURIComponent(a.namespace)}/${encodeURIComponent(a.name)}`;
  return html`<div class="row" role="row" style=${`transform: translateY(${p.top}px)`} data-key=${a.key}
      onClick=${(e: Event) => {
        e.preventDefault();
        navigate(href);
      }}>
    <a class="name" href=${href} role="cell">${a.name}<small>${a.namespace}</small></a>
    <span role="cell" class=${`badge ${statusClass(a.sync)}`} data-field="sync">${a.sync}</span>
    <span role="cell" class=${`badge ${statusClass(a.health)}`} data-field="health" title=${a.healthMessage}>${a.health}</span>
    <span role="cell" class="rev" title=${a.revision}><code>${shortRevision(a.revision)}</code> ${a.subject}</span>
    <span role="cell" title=${a.lastSync}>${a.lastSync ? ago(a.lastSync) : 'never'}</span>
    <span role="cell" class="dest">${a.destination}</span>
  </div>`;
}

export function AppList(p: { live: LiveApps }) {
  useLive(p.live);
  const initial = useMemo(() => filterFromQuery(location.search), []);
  const [filter, setFilter] = useState<ListFilter>(initial.filter);
  const [sort, setSort] = useState<SortKey>(initial.sort);
  const [desc, setDesc] = useState(initial.descending);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const rows = p.live.rows.values();
  const c = counts(p.live.rows.values());
  const shown = view(rows, filter, sort, desc);
  useEffect(() => {
    const q = filterToQuery(filter, sort, desc);
    history.replaceState(null, '', q ? `/?${q}` : '/');
  }, [filter, sort, desc]);
  const win = visibleWindow(scrollTop, height, ROW, shown.length);
  const set = (patch: Partial<ListFilter>) => setFilter({ ...filter, ...patch });
  const sortBy = (k: SortKey) => () => {
    if (k === sort) return setDesc(!desc);
    setSort(k);
    setDesc(false);
  };
  const head = (k: SortKey, label: string) =>
    html`<button class=${`sort ${k === sort ? (desc ? 'desc' : 'asc') : ''}`} data-sort=${k} onClick=${sortBy(k)}>${label}</button>`;
  const badSelector = parseLabelSelector(filter.labels) === undefined;
  return html`<section class="list">
    <div class="filters">
      <input type="search" name="q" placeholder="Search name, repo, path, revision…" value=${filter.text}
        onInput=${(e: Event) => set({ text: (e.target as HTMLInputElement).value })} />
      <input type="text" name="labels" class=${badSelector ? 'invalid' : ''} placeholder="labels: team=web,!legacy" value=${filter.labels}
        onInput=${(e: Event) => set({ labels: (e.target as HTMLInputElement).value })} />
      <select name="namespace" onChange=${(e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        set({ namespace: v ? [v] : [] });
      }}>
        <option value="">all namespaces</option>
        ${c.namespaces.map((n) => html`<option value=${n} selected=${filter.namespace.includes(n)}>${n}</option>`)}
      </select>
      <select name="project" onChange=${(e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        set({ project: v ? [v] : [] });
      }}>
        <option value="">all projects</option>
        ${c.projects.map((n) => html`<option value=${n} selected=${filter.project.includes(n)}>${n}</option>`)}
      </select>
      <${Facet} title="Sync" values=${SYNC} counts=${c.sync} chosen=${filter.sync} onChange=${(v: string[]) => set({ sync: v })} />
      <${Facet} title="Health" values=${HEALTH} counts=${c.health} chosen=${filter.health} onChange=${(v: string[]) => set({ health: v })} />
    </div>
    <p class="summary"><span id="shown">${shown.length}</span> of <span id="total">${c.total}</span> applications${p.live.loaded ? '' : ' (loading…)'}</p>
    <div class="table" role="table">
      <div class="row head" role="row">
        ${head('name', 'Name')}${head('sync', 'Sync')}${head('health', 'Health')}<span>Revision</span>${head('lastSync', 'Last sync')}${head('namespace', 'Destination')}
      </div>
      <div class="viewport" ref=${(el: HTMLElement | null) => {
        if (el?.clientHeight && el.clientHeight !== height) setHeight(el.clientHeight);
      }}
        onScroll=${(e: Event) => setScrollTop((e.target as HTMLElement).scrollTop)}>
        <div class="spacer" style=${`height: ${shown.length * ROW}px`}>
          ${shown.slice(win.start, win.end).map((a, i) => html`<${Row} key=${a.key} app=${a} top=${(win.start + i) * ROW} />`)}
        </div>
      </div>
    </div>
  </section>`;
}
