/**
 * A canary scale-down the last run left to the next canary command (engine/left-scale-down.ts):
 * `status`, `abort`, `promote`, `retry` and `history` do it once it is due, under the rollout's
 * Lease, and say so. (`canary run` does it when it opens a run.) Never fails the command.
 */
import { leftOverNote, scaleDownLeftOver } from '../engine/left-scale-down.js';
import type { RunState } from '../engine/types.js';
import { isResolved } from '../manifests/types.js';
import type { Clock } from '../util/clock.js';
import { messageOf } from '../util/errors.js';
import type { Cluster } from '../wiring/cluster.js';

/** What was done, as a line to print; null when nothing was (none pending, not due, or a runner still waits for it). */
export async function finishLeftScaleDown(cluster: Cluster, clock: Clock, name: string, namespace: string, known: RunState | null): Promise<string | null> {
  const pending = known?.scaleDown;
  if (!known || !pending || clock.now() < pending.at) return null;
  const lock = cluster.lock(name, namespace);
  let taken = false;
  try {
    // A runner that left it is done and may still hold the Lease; one that waits for it keeps it.
    const acquired = await lock.acquire(pending.left ? known.owner : undefined);
    if (!acquired.taken) return null;
    taken = true;
    const store = cluster.stateStore(name, namespace);
    const stored = await store.load();
    if (!stored.state || stored.state.runId !== known.runId || !stored.manifests) return null;
    // Loaded only now: validating the stored manifests loads the condition language, which the
    // commands that may get here (status, abort, promote) otherwise never need (docs/benchmarks.md).
    const { readStoredManifests } = await import('../manifests/stored.js');
    const rollout = { ...readStoredManifests(stored.manifests, namespace).rollouts[0]!, namespace };
    // The stored Rollout carries the template it ran with (a workloadRef's too).
    if (!isResolved(rollout)) return null;
    const ports = { workloads: cluster.workloads(rollout, namespace), store, events: cluster.events(name, namespace), clock };
    const after = await scaleDownLeftOver(ports, stored.state, lock.identity);
    return after ? leftOverNote(after) : null;
  } catch (err) {
    return `warning: could not scale the canary of ${namespace}/${name} down (left to the next canary command): ${messageOf(err)}`;
  } finally {
    if (taken) await lock.release();
  }
}
