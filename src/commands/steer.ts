/**
 * What `abort`, `promote` and `retry` share: find the rollout's run, tell whether a runner is alive,
 * write a request (never lost, never conflicting with the runner), and wait for the runner's answer.
 */
import { randomUUID } from 'node:crypto';
import { write, type Io } from '../contract/io.js';
import type { Invocation } from '../contract/verb.js';
import type { LeaseHolder, StoredRun } from '../engine/ports.js';
import type { RunRequest, RunState } from '../engine/types.js';
import { requesterIdentity } from '../kube/identity.js';
import type { Cluster } from '../wiring/cluster.js';
import { connectFrom } from './connect.js';
import { rolloutNotFound } from './not-found.js';
import { finishLeftScaleDown } from './left-scale-down.js';
import { systemClock, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { TimeoutError } from '../util/errors.js';
import { hintCommand, type HintTarget } from '../util/hint.js';

export interface Steering {
  cluster: Cluster;
  clock: Clock;
  name: string;
  namespace: string;
  stored: StoredRun;
  holder: LeaseHolder | null;
  /** The holder renewed the Lease within its duration: a runner is driving the rollout. */
  live: boolean;
  /** The rollout as hints name it (namespace, --context when given). */
  hint: HintTarget;
}

export async function openSteering(inv: Invocation, io: Io): Promise<Steering> {
  const clock = systemClock;
  const cluster = await connectFrom(inv, io, clock);
  const name = inv.args[0]!;
  const namespace = cluster.namespaceFor(null);
  const hint: HintTarget = { name, namespace, context: inv.global.context ?? null };
  const [stored, holder] = await Promise.all([cluster.stateStore(name, namespace).load(), cluster.lock(name, namespace).holder()]);
  if (!stored.state) {
    throw await rolloutNotFound(cluster, inv.verb, { ...hint, name }, `canary has no run recorded (no ConfigMap ${namespace}/${name}-canary-run)`);
  }
  const live = isLive(holder, clock.now());
  if (stored.state.scaleDown && !live) {
    const done = await finishLeftScaleDown(cluster, clock, name, namespace, stored.state);
    if (done) write(io.stdout, io.palette.dim(done));
  }
  return { cluster, clock, name, namespace, stored, holder, live, hint };
}

export function isLive(holder: LeaseHolder | null, now: number): boolean {
  return !!holder && holder.renewedAt !== null && now - holder.renewedAt < holder.durationMs;
}

export function newRequest(kind: RunRequest['kind'], reason: string | null, clock: Clock, env: NodeJS.ProcessEnv): RunRequest {
  return { id: `${kind}-${clock.now().toString(36)}-${randomUUID().slice(0, 8)}`, kind, at: clock.now(), by: requesterIdentity(env), reason };
}

/**
 * Waits until `done(state)` says what happened (a line to print), watching the run ConfigMap, or
 * until the runner is gone (its Lease no longer renewed): then the caller acts itself.
 * Times out with a message naming the runner.
 */
export async function waitForRunner(s: Steering, timeoutMs: number, done: (state: RunState) => string | null): Promise<{ kind: 'answer'; line: string } | { kind: 'gone' }> {
  const store = s.cluster.stateStore(s.name, s.namespace);
  const lock = s.cluster.lock(s.name, s.namespace);
  const stop = new AbortController();
  const deadline = s.clock.now() + timeoutMs;
  let latest: RunState | null = s.stored.state;
  let wake: (() => void) | null = null;
  store.watch((run) => {
    latest = run.state;
    wake?.();
  }, stop.signal);
  try {
    for (;;) {
      const answer = latest ? done(latest) : null;
      if (answer) return { kind: 'answer', line: answer };
      const left = deadline - s.clock.now();
      if (left <= 0) {
        throw new TimeoutError(`the runner of ${s.namespace}/${s.name} (${s.holder?.identity ?? 'unknown'}) did not act within ${formatDuration(timeoutMs)}`, {
          hint: `the request is stored and will be handled when a runner drives the rollout again; ${hintCommand('status', s.hint)} shows what it is doing`,
        });
      }
      const ac = new AbortController();
      wake = () => ac.abort();
      await s.clock.sleep(Math.min(left, 2_000), ac.signal);
      wake = null;
      if (ac.signal.aborted) continue;
      // Nothing changed for a while: re-read (a watch event can be missed) and check the runner is still there.
      latest = (await store.load()).state;
      if (latest && done(latest)) continue;
      if (!isLive(await lock.holder(), s.clock.now())) return { kind: 'gone' };
    }
  } finally {
    stop.abort();
  }
}

export function handledOutcome(state: RunState, id: string): string | null {
  if (!state.handledRequests.includes(id)) return null;
  const entry = [...state.history].reverse().find((h) => h.reason === 'RolloutRequest' && h.message.includes(': '));
  return entry ? entry.message.slice(entry.message.indexOf(': ') + 2) : 'handled';
}
