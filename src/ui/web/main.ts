/** The UI's entry: the header, the live app list, and the route (list or one app). */

import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WhoAmI } from '../shared/api-types.js';
import { AppPage } from './app-page.js';
import { getJson, LiveApps } from './client.js';
import { AppList } from './list.js';
import { onNavigate } from './util.js';

const live = new LiveApps();
live.start();

function Root() {
  const [path, setPath] = useState(location.pathname);
  const [me, setMe] = useState<WhoAmI | undefined>();
  useEffect(() => onNavigate(() => setPath(location.pathname)), []);
  useEffect(() => {
    getJson<WhoAmI>('/api/v1/whoami').then(setMe, () => {});
  }, []);
  const m = /^\/app\/([^/]+)\/([^/]+)$/.exec(path);
  return html`<header>
      <h1><a href="/">trueup</a></h1>
      <span class="me">${me ? `${me.user}${me.mode === 'kubeconfig' ? ' (kubeconfig)' : ''}` : ''}</span>
      ${me?.mode === 'token' ? html`<form method="post" action="/logout"><button type="submit">Log out</button></form>` : ''}
    </header>
    <main>${m ? html`<${AppPage} key=${path} live=${live} ns=${decodeURIComponent(m[1] ?? '')} name=${decodeURIComponent(m[2] ?? '')} />` : html`<${AppList} live=${live} />`}</main>`;
}

render(html`<${Root} />`, document.getElementById('root') as HTMLElement);
