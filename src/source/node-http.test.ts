import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy } from './node-http.js';

describe('bypassesProxy (NO_PROXY)', () => {
  const table: Array<[string, string[], boolean]> = [
    ['git.example.com', ['example.com'], true],
    ['git.example.com', ['.example.com'], true],
    ['example.com', ['.example.com'], true],
    ['notexample.com', ['example.com'], false],
    ['git.example.com', ['other.org', ' GIT.EXAMPLE.COM:443 '], true],
    ['anything', ['*'], true],
    ['git.example.com', [], false],
    ['git.example.com', [''], false],
  ];
  for (const [host, list, want] of table) {
    it(`${host} with [${list.join(',')}] → ${want}`, () => assert.equal(bypassesProxy(host, list), want));
  }
});
