import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, parseCookies, sameOrigin } from './http.js';

test('parseCookies: first value wins, values decoded', () => {
  assert.deepEqual(parseCookies('a=1; b=x%3Dy; a=2; junk'), { a: '1', b: 'x=y' });
  assert.deepEqual(parseCookies(undefined), {});
});

test('sameOrigin: no Origin (not a browser) or this host; anything else refused', () => {
  const cases: [Record<string, string>, boolean, boolean][] = [
    [{ host: 'ui.example:8443' }, false, true],
    [{ host: 'ui.example:8443', origin: 'http://ui.example:8443' }, false, true],
    [{ host: 'ui.example', origin: 'https://ui.example' }, true, true],
    [{ host: 'ui.example', origin: 'https://evil.example' }, true, false],
    [{ host: 'ui.example', origin: 'null' }, false, false],
    [{ origin: 'http://ui.example' }, false, false],
  ];
  for (const [headers, tls, want] of cases)
    assert.equal(sameOrigin({ headers }, tls), want, JSON.stringify(headers));
});

test('isLoopbackHost: trueup ui answers only to loopback names', () => {
  const cases: [string | undefined, boolean][] = [
    ['127.0.0.1:8090', true],
    ['localhost:8090', true],
    ['[::1]:8090', true],
    ['localhost', true],
    ['evil.example:8090', false],
    ['127.0.0.1.evil.example', false],
    [undefined, false],
  ];
  for (const [host, want] of cases) assert.equal(isLoopbackHost(host), want, String(host));
});
