/**
 * A canary scale-down that no runner does any more (left with `run --scale-down leave`, a signal
 * during the wait, or a runner that died after its verdict) is done by the next canary process for
 * the rollout once it is due: `canary run` when it opens a run (session.ts), the other commands
 * through commands/left-scale-down.ts. The caller holds the rollout's Lease.
 */
import type { Clock } from '../util/clock.js';
import type { EventRecorder, StateStore, Workloads } from './ports.js';
import { leftScaleDownDue, scaledDownBy } from './scale-down.js';
import type { RunState } from './types.js';

export interface LeftScaleDownPorts {
  workloads: Pick<Workloads, 'scale'>;
  store: StateStore;
  events: EventRecorder;
  clock: Clock;
}

/** Scales the canary down if a left scale-down is due; the state as stored after it, or null when nothing was done. */
export async function scaleDownLeftOver(ports: LeftScaleDownPorts, state: RunState | null, owner: string): Promise<RunState | null> {
  const now = ports.clock.now();
  if (!state || !leftScaleDownDue(state, now, false)) return null;
  await ports.workloads.scale('canary', 0);
  const next = scaledDownBy(state, owner, now);
  await ports.store.save(next);
  await ports.events.record('Normal', 'ScalingReplicaSet', next.history.at(-1)!.message);
  return next;
}

export function leftOverNote(state: RunState): string {
  return `scaled the canary of ${state.rollout.namespace}/${state.rollout.name} down to 0: the run of revision ${state.revision} left it to the next canary command`;
}
