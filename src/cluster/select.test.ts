import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedClusterSecret } from './secret.js';
import { type DestinationRef, selectCluster } from './select.js';

const entry = (name: string, server: string): ParsedClusterSecret => ({
  ok: true,
  entry: { secret: `Secret ns/${name}`, name, server, credentials: { insecure: false } },
});
const secrets: ParsedClusterSecret[] = [
  entry('east', 'https://east:6443'),
  entry('west', 'https://west:6443'),
  entry('twin-a', 'https://twin:6443'),
  entry('twin-b', 'https://twin:6443'),
  {
    ok: false,
    secret: 'Secret ns/broken',
    name: 'broken',
    server: 'https://broken',
    message: 'cluster Secret ns/broken: config is not valid JSON',
  },
];

test('selectCluster: destination server or name picks the cluster', () => {
  const cases: [DestinationRef, string][] = [
    [{}, 'local https://kubernetes.default.svc in-cluster'],
    [{ server: 'https://kubernetes.default.svc' }, 'local https://kubernetes.default.svc in-cluster'],
    [{ name: 'in-cluster' }, 'local https://kubernetes.default.svc in-cluster'],
    [
      { name: 'in-cluster', server: 'https://kubernetes.default.svc' },
      'local https://kubernetes.default.svc in-cluster',
    ],
    [{ server: 'https://east:6443' }, 'remote https://east:6443 east'],
    [{ server: 'https://east:6443/' }, 'remote https://east:6443 east'],
    [{ name: 'west' }, 'remote https://west:6443 west'],
    [{ name: 'west', server: 'https://west:6443' }, 'remote https://west:6443 west'],
    [
      { server: 'https://north:6443' },
      'ClusterNotFound spec.destination: cluster server https://north:6443 is not registered: no cluster Secret in namespace ns has server https://north:6443',
    ],
    [
      { name: 'north' },
      'ClusterNotFound spec.destination: cluster name north is not registered: no cluster Secret in namespace ns has name north',
    ],
    [
      { name: 'east', server: 'https://west:6443' },
      'InvalidDestination spec.destination: server https://west:6443 and name east do not name the same cluster: set one of them',
    ],
    [
      { name: 'in-cluster', server: 'https://east:6443' },
      'InvalidDestination spec.destination: server https://east:6443 and name in-cluster do not name the same cluster: set one of them',
    ],
    [
      { server: 'https://twin:6443' },
      'InvalidDestination spec.destination: cluster server https://twin:6443 is named by several cluster Secrets (Secret ns/twin-a, Secret ns/twin-b): keep one',
    ],
    [{ name: 'broken' }, 'ClusterSecretInvalid cluster Secret ns/broken: config is not valid JSON'],
  ];
  for (const [dest, expected] of cases) {
    const s = selectCluster(dest, secrets, 'ns');
    const got = s.kind === 'refused' ? `${s.reason} ${s.message}` : `${s.kind} ${s.server} ${s.name}`;
    assert.equal(got, expected, JSON.stringify(dest));
  }
});
