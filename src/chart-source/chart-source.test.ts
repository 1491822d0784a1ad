import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tgz } from '../../test/support/tar.js';
import { isTrueupError } from '../api/errors.js';
import { SecretType } from '../source/credentials.js';
import { unpackChart } from './archive.js';
import { isConstraint } from './chart-source.js';
import { indexUrl, resolveChartUrl, sendsCredentials } from './chart-url.js';
import { chartRepoAccess, matchChartRepoSecret } from './repo-credentials.js';
import { parseRepoIndex } from './repo-index.js';
import { resolveVersion } from './version.js';

const code = (c: string, text?: string) => (e: unknown) =>
  isTrueupError(e) && e.code === c && (text === undefined || e.message.includes(text));

test('targetRevision → a version, as Argo CD resolves it against index.yaml', () => {
  const versions = [
    '0.9.0',
    '1.0.0',
    '1.2.0',
    '1.2.7',
    '1.3.0-rc.1',
    '1.10.0',
    '2.0.0',
    'v3.0.0',
    'not-semver',
  ];
  const table: [string, string | RegExp][] = [
    ['1.2.0', '1.2.0'],
    ['1.2.*', '1.2.7'],
    ['1.2.x', '1.2.7'],
    ['~1.2.0', '1.2.7'],
    ['^1.0.0', '1.10.0'],
    ['>=1.0.0 <2.0.0', '1.10.0'],
    ['>=1.0.0, <1.3.0', '1.2.7'],
    ['>=1.3.0-rc.0 <1.4.0', '1.3.0-rc.1'],
    ['*', 'v3.0.0'],
    ['3.0.0', 'v3.0.0'],
    ['not-semver', 'not-semver'],
    ['>=5', /no version matches >=5 \(latest: v3\.0\.0, 2\.0\.0, 1\.10\.0/],
    ['1.2.8', /no version matches 1\.2\.8/],
    ['what?', /neither a version of the chart nor a semver constraint/],
  ];
  for (const [wanted, want] of table) {
    if (typeof want === 'string') assert.equal(resolveVersion(wanted, versions, 'chart web'), want, wanted);
    else
      assert.throws(
        () => resolveVersion(wanted, versions, 'chart web'),
        (e: unknown) =>
          code('ChartVersionNotFound')(e) &&
          want.test((e as Error).message) &&
          (e as Error).message.startsWith('chart web: '),
        wanted,
      );
  }
});

test('OCI targetRevision: versions and tags are fetched directly, constraints list the tags', () => {
  const table: [string, boolean][] = [
    ['1.2.3', false],
    ['1.2.3+build.1', false],
    ['latest', false],
    ['stable', false],
    ['1.2.*', true],
    ['1.x', true],
    ['^1.2', true],
    ['>=1.0.0 <2.0.0', true],
    ['*', true],
  ];
  for (const [text, want] of table) assert.equal(isConstraint(text), want, text);
});

test('index.yaml: versions stay text, entries without urls are left out, digests read', () => {
  const index = parseRepoIndex(
    `apiVersion: v1
entries:
  web:
  - name: web
    version: 1.10
    urls: [web-1.10.tgz]
    digest: ${'A'.repeat(64)}
    created: 2024-01-01T00:00:00Z
  - name: web
    version: 1.2.0
    urls: []
  - name: web
    version: 1.3.0
    urls: [https://cdn.example/web-1.3.0.tgz]
    digest: not-a-digest
  db: []
generated: 2024-01-01T00:00:00Z
`,
    'repo',
  );
  assert.deepEqual(index.get('web'), [
    { name: 'web', version: '1.10', urls: ['web-1.10.tgz'], digest: 'a'.repeat(64) },
    { name: 'web', version: '1.3.0', urls: ['https://cdn.example/web-1.3.0.tgz'] },
  ]);
  assert.deepEqual(index.get('db'), []);
  assert.throws(
    () => parseRepoIndex('<html>', 'index.yaml of https://x'),
    code('ChartIndexInvalid', 'index.yaml of https://x: index.yaml has no entries'),
  );
  assert.throws(() => parseRepoIndex('a: [', 'r'), code('ChartIndexInvalid', 'not YAML'));
});

test('archive URLs join the repository URL as Helm joins them; credentials stay on the repository host', () => {
  const table: [string, string, string][] = [
    ['https://charts.example/stable', 'web-1.0.0.tgz', 'https://charts.example/stable/web-1.0.0.tgz'],
    ['https://charts.example/stable/', 'web-1.0.0.tgz', 'https://charts.example/stable/web-1.0.0.tgz'],
    [
      'https://charts.example/stable',
      'charts/web-1.0.0.tgz',
      'https://charts.example/stable/charts/web-1.0.0.tgz',
    ],
    ['https://charts.example/stable', '/abs/web.tgz', 'https://charts.example/abs/web.tgz'],
    ['https://charts.example/stable', 'https://cdn.example/web.tgz', 'https://cdn.example/web.tgz'],
    ['https://charts.example/s?sig=1', 'web.tgz', 'https://charts.example/s/web.tgz?sig=1'],
    ['https://charts.example/s?sig=1', 'web.tgz?other=2', 'https://charts.example/s/web.tgz?other=2'],
  ];
  for (const [repo, entry, want] of table)
    assert.equal(resolveChartUrl(repo, entry), want, `${repo} + ${entry}`);
  assert.equal(indexUrl('http://127.0.0.1:8080/charts'), 'http://127.0.0.1:8080/charts/index.yaml');

  const auth: [string, string, boolean, boolean][] = [
    ['https://charts.example/s', 'https://charts.example/s/web.tgz', false, true],
    ['https://charts.example/s', 'https://cdn.example/web.tgz', false, false],
    ['https://charts.example/s', 'https://cdn.example/web.tgz', true, true],
    ['https://charts.example/s', 'http://charts.example/s/web.tgz', false, false],
    ['https://charts.example:443/s', 'https://charts.example/web.tgz', false, true],
  ];
  for (const [repo, archive, pass, want] of auth)
    assert.equal(sendsCredentials(repo, archive, pass), want, `${archive} pass=${pass}`);
});

const secret = (name: string, type: string, data: Record<string, string>) => ({
  metadata: { namespace: 'trueup-system', name, labels: { 'argocd.argoproj.io/secret-type': type } },
  stringData: data,
});

test('repository Secrets: exact url, then the longest repo-creds prefix; enableOCI makes host/path a registry', () => {
  const secrets = [
    secret('helm', SecretType.Repository, {
      type: 'helm',
      url: 'https://charts.example/stable',
      username: 'u',
      password: 'p',
    }),
    secret('all', SecretType.RepoCreds, { url: 'https://charts.example', username: 'a', password: 'b' }),
    secret('oci', SecretType.Repository, {
      url: 'registry.example/charts',
      enableOCI: 'true',
      username: 'o',
      password: 'q',
    }),
  ];
  assert.equal(matchChartRepoSecret('https://charts.example/stable/', secrets)?.metadata.name, 'helm');
  assert.equal(matchChartRepoSecret('https://charts.example/other', secrets)?.metadata.name, 'all');
  assert.equal(matchChartRepoSecret('https://charts.example.evil', secrets), undefined);
  assert.equal(matchChartRepoSecret('oci://registry.example/charts', secrets)?.metadata.name, 'oci');

  assert.deepEqual(chartRepoAccess('registry.example/charts', secrets[2]), {
    kind: 'oci',
    credentials: { username: 'o', password: 'q' },
    secretName: 'trueup-system/oci',
  });
  assert.deepEqual(chartRepoAccess('oci://registry.example/charts', undefined), { kind: 'oci' });
  const plain = secret('plain', SecretType.Repository, {
    url: 'oci://r.internal/c',
    insecureOCIForceHttp: 'true',
  });
  assert.deepEqual(chartRepoAccess('oci://r.internal/c', plain), {
    kind: 'oci',
    secretName: 'trueup-system/plain',
    plainHttp: true,
  });
  assert.equal(chartRepoAccess('https://charts.example/stable', secrets[0]).kind, 'http');
  assert.throws(
    () => chartRepoAccess('registry.example/charts', undefined),
    code('ChartInvalidRepoUrl', 'enableOCI'),
  );
  assert.throws(() => chartRepoAccess('git@host:x', undefined), code('ChartInvalidRepoUrl'));
});

test('repository Secrets: TLS client certificates, insecure and proxy fields are refused by name, never ignored', () => {
  const withFields = (fields: Record<string, string>) =>
    secret('tls', SecretType.Repository, { url: 'https://charts.example/stable', ...fields });
  const refused: [Record<string, string>, string][] = [
    [
      { tlsClientCertData: '-----BEGIN CERTIFICATE-----', tlsClientCertKey: 'KEYMATERIAL' },
      'tlsClientCertData, tlsClientCertKey \\(a TLS client certificate\\)',
    ],
    [{ insecure: 'true' }, 'insecure \\(skipping TLS verification\\)'],
    [{ proxy: 'http://proxy:3128', noProxy: 'internal' }, 'proxy, noProxy \\(an HTTP proxy\\)'],
  ];
  for (const [fields, named] of refused)
    for (const url of ['https://charts.example/stable', 'oci://charts.example/stable']) {
      let err: (Error & { code?: string }) | undefined;
      try {
        chartRepoAccess(url, withFields(fields));
      } catch (e) {
        err = e as Error & { code?: string };
      }
      assert.equal(err?.code, 'ChartRepoSettingUnsupported', JSON.stringify(fields));
      assert.match(err.message, new RegExp(`Secret trueup-system/tls sets ${named}, which`));
      assert.doesNotMatch(err.message, /KEYMATERIAL|BEGIN CERTIFICATE|proxy:3128/);
    }
  // The defaults are not settings: insecure "false" and empty fields pass.
  assert.equal(
    chartRepoAccess('https://charts.example/stable', withFields({ insecure: 'false', proxy: '' })).kind,
    'http',
  );
});

test('chart archives unpack to the files of their one top directory, within budgets', () => {
  const limits = { maxUnpackedBytes: 1000, maxFiles: 10 };
  const long = `web/templates/${'x'.repeat(120)}.yaml`;
  const ok = unpackChart(
    tgz(
      { 'web/Chart.yaml': 'name: web', 'web/templates/a.yaml': 'a: 1', [long]: 'b: 2' },
      { symlink: 'web/link' },
    ),
    limits,
    'chart web',
  );
  assert.equal(ok.top, 'web');
  assert.deepEqual([...ok.files.keys()], ['Chart.yaml', 'templates/a.yaml', long.slice(4)]);
  assert.equal(ok.bytes, 'name: web'.length + 8);
  const table: [Uint8Array, string, string][] = [
    [Buffer.from('plain'), 'ChartArchiveInvalid', 'not a gzip archive'],
    [
      tgz({ 'web/Chart.yaml': 'x', 'db/Chart.yaml': 'y' }),
      'ChartArchiveInvalid',
      'more than one top directory',
    ],
    [tgz({ 'web/../../etc/passwd': 'x' }), 'ChartArchiveInvalid', 'inside the chart'],
    [tgz({ 'Chart.yaml': 'x' }), 'ChartArchiveInvalid', 'inside the chart'],
    [tgz({ 'web/values.yaml': 'x' }), 'ChartArchiveInvalid', 'no Chart.yaml'],
    [tgz({ 'web/Chart.yaml': 'x'.repeat(1001) }), 'ChartTooLarge', 'more than 1000 bytes'],
  ];
  for (const [archive, c, text] of table)
    assert.throws(() => unpackChart(archive, limits, 'chart web'), code(c, text), text);
});
