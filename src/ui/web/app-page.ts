/** One application: header and actions, conditions, operation, resource tree, diff, history, events. */

import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type {
  DiffAnswer,
  EventEntry,
  HistoryAnswerEntry,
  TreeAnswer,
  TreeNode,
} from '../shared/api-types.js';
import { type SourceSpec, sourceLines, sourceText } from '../shared/sources.js';
import { type AppSummary, shortRevision } from '../shared/summary.js';
import { appPath, getJson, type LiveApps, post } from './client.js';
import { type Confirmation, ConfirmDialog } from './confirm.js';
import { useLive } from './list.js';
import { ago, navigate, statusClass } from './util.js';

interface AppDetail {
  metadata: { namespace: string; name: string };
  spec: { source?: SourceSpec; sources?: SourceSpec[]; syncPolicy?: { automated?: object } };
  status?: {
    sync?: { revision?: string; revisions?: string[] };
    conditions?: {
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }[];
    operationState?: {
      phase: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      operation?: { initiatedBy?: { username?: string } };
    };
  };
  operation?: object;
  summary: AppSummary;
}

function useFetch<T>(path: string, version: number): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    getJson<T>(path).then(
      (data) => live && setState({ data }),
      (err: Error) => live && setState((s) => ({ ...s, error: err.message })),
    );
    return () => {
      live = false;
    };
  }, [path, version, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

const ref = (n: { group: string; kind: string; namespace: string; name: string }) =>
  `${n.group ? `${n.group}/` : ''}${n.kind}/${n.namespace ? `${n.namespace}/` : ''}${n.name}`;

function Tree(p: { nodes: TreeNode[] }) {
  return html`<ul class="tree">${p.nodes.map(
    (n) => html`<li data-kind=${n.kind} data-name=${n.name}>
      <span class="kind">${n.kind}</span> <span class="obj">${n.namespace ? `${n.namespace}/` : ''}${n.name}</span>
      <span class=${`badge ${statusClass(n.health)}`} title=${n.healthMessage}>${n.health}</span>
      ${n.sync ? html`<span class=${`badge ${statusClass(n.sync)}`}>${n.sync}</span>` : ''}
      ${n.requiresPruning ? html`<span class="badge st-outofsync">requires pruning</span>` : ''}
      ${n.healthMessage ? html`<small class="msg">${n.healthMessage}</small>` : ''}
      ${n.children.length ? html`<${Tree} nodes=${n.children} />` : ''}
    </li>`,
  )}</ul>`;
}

/** Every source of the app (spec.sources lists several; a `$values`-only ref too). */
function Sources(p: { spec: AppDetail['spec']; sync: NonNullable<AppDetail['status']>['sync'] }) {
  return html`<ul class="sources" id="app-sources">${sourceLines(p.spec, p.sync).map(
    (line, i) => html`<li data-source=${i}>${line}</li>`,
  )}</ul>`;
}

/** The result of the sync that deployed a history entry, and who asked for it. */
function HistoryResult(p: { e: HistoryAnswerEntry }) {
  const e = p.e;
  const by = e.initiatedBy?.username
    ? `by ${e.initiatedBy.username}`
    : e.initiatedBy?.automated
      ? 'automated'
      : '';
  const took =
    e.deployStartedAt && e.deployedAt
      ? Math.max(0, Math.round((Date.parse(e.deployedAt) - Date.parse(e.deployStartedAt)) / 1000))
      : undefined;
  return html`${e.phase ? html`<span class=${`badge ${statusClass(e.phase === 'Succeeded' ? 'healthy' : 'degraded')}`}>${e.phase}</span> ` : ''}${e.message ?? ''}${by || took !== undefined ? html` <small>${[by, took !== undefined ? `in ${took}s` : ''].filter(Boolean).join(', ')}</small>` : ''}`;
}

/** The revision of a history entry; with several sources, each source's. */
function HistoryRevision(p: { e: HistoryAnswerEntry }) {
  const e = p.e;
  if (!e.sources) return html`<code>${shortRevision(e.revision)}</code>${e.current ? ' (current)' : ''}`;
  return html`${e.current ? '(current)' : ''}<ul class="sources">${e.sources.map(
    (src, i) => html`<li>${sourceText(src, e.revisions?.[i])}</li>`,
  )}</ul>`;
}

function DiffView(p: { d: DiffAnswer }) {
  const changed = p.d.entries.filter((e) => e.action !== 'unchanged');
  return html`<div class="diff">
    <p>At <code>${p.d.display}</code>: ${changed.length} of ${p.d.entries.length} object(s) differ.</p>
    ${changed.map(
      (e) =>
        html`<details open class="diff-entry" data-object=${ref(e)}><summary>${ref(e)} <span class="badge">${e.action}</span> ${e.reason}</summary><pre>${e.text
          .split('\n')
          .map(
            (l) =>
              html`<span class=${l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : ''}>${`${l}\n`}</span>`,
          )}</pre></details>`,
    )}
  </div>`;
}

export function AppPage(p: { live: LiveApps; ns: string; name: string }) {
  const base = appPath(p.ns, p.name);
  useLive(p.live);
  const row = p.live.rows.get(`${p.ns}/${p.name}`);
  // Row changes (sync, health, operation) from the stream reload the details.
  const [version, setVersion] = useState(0);
  const stamp = row
    ? `${row.sync}|${row.health}|${row.revision}|${row.operation}|${row.lastSync}|${row.message}`
    : '';
  useEffect(() => setVersion((v) => v + 1), [stamp]);
  const app = useFetch<AppDetail>(base, version);
  const tree = useFetch<TreeAnswer>(`${base}/tree`, version);
  const diff = useFetch<DiffAnswer>(`${base}/diff`, version);
  const hist = useFetch<{ items: HistoryAnswerEntry[] }>(`${base}/history`, version);
  const events = useFetch<{ items: EventEntry[] }>(`${base}/events`, version);
  const [confirm, setConfirm] = useState<Confirmation | undefined>();
  const [notice, setNotice] = useState('');
  const act = (what: string, body: unknown) =>
    post(`${base}/${what}`, body).then(
      () => setNotice(`${what} requested`),
      (err: Error) => setNotice(`${what} failed: ${err.message}`),
    );
  const a = app.data;
  const automated = a?.spec.syncPolicy?.automated !== undefined;
  const s = a?.summary ?? row;
  const diffObjects = (diff.data?.entries ?? []).filter((e) => e.action !== 'unchanged');
  const op = a?.status?.operationState;
  return html`<section class="app">
    <p><a href="/" onClick=${(e: Event) => {
      e.preventDefault();
      navigate('/');
    }}>← Applications</a></p>
    <h2>${p.ns}/${p.name}</h2>
    ${app.error ? html`<p class="error">${app.error}</p>` : ''}
    ${
      s
        ? html`<div class="facts">
      <span class=${`badge ${statusClass(s.sync)}`} id="app-sync">${s.sync}</span>
      <span class=${`badge ${statusClass(s.health)}`} id="app-health">${s.health}</span>
      <span>Revision <code id="app-revision">${shortRevision(s.revision)}</code> ${s.subject}</span>
      ${a ? html`<${Sources} spec=${a.spec} sync=${a.status?.sync} />` : html`<span>${s.repoURL} @ ${s.targetRevision} : ${s.path}</span>`}
      <span>→ ${s.destination}</span>
      <span>${automated ? 'automated sync' : 'manual sync'}</span>
    </div>`
        : ''
    }
    <div class="actions">
      <button id="refresh" onClick=${() => setConfirm({ title: 'Refresh', text: 'Compare with Git again now?', run: () => act('refresh', { type: 'normal' }) })}>Refresh</button>
      <button id="hard-refresh" onClick=${() => setConfirm({ title: 'Hard refresh', text: 'Drop cached Git and render results and compare again?', run: () => act('refresh', { type: 'hard' }) })}>Hard refresh</button>
      <button id="sync" class="primary" onClick=${() => setConfirm({ title: 'Sync', text: `Sync ${p.ns}/${p.name} to ${s?.targetRevision ?? 'its target revision'}?`, prune: true, resources: diffObjects.map(ref), run: (o) => act('sync', { ...(o.prune ? { prune: true } : {}), ...(o.resources ? { resources: o.resources.map(parseRef) } : {}) }) })}>Sync</button>
    </div>
    ${notice ? html`<p class="notice" id="notice">${notice}</p>` : ''}
    <h3>Conditions</h3>
    <table class="conditions"><tbody>${(a?.status?.conditions ?? []).map((c) => html`<tr><td>${c.type}</td><td class=${statusClass(c.status === 'True' ? 'healthy' : 'degraded')}>${c.status}</td><td>${c.reason ?? ''}</td><td>${c.message ?? ''}</td></tr>`)}</tbody></table>
    <h3>Operation</h3>
    <p id="operation">${a?.operation ? 'requested, waiting for the controller' : op ? html`<span class=${`badge ${statusClass(op.phase === 'Succeeded' ? 'healthy' : op.phase === 'Running' ? 'progressing' : 'degraded')}`}>${op.phase}</span> ${op.message ?? ''} ${op.finishedAt ? `(${ago(op.finishedAt)})` : ''} ${op.operation?.initiatedBy?.username ? `by ${op.operation.initiatedBy.username}` : ''}` : 'none'}</p>
    <h3>Resource tree</h3>
    ${tree.error ? html`<p class="error">${tree.error}</p>` : tree.data ? html`<${Tree} nodes=${tree.data.nodes} />${tree.data.warnings.map((w) => html`<p class="warning">${w}</p>`)}` : html`<p>loading…</p>`}
    <h3>Diff</h3>
    ${diff.error ? html`<p class="error">${diff.error}</p>` : diff.data ? html`<${DiffView} d=${diff.data} />` : html`<p>rendering…</p>`}
    <h3>History</h3>
    <table class="history"><thead><tr><th>ID</th><th>Revision</th><th>Commit</th><th>Author</th><th>Deployed</th><th>Sync result</th><th></th></tr></thead><tbody>
    ${(hist.data?.items ?? []).map(
      (
        e,
      ) => html`<tr data-history=${e.id}><td>${e.id}</td><td><${HistoryRevision} e=${e} /></td><td>${e.subject || e.commitError || ''}</td><td>${e.author} ${e.authorTime ? html`<small>${ago(e.authorTime)}</small>` : ''}</td><td title=${e.deployedAt}>${ago(e.deployedAt)}</td><td class="result"><${HistoryResult} e=${e} /></td>
      <td>${automated ? '' : html`<button class="rollback" onClick=${() => setConfirm({ title: 'Rollback', text: `Sync ${p.ns}/${p.name} back to history ${e.id} (${shortRevision(e.revision)} ${e.subject})?`, run: () => act('rollback', { id: e.id }) })}>Rollback</button>`}</td></tr>`,
    )}
    </tbody></table>
    <h3>Events</h3>
    <table class="events"><tbody>${(events.data?.items ?? []).map((e) => html`<tr><td>${e.type}</td><td>${e.reason}</td><td>${e.message}</td><td>${e.count > 1 ? `×${e.count}` : ''}</td><td>${e.lastTimestamp ? ago(e.lastTimestamp) : ''}</td></tr>`)}</tbody></table>
    ${confirm ? html`<${ConfirmDialog} c=${confirm} onClose=${() => setConfirm(undefined)} />` : ''}
  </section>`;
}

function parseRef(text: string) {
  const parts = text.split('/');
  const k = parts.findIndex((x) => /^[A-Z]/.test(x));
  const rest = parts.slice(k + 1);
  return {
    ...(k > 0 ? { group: parts.slice(0, k).join('/') } : {}),
    kind: parts[k] ?? '',
    ...(rest.length === 2 ? { namespace: rest[0] } : {}),
    name: rest.at(-1) ?? '',
  };
}
