/**
 * The one way to open a run, for `canary run`, `canary retry`, `canary abort` with no live runner,
 * `run --dry-run` and the engine's tests: read what is stored and what the cluster shows, decide
 * how the run begins (start.ts), and hand back `drive`, wired to the ports and the run's facts.
 *
 *   const run = await openRun({ rollout, templates, template, timeScale, owner, retry: false, lastAliveAt }, ports);
 *   if (run.drive) result = await run.drive({ exitOnPause, timeoutMs, onEvent, stop, inbox });
 */
import type { SecretReader } from '../analysis/secrets.js';
import { SourceDoc } from '../manifests/source.js';
import type { AnalysisTemplateSpec, JsonObject, JsonValue, RolloutSpec } from '../manifests/types.js';
import { analysisResolver } from './analysis-resolver.js';
import type { RunFacts } from './context.js';
import { drive, type DriveResult } from './driver.js';
import type { RunEvent } from './events.js';
import type { Inbox } from './inbox.js';
import type { DriverPorts, Observation } from './ports.js';
import { imagesOf, templateRevision } from './revision.js';
import { leftOverNote, scaleDownLeftOver } from './left-scale-down.js';
import { decideStart, type StartDecision } from './start.js';
import { scaleRollout } from './time-scale.js';
import type { RunState } from './types.js';

export interface RunInputs {
  /** The Rollout with its namespace resolved, as written (not time-scaled). */
  rollout: RolloutSpec;
  /** The AnalysisTemplates its analyses reference. */
  templates: readonly AnalysisTemplateSpec[];
  /** The pod template to roll out (--image applied). */
  template: JsonObject;
  timeScale: number;
  /** Who drives the run: the Lease holder's identity. */
  owner: string;
  /** `canary retry`: run a revision that was rolled back before. */
  retry: boolean;
  /** When the previous runner was last known alive (its Lease renewal), to keep a pause's remaining time. */
  lastAliveAt: number | null;
  /** Stored with the state, so that abort and retry work without the files. */
  manifests?: string;
  /** Default: the revision and the time. */
  runId?: string;
  /** `run --scale-down leave`: end at the verdict and leave the canary's scale-down to the next canary command. */
  leaveScaleDown?: boolean;
  /** `run --dry-run`: only decide. A cluster that cannot be read counts as empty, and there is no drive. */
  dryRun?: boolean;
}

export interface SessionPorts extends Omit<DriverPorts, 'resolveAnalysis'> {
  /** Reads `valueFrom.secretKeyRef` args when an analysis starts. */
  secrets: SecretReader;
}

/** What the caller chooses for one drive: when to stop, and where events go. */
export interface DriveRequest {
  /** Stop (exit 7) at an indefinite pause or an inconclusive analysis instead of waiting for promote. */
  exitOnPause: boolean;
  /** Roll back and stop after this long (ms); null = no limit. */
  timeoutMs: number | null;
  onEvent(e: RunEvent): void;
  /** Called once when the run reaches its verdict (traffic safe), before any scale-down it waits for. */
  onVerdict?(state: RunState): void;
  /** Aborting it stops the loop at once, leaving the persisted state as it is (second Ctrl+C, lost lease). */
  stop: AbortSignal;
  /** Inputs from outside the cluster (signals, requests to act on at once). */
  inbox: Inbox;
  /** A safety net for missed watch events: re-observe at least this often. */
  resyncMs?: number;
}

type Startable = Extract<StartDecision, { kind: 'new' | 'resume' }>;

export type OpenedRun = {
  facts: RunFacts;
  /** The run state stored before this one opened; null when none was ever recorded. */
  stored: RunState | null;
  observed: Observation;
  /** What was done before deciding (a scale-down the last run left to the next canary command). */
  notes: string[];
} & ({ decision: Startable; drive: (request: DriveRequest) => Promise<DriveResult> } | { decision: StartDecision; drive: null });

export async function openRun(inputs: RunInputs, ports: SessionPorts): Promise<OpenedRun> {
  const revision = templateRevision(inputs.template);
  const facts: RunFacts = {
    spec: scaleRollout(inputs.rollout, inputs.timeScale),
    template: inputs.template,
    revision,
    owner: inputs.owner,
    timeScale: inputs.timeScale,
    routeKind: ports.router?.objectKind ?? null,
    ...(inputs.leaveScaleDown ? { leaveScaleDown: true } : {}),
  };
  let stored = (await ports.store.load()).state;
  const notes: string[] = [];
  if (!inputs.dryRun) {
    const after = await scaleDownLeftOver(ports, stored, inputs.owner);
    if (after) {
      stored = after;
      notes.push(leftOverNote(after));
    }
  }
  const observed = await observeStart(ports, inputs.dryRun ?? false);
  const now = ports.clock.now();
  const images = imagesOf(inputs.template);
  const decision = decideStart({
    stored,
    obs: observed,
    facts,
    now,
    runId: inputs.runId ?? `${revision}-${now.toString(36)}`,
    retry: inputs.retry,
    lastAliveAt: inputs.lastAliveAt,
    images: { canary: images, stable: observed.stable?.images ?? [] },
  });
  if (inputs.dryRun || (decision.kind !== 'new' && decision.kind !== 'resume')) {
    return { facts, stored, observed, notes, decision, drive: null };
  }
  const resolveAnalysis = analysisResolver({
    spec: inputs.rollout,
    templates: inputs.templates,
    secrets: ports.secrets,
    context: {
      namespace: inputs.rollout.namespace ?? 'default',
      rollout: rolloutObject(inputs.rollout),
      podTemplateHash: { stable: observed.stable?.revision ?? null, latest: revision },
    },
    timeScale: inputs.timeScale,
  });
  const driverPorts: DriverPorts = { ...ports, resolveAnalysis };
  return {
    facts,
    stored,
    observed,
    notes,
    decision,
    drive: (r) =>
      drive(
        decision.state,
        { facts, resumed: decision.kind === 'resume', images, exitOnPause: r.exitOnPause, timeoutMs: r.timeoutMs, onEvent: r.onEvent, ...(r.onVerdict ? { onVerdict: r.onVerdict } : {}), ...(inputs.manifests !== undefined ? { manifests: inputs.manifests } : {}), ...(r.resyncMs !== undefined ? { resyncMs: r.resyncMs } : {}) },
        driverPorts,
        { stop: r.stop, inbox: r.inbox },
      ),
  };
}

/** The cluster as the run starts: the weight as written (not yet verified). */
async function observeStart(ports: Pick<SessionPorts, 'workloads' | 'router'>, lenient: boolean): Promise<Observation> {
  try {
    const routes = ports.router?.routes ? await ports.router.routes.inPlace() : null;
    const additional = ports.router?.additional ? await ports.router.additional.inPlace() : [];
    return { ...(await ports.workloads.observe()), weight: ports.router ? await ports.router.getWeight() : null, weightVerified: null, routes, additional };
  } catch (err) {
    if (!lenient) throw err;
    return { stable: null, canary: null, services: { stable: null, canary: null }, referenced: null, weight: null, weightVerified: null, routes: null, additional: [], experiment: { deployments: [], services: [] } };
  }
}

/** The Rollout as a JSON object, for `valueFrom.fieldRef` args (metadata.*, spec.*). */
function rolloutObject(rollout: RolloutSpec): JsonValue | null {
  return rollout.source instanceof SourceDoc ? (rollout.source.value as JsonValue) : null;
}
