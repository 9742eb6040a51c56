/**
 * toStatusView: what `canary status` knows about one rollout, as a view model (Argo's
 * info.NewRolloutInfo). Pure: a function of the gathered input and `now`, nothing else.
 */
import { isTerminal, type Pause, type RunState } from '../engine/types.js';
import { analysisViews } from './analysis.js';
import { focusOf } from './focus.js';
import { STATUS_SCHEMA_VERSION, type EventView, type ExperimentView, type ObjectStatus, type PauseView, type RequestView, type RunnerView, type RunSummary, type ScaleDownView, type StatusView, type StepView, type Track } from './model.js';
import { lastAliveAt, runnerOf } from './runner.js';
import { hintTarget, summarize } from './summary.js';
import { iso } from './time.js';
import type { DeploymentInfo, StatusInput } from './types.js';
import { ICON } from './icons.js';
import { actualWeight, deploymentViews, experimentDeploymentViews, imageViews, replicasView, tagsOf } from './workloads.js';

export function toStatusView(input: StatusInput): StatusView {
  const { now } = input;
  const focus = focusOf(input);
  const state = focus.kind === 'run' ? focus.state : null;
  const runner = runnerOf(hintTarget(input), state, input.lease.holder, now);
  const status = summarize(input, focus, runner);
  const active = state !== null && !isTerminal(state.phase);
  const strategy = input.strategy ?? state?.strategy ?? 'canary';
  const steps = state !== null && state.mode === 'canary' && strategy === 'canary';
  const services = [...(input.services ?? [])];
  const tags = (track: Track) => tagsOf(track, strategy, services);
  return {
    schemaVersion: STATUS_SCHEMA_VERSION,
    name: input.name,
    namespace: input.namespace,
    observedAt: iso(now),
    status,
    run: state && runSummary(state, now),
    revisionWanted: input.revisionWanted ?? null,
    strategy: strategy === 'blueGreen' ? 'BlueGreen' : 'Canary',
    services,
    step: steps ? stepView(state) : null,
    // Once the run ended the steps ask for nothing: a promoted run is back at 0 on the new stable.
    setWeight: steps && active ? state.setWeight : null,
    actualWeight: actualWeight(input.route, input.stable, input.canary),
    images: imageViews({ ...input, state }, active, tags),
    replicas: replicasView(input, state?.revision ?? null, strategy),
    runner,
    pause: state?.pause && active ? pauseView(state.pause, runner.state === 'live' ? now : lastAliveAt(state, input.lease.holder)) : null,
    deployments: deploymentViews(input, strategy, services),
    experiment: state && active ? experimentView(state, input.experiment ?? [], now) : null,
    route: { kind: input.route.kind, name: input.route.name, weight: input.route.weight, managedRoutes: input.route.managedRoutes ?? [], additional: input.route.additional ?? [] },
    analyses: state ? analysisViews(state.analyses, now) : [],
    pendingRequests: pendingRequests(input, state),
    scaleDown: state ? scaleDownView(state, runner, now) : null,
    lastEvent: state ? lastEvent(state, now) : null,
  };
}

function runSummary(state: RunState, now: number): RunSummary {
  return {
    id: state.runId,
    mode: state.mode,
    revision: state.revision,
    stableRevision: state.stableRevision,
    phase: state.phase,
    startedAt: iso(state.startedAt),
    updatedAt: iso(state.updatedAt),
    finishedAt: state.finishedAt === null ? null : iso(state.finishedAt),
    ageMs: Math.max(0, now - state.startedAt),
    updatedAgoMs: Math.max(0, now - state.updatedAt),
    finishedAgoMs: state.finishedAt === null ? null : Math.max(0, now - state.finishedAt),
  };
}

function stepView(state: RunState): StepView {
  const count = state.stepCount;
  const current = Math.min(state.stepIndex + 1, count);
  return { current, count, completed: Math.min(state.stepIndex, count), label: `${current}/${count}` };
}

/** `clock`: now while a runner counts the pause down; when none does, the moment it stopped (the time left is kept). */
function pauseView(p: Pause, clock: number): PauseView {
  return {
    reason: p.reason,
    startedAt: iso(p.startedAt),
    durationMs: p.durationMs,
    remainingMs: p.durationMs === null ? null : Math.max(0, p.startedAt + p.durationMs - Math.max(clock, p.startedAt)),
  };
}

function scaleDownView(state: RunState, runner: RunnerView, now: number): ScaleDownView | null {
  const sd = state.scaleDown;
  if (!sd || !isTerminal(state.phase)) return null;
  const waits = !sd.left && runner.state === 'live' && runner.identity === state.owner;
  return { dueAt: iso(sd.at), remainingMs: Math.max(0, sd.at - now), delay: sd.delay, by: waits ? 'runner' : 'next-command' };
}

function pendingRequests(input: StatusInput, state: RunState | null): RequestView[] {
  const handled = new Set(state?.handledRequests ?? []);
  return (input.requests ?? [])
    .filter((r) => !handled.has(r.id))
    .map((r) => ({ kind: r.kind, by: r.by, reason: r.reason, at: iso(r.at), agoMs: Math.max(0, input.now - r.at) }));
}

function lastEvent(state: RunState, now: number): EventView | null {
  const e = state.history.at(-1);
  return e ? { at: iso(e.at), agoMs: Math.max(0, now - e.at), reason: e.reason, message: e.message } : null;
}

/** The current step's experiment, as Argo's plugin shows an Experiment: its Deployments and analysis runs. */
function experimentView(state: RunState, deployments: readonly DeploymentInfo[], now: number): ExperimentView | null {
  const ex = state.experiment;
  if (!ex) return null;
  const views = experimentDeploymentViews(deployments.filter((d) => d.name.startsWith(`${ex.name}-`)));
  const status: ObjectStatus = ex.availableAt === null ? { icon: ICON.progressing, text: 'Pending' } : { icon: ICON.progressing, text: 'Running' };
  return {
    name: ex.name,
    ageMs: Math.max(0, now - ex.startedAt),
    status,
    deployments: views,
    analysisIds: state.analyses.filter((a) => a.id.startsWith(`step-${ex.stepIndex + 1}-`)).map((a) => a.id),
  };
}
