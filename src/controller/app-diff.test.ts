import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application } from '../api/application.js';
import { type AppDiffDeps, diffApp } from './app-diff.js';

test('app diff refuses a remote destination (it reads the controller cluster only), naming the cluster', async () => {
  const app = {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'Application',
    metadata: { namespace: 'trueup-system', name: 'far' },
    spec: { source: { repoURL: 'https://git.example/c.git', path: '.' }, destination: { name: 'east' } },
  } as unknown as Application;
  // Refused before any dependency is used.
  await assert.rejects(
    diffApp({} as AppDiffDeps, app),
    /trueup-system\/far deploys to cluster east: its diff is not available here/,
  );
});
