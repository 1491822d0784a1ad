import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink, parseChallenges, pickChallenge, tokenUrl } from './challenge.js';

test('WWW-Authenticate challenges as registries send them', () => {
  const table: [string, ReturnType<typeof parseChallenges>][] = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    ],
    // A scope with a comma inside quotes, spaces after commas, mixed-case names.
    [
      'bearer Realm="https://h/t", Service="h", scope="repository:a/b:pull,push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://h/t', service: 'h', scope: 'repository:a/b:pull,push' },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    // Two challenges in one header; an unquoted token value; an escaped quote.
    [
      'Basic realm=x, Bearer realm="https://h/t\\"q",service=h',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://h/t"q', service: 'h' } },
      ],
    ],
    ['', []],
  ];
  for (const [header, want] of table) assert.deepEqual(parseChallenges(header), want, header);
});

test('Bearer is answered before Basic; the token URL carries service and scope', () => {
  const picked = pickChallenge(parseChallenges('Basic realm=x, Bearer realm="https://h/t?a=1",service=reg'));
  assert.equal(picked?.scheme, 'bearer');
  assert.equal(
    picked && tokenUrl(picked, ['repository:a/b:pull']).toString(),
    'https://h/t?a=1&service=reg&scope=repository%3Aa%2Fb%3Apull',
  );
  assert.equal(pickChallenge(parseChallenges('Negotiate')), undefined);
  assert.throws(() => tokenUrl({ scheme: 'bearer', params: {} }, []));
});

test('Link pagination: the rel="next" target, resolved against the request', () => {
  const base = 'https://r.example/v2/a/tags/list?n=2';
  const table: [string | null, string | undefined][] = [
    ['</v2/a/tags/list?n=2&last=b>; rel="next"', 'https://r.example/v2/a/tags/list?n=2&last=b'],
    ['<https://other/v2/a/tags/list?last=b>; rel=next', 'https://other/v2/a/tags/list?last=b'],
    [
      '</first>; rel="first", </v2/a/tags/list?last=c>; rel="next"',
      'https://r.example/v2/a/tags/list?last=c',
    ],
    ['</prev>; rel="prev"', undefined],
    [null, undefined],
  ];
  for (const [header, want] of table) assert.equal(nextLink(header, base), want, String(header));
});
