/**
 * How a `canary run` begins, from what is stored and what the cluster shows (DESIGN.md section 4):
 * first deploy, nothing to do, resume a run whose runner is gone, start over with a new revision,
 * undo a canary when the stable template is applied again, or refuse a revision already rolled back.
 */
import { pastOf } from './run-record.js';
import { analysisUses, stepsOf, strategyName } from '../manifests/strategy.js';
import { assertNever } from '../util/assert-never.js';
import type { RunFacts } from './context.js';
import type { Observation } from './ports.js';
import { setWeightAt } from './replicas.js';
import { RUN_STATE_SCHEMA, isTerminal, type RunMode, type RunState } from './types.js';

export type StartDecision =
  | { kind: 'new'; state: RunState; why: string }
  | { kind: 'resume'; state: RunState; why: string }
  | { kind: 'noop'; why: string }
  /** The revision was rolled back before; only `canary retry` (or a new revision) runs it again. */
  | { kind: 'refuse'; why: string; phase: 'Degraded' | 'Aborted'; stored: RunState };

export interface StartInput {
  stored: RunState | null;
  obs: Observation;
  facts: RunFacts;
  now: number;
  runId: string;
  /** A `canary retry` is pending for this rollout. */
  retry: boolean;
  /** When the previous runner was last known alive (its Lease renewal), to keep a pause's remaining time. */
  lastAliveAt: number | null;
  images: { canary: string[]; stable: string[] };
}

export function decideStart(input: StartInput): StartDecision {
  const { stored, obs, facts } = input;
  const stableRevision = obs.stable?.revision ?? null;
  if (!obs.stable) {
    if (stored && !isTerminal(stored.phase) && stored.mode === 'initial' && stored.revision === facts.revision) {
      return { kind: 'resume', state: resumed(stored, input), why: 'resuming the first deploy' };
    }
    return { kind: 'new', state: fresh(input, 'initial', null), why: 'no stable Deployment yet: deploying this revision as stable (no steps, no analysis)' };
  }
  if (stored && !isTerminal(stored.phase)) {
    if (stored.revision === facts.revision && stored.strategy === facts.spec.strategy.kind) {
      const where = stored.stepCount > 0 ? `at step ${Math.min(stored.stepIndex + 1, stored.stepCount)}/${stored.stepCount}` : `(${stored.phase})`;
      return { kind: 'resume', state: resumed(stored, input), why: `resuming the run of revision ${facts.revision} ${where}` };
    }
    if (facts.revision === stableRevision) {
      return { kind: 'new', state: fresh(input, 'rollbackToStable', stableRevision), why: `revision ${facts.revision} is the stable one: undoing the canary of ${stored.revision}` };
    }
    const what = stored.revision === facts.revision ? `the ${strategyName(facts.spec.strategy)} strategy supersedes the unfinished ${stored.strategy} run` : `revision ${facts.revision} supersedes the unfinished run of ${stored.revision}`;
    return { kind: 'new', state: fresh(input, 'canary', stableRevision), why: `${what}: starting over${stepsOf(facts.spec.strategy).length ? ' at step 1' : ''}` };
  }
  if (facts.revision === stableRevision) {
    if ((obs.canary?.replicas ?? 0) > 0 && obs.canary?.revision !== facts.revision) {
      return { kind: 'new', state: fresh(input, 'rollbackToStable', stableRevision), why: `revision ${facts.revision} is already stable: scaling down the leftover canary` };
    }
    return { kind: 'noop', why: `nothing to do: revision ${facts.revision} is already the stable revision` };
  }
  if (stored && stored.revision === facts.revision && (stored.phase === 'Degraded' || stored.phase === 'Aborted')) {
    if (input.retry) return { kind: 'new', state: fresh(input, 'canary', stableRevision), why: `retrying revision ${facts.revision} from step 1 (canary retry)` };
    return { kind: 'refuse', why: stored.message, phase: stored.phase, stored };
  }
  return { kind: 'new', state: fresh(input, 'canary', stableRevision), why: `new revision ${facts.revision}: ${releaseKind(facts)}` };
}

function releaseKind(facts: RunFacts): string {
  const s = facts.spec.strategy;
  switch (s.kind) {
    case 'canary':
      return `rolling out over ${s.steps.length} steps`;
    case 'blueGreen':
      return `blue-green: preview on ${s.previewService ?? 'the canary Deployment'}, then the switch of ${s.activeService}`;
    default:
      return assertNever(s, 'strategy');
  }
}

function fresh(input: StartInput, mode: RunMode, stableRevision: string | null): RunState {
  const { facts, now } = input;
  const steps = stepsOf(facts.spec.strategy).length;
  const base: RunState = {
    schema: RUN_STATE_SCHEMA,
    runId: input.runId,
    rollout: { namespace: facts.spec.namespace ?? 'default', name: facts.spec.name },
    strategy: facts.spec.strategy.kind,
    mode,
    revision: facts.revision,
    stableRevision,
    images: input.images,
    phase: 'Progressing',
    message: '',
    stepIndex: 0,
    stepCount: steps,
    stepStartedAt: now,
    setWeight: setWeightAt(facts.spec, 0),
    weight: input.obs.weight,
    services: input.obs.services,
    canaryScale: null,
    pause: null,
    acceptedRuns: [],
    analyses: [],
    promotion: null,
    rollback: null,
    progress: { since: null, exceeded: false, lastReady: 0 },
    handledRequests: [],
    requests: [],
    past: pastOf(input.stored),
    history: [],
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    owner: facts.owner,
    timeScale: facts.timeScale,
  };
  switch (mode) {
    case 'initial':
      return { ...base, phase: 'Initializing', stepIndex: steps, setWeight: 0, message: 'first deploy: creating the stable Deployment' };
    case 'rollbackToStable':
      return {
        ...base,
        phase: 'RollingBack',
        stepIndex: steps,
        setWeight: 0,
        rollback: { cause: 'rollbackToStable', reason: `revision ${facts.revision} is the stable revision: canary rolled back without steps`, since: now, stage: 'TrafficToStable', scaleDownAt: null },
        message: 'rolling back to the stable revision (no steps, no analysis)',
      };
    case 'canary':
      return { ...base, message: `rolling out revision ${facts.revision}` };
  }
}

/** A run picked up from the state: the pause keeps the time it had left, in-flight work is redone. */
function resumed(stored: RunState, input: StartInput): RunState {
  const now = input.now;
  let pause = stored.pause;
  if (pause && pause.durationMs !== null) {
    const lastAlive = Math.max(stored.updatedAt, input.lastAliveAt ?? 0);
    const elapsed = Math.max(0, Math.min(lastAlive, now) - pause.startedAt);
    pause = { ...pause, startedAt: now - elapsed };
  }
  // Runs continue with their history; measurements that were in flight are dropped once resolved.
  const known = new Set(analysisUses(input.facts.spec).map((u) => u.id));
  const analyses = stored.analyses.filter((r) => known.has(r.id));
  return {
    ...stored,
    owner: input.facts.owner,
    pause,
    analyses,
    progress: { since: null, exceeded: false, lastReady: 0 },
    updatedAt: now,
  };
}
