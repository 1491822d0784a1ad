/**
 * Leader election against the real control plane, with each candidate in its own process:
 * only one leads; a killed leader (SIGKILL, no release) is replaced once its Lease expires; a
 * stopped leader (SIGTERM) releases the Lease and the standby takes it over.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { testCluster, testNamespace } from '../support/cluster.js';

interface Event {
  identity: string;
  event: string;
  leader?: boolean;
  holder?: string;
  message?: string;
}

interface Candidate {
  identity: string;
  child: ChildProcess;
  events: Event[];
  /** Resolves with the first event (from now on, or already seen) that matches. */
  next(match: (e: Event) => boolean, what: string): Promise<Event>;
}

// Started at the top level, so the control plane (when this file runs alone) lives for all its tests.
const { kubeconfigPath, kubeConfig } = await testCluster();
const FIXTURE = join(import.meta.dirname, 'fixtures', 'elector.ts');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startCandidate(kubeconfig: string, namespace: string, lease: string, identity: string): Candidate {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, kubeconfig, namespace, lease, identity],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const events: Event[] = [];
  const waiters: { match: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = JSON.parse(line) as Event;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    identity,
    child,
    events,
    next(match, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${identity}: no "${what}" within 60 s; events ${JSON.stringify(events)}; stderr ${stderr}`,
              ),
            ),
          60_000,
        );
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

const becameLeader = (e: Event) => e.event === 'state' && e.leader === true;

async function holderOf(namespace: string, name: string): Promise<string | undefined> {
  const api = kubeConfig.makeApiClient(k8s.CoordinationV1Api);
  const lease = await api.readNamespacedLease({ namespace, name });
  return lease.spec?.holderIdentity;
}

describe('leader election on a Lease (two processes)', () => {
  it('lets one of two candidates lead; a killed leader is replaced after its lease expires', async () => {
    const ns = await testNamespace('le');
    const a = startCandidate(kubeconfigPath, ns, 'trueup-controller', 'a');
    const b = startCandidate(kubeconfigPath, ns, 'trueup-controller', 'b');
    const first = await Promise.race([a.next(becameLeader, 'leader'), b.next(becameLeader, 'leader')]);
    const [leader, standby] = first.identity === 'a' ? [a, b] : [b, a];
    // The standby sees the leader as holder and does not lead.
    await standby.next((e) => e.event === 'state' && e.holder === leader.identity, 'sees the leader');
    assert.equal(await holderOf(ns, 'trueup-controller'), leader.identity);
    assert.ok(!standby.events.some(becameLeader), 'both candidates led at once');

    leader.child.kill('SIGKILL');
    await standby.next(becameLeader, 'takes over after the kill');
    assert.equal(await holderOf(ns, 'trueup-controller'), standby.identity);
    standby.child.kill('SIGTERM');
    await standby.next((e) => e.event === 'stopped', 'stopped');
  });

  it('hands over at once when the leader stops gracefully and releases the Lease', async () => {
    const ns = await testNamespace('le');
    const a = startCandidate(kubeconfigPath, ns, 'lock', 'a');
    await a.next(becameLeader, 'leader');
    const b = startCandidate(kubeconfigPath, ns, 'lock', 'b');
    await b.next((e) => e.event === 'state' && e.holder === 'a', 'sees a as holder');
    a.child.kill('SIGTERM');
    await a.next((e) => e.event === 'stopped', 'stopped');
    const api = kubeConfig.makeApiClient(k8s.CoordinationV1Api);
    const released = await api.readNamespacedLease({ namespace: ns, name: 'lock' });
    // Either still released, or already taken by b; never still held by a.
    assert.notEqual(released.spec?.holderIdentity, 'a');
    await b.next(becameLeader, 'takes over after the release');
    const lease = await api.readNamespacedLease({ namespace: ns, name: 'lock' });
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    b.child.kill('SIGTERM');
    await b.next((e) => e.event === 'stopped', 'stopped');
  });
});
