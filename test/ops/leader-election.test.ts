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
import { eventually } from '../support/wait.js';

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
  /**
   * Resolves with the first event at index `from` or later that matches, whether it was printed
   * before this call or comes after (an event seen before the waiter was registered is not
   * missed); rejects, naming what was seen, if none comes within 60 s.
   */
  next(match: (e: Event) => boolean, what: string, from?: number): Promise<Event>;
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
    next(match, what, from = 0) {
      const seen = events.slice(from).find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (e: Event) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `${identity}: no "${what}" within 60 s; events ${JSON.stringify(events)}; stderr ${stderr}`,
            ),
          );
        }, 60_000);
        waiters.push(waiter);
      });
    },
  };
}

/** The first of several candidates to print a matching event (seen already or to come). */
async function firstOf(
  candidates: Candidate[],
  match: (e: Event) => boolean,
  what: string,
): Promise<Candidate> {
  const winner = await eventually(what, async () => candidates.find((c) => c.events.some(match)));
  return winner;
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
    // No race of two waiters: poll both candidates' events (bounded) for the first leader.
    const first = await firstOf([a, b], becameLeader, 'a leader');
    const [leader, standby] = first === a ? [a, b] : [b, a];
    // The standby sees the leader as holder and does not lead.
    await standby.next((e) => e.event === 'state' && e.holder === leader.identity, 'sees the leader');
    assert.equal(await holderOf(ns, 'trueup-controller'), leader.identity);
    assert.ok(!standby.events.some(becameLeader), 'both candidates led at once');

    const beforeKill = standby.events.length;
    leader.child.kill('SIGKILL');
    await standby.next(becameLeader, 'takes over after the kill', beforeKill);
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
