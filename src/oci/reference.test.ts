import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { OciClient } from './client.js';
import { apiHost, childRepository, isLoopbackRegistry, isTag, parseOciRepository } from './reference.js';

test('OCI repository references: Helm and Argo CD spellings', () => {
  const table: [string, { registry: string; repository: string } | string][] = [
    ['oci://ghcr.io/org/charts', { registry: 'ghcr.io', repository: 'org/charts' }],
    ['oci://127.0.0.1:5000/charts/', { registry: '127.0.0.1:5000', repository: 'charts' }],
    ['registry-1.docker.io/bitnamicharts', { registry: 'registry-1.docker.io', repository: 'bitnamicharts' }],
    ['OCI://Example.COM:443/a/b-c/d_e.f', { registry: 'example.com:443', repository: 'a/b-c/d_e.f' }],
    ['oci://host', { registry: 'host', repository: '' }],
    ['oci://host/Upper', 'repository path Upper'],
    ['oci://user:pw@host/x', 'not an OCI repository'],
    ['https://host/x', 'not an OCI repository'],
    ['oci://host/a//b', 'repository path'],
  ];
  for (const [raw, want] of table) {
    if (typeof want === 'string') {
      assert.throws(
        () => parseOciRepository(raw),
        (e: unknown) => isTrueupError(e) && e.code === 'OciInvalidReference' && e.message.includes(want),
        raw,
      );
    } else assert.deepEqual(parseOciRepository(raw), want, raw);
  }
});

test('a chart is a repository under its repoURL; tags, loopback, Docker Hub', () => {
  assert.deepEqual(childRepository({ registry: 'h', repository: 'charts' }, 'web'), {
    registry: 'h',
    repository: 'charts/web',
  });
  assert.deepEqual(childRepository({ registry: 'h', repository: '' }, 'web'), {
    registry: 'h',
    repository: 'web',
  });
  assert.throws(() => childRepository({ registry: 'h', repository: 'c' }, '../x'));
  assert.equal(isTag('1.2.3_build.1'), true);
  assert.equal(isTag('1.2.3+build.1'), false, 'a + is not allowed in tags (Helm writes _)');
  assert.equal(isLoopbackRegistry('127.0.0.1:5000'), true);
  assert.equal(isLoopbackRegistry('localhost'), true);
  assert.equal(isLoopbackRegistry('[::1]:5000'), true);
  assert.equal(isLoopbackRegistry('127.example.com'), false);
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('ghcr.io'), 'ghcr.io');
});

test('the API URL: https, plain HTTP for loopback, or when a call asks for it', () => {
  const client = new OciClient();
  const table: [string, boolean | undefined, string][] = [
    ['ghcr.io', undefined, 'https://ghcr.io/v2/a/b/tags/list'],
    ['docker.io', undefined, 'https://registry-1.docker.io/v2/a/b/tags/list'],
    ['registry-1.docker.io', undefined, 'https://registry-1.docker.io/v2/a/b/tags/list'],
    ['127.0.0.1:5000', undefined, 'http://127.0.0.1:5000/v2/a/b/tags/list'],
    ['r.internal:5000', true, 'http://r.internal:5000/v2/a/b/tags/list'],
    ['127.0.0.1:5000', false, 'https://127.0.0.1:5000/v2/a/b/tags/list'],
  ];
  for (const [registry, plain, want] of table)
    assert.equal(client.url({ registry, repository: 'a/b' }, 'tags/list', plain), want, registry);
  // Docker Hub's official images live under library/.
  assert.equal(
    client.url({ registry: 'docker.io', repository: 'nginx' }, 'tags/list'),
    'https://registry-1.docker.io/v2/library/nginx/tags/list',
  );
  assert.equal(
    client.url({ registry: 'ghcr.io', repository: 'nginx' }, 'tags/list'),
    'https://ghcr.io/v2/nginx/tags/list',
  );
});
