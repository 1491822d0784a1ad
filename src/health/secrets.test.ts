import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../api/object.js';
import { assessHealth, type HealthStatus } from './index.js';

const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });
const sealed = (status: JsonObject | undefined, generation = 1): KubeObject => ({
  apiVersion: 'bitnami.com/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'db', namespace: 'n', generation },
  spec: { encryptedData: { password: 'AgBy...' } },
  ...(status ? { status } : {}),
});
const external = (apiVersion: string, status: JsonObject | undefined, generation = 1): KubeObject => ({
  apiVersion,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'n', generation },
  spec: { secretStoreRef: { name: 'vault' }, target: { name: 'db' } },
  ...(status ? { status } : {}),
});

const cases: [string, KubeObject, HealthStatus, RegExp][] = [
  ['sealed: no status yet', sealed(undefined), 'Progressing', /unseal/],
  ['sealed: status without conditions', sealed({ observedGeneration: 1 }), 'Progressing', /unseal/],
  [
    'sealed: Synced True',
    sealed({ observedGeneration: 1, conditions: [cond('Synced', 'True')] }),
    'Healthy',
    /^$/,
  ],
  [
    'sealed: Synced False (the controller cannot decrypt)',
    sealed({
      observedGeneration: 1,
      conditions: [cond('Synced', 'False', '', 'no key could decrypt secret (password)')],
    }),
    'Degraded',
    /no key could decrypt secret \(password\)/,
  ],
  [
    'sealed: Synced False for an older generation',
    sealed({ observedGeneration: 1, conditions: [cond('Synced', 'False', '', 'previous failure')] }, 2),
    'Progressing',
    /latest generation/,
  ],
  [
    'sealed: Synced True for an older generation',
    sealed({ observedGeneration: 1, conditions: [cond('Synced', 'True')] }, 2),
    'Progressing',
    /latest generation/,
  ],
  [
    'sealed: a status from before observedGeneration existed',
    sealed({ conditions: [cond('Synced', 'True')] }, 3),
    'Healthy',
    /^$/,
  ],
  [
    'sealed: Synced Unknown',
    sealed({ observedGeneration: 1, conditions: [cond('Synced', 'Unknown')] }),
    'Progressing',
    /unseal/,
  ],
  // The generic kstatus reading does not know Synced: a Ready condition alone does not decide.
  [
    'sealed: only a Ready condition',
    sealed({ observedGeneration: 1, conditions: [cond('Ready', 'True')] }),
    'Progressing',
    /unseal/,
  ],
  ['external v1: no status yet', external('external-secrets.io/v1', undefined), 'Progressing', /sync/],
  [
    'external v1: SecretSynced',
    external('external-secrets.io/v1', {
      refreshTime: '2026-01-01T00:00:00Z',
      conditions: [cond('Ready', 'True', 'SecretSynced', 'secret synced')],
    }),
    'Healthy',
    /secret synced/,
  ],
  [
    'external v1: SecretSyncedError',
    external('external-secrets.io/v1', {
      conditions: [
        cond('Ready', 'False', 'SecretSyncedError', 'could not get secret data from provider: key "db"'),
      ],
    }),
    'Degraded',
    /SecretSyncedError: could not get secret data from provider/,
  ],
  [
    'external v1beta1: SecretSynced',
    external('external-secrets.io/v1beta1', {
      conditions: [cond('Ready', 'True', 'SecretSynced', 'Secret was synced')],
    }),
    'Healthy',
    /Secret was synced/,
  ],
  [
    'external v1beta1: SecretSyncedError',
    external('external-secrets.io/v1beta1', {
      conditions: [cond('Ready', 'False', 'SecretSyncedError', 'could not get ProviderClient')],
    }),
    'Degraded',
    /could not get ProviderClient/,
  ],
  [
    'external v1beta1: Ready False without a message',
    external('external-secrets.io/v1beta1', { conditions: [cond('Ready', 'False', 'SecretMissing')] }),
    'Degraded',
    /SecretMissing/,
  ],
  [
    'external: a status with an older observedGeneration',
    external(
      'external-secrets.io/v1',
      { observedGeneration: 1, conditions: [cond('Ready', 'True', 'SecretSynced')] },
      2,
    ),
    'Progressing',
    /latest generation/,
  ],
  [
    'external: conditions without Ready',
    external('external-secrets.io/v1', { conditions: [cond('Deleted', 'False')] }),
    'Progressing',
    /sync/,
  ],
];

test('SealedSecret and ExternalSecret health come from their Synced / Ready conditions', () => {
  for (const [name, obj, status, message] of cases) {
    const h = assessHealth(obj);
    assert.equal(h.status, status, `${name}: ${h.message}`);
    assert.match(h.message, message, name);
  }
});
