/**
 * The experiment step, as Argo's Experiment run by a Rollout: each template becomes a Deployment of
 * the stable or canary pod template (named `<rollout>-<revision>-<step index>-<template>`), the
 * analyses start once every template is available, and the step is done when the duration has passed
 * and the required analyses ended (no duration: the required ones, or all of them). A failed
 * analysis fails the run (progressing.ts rolls back on any failed run). Whatever an experiment made
 * is deleted as soon as no running experiment wants it: after the step, on rollback, and when a
 * runner resumes a run that a dead one left mid-experiment.
 */
import { isCompleted } from '../analysis/assess.js';
import { experimentRunId } from '../manifests/strategy.js';
import type { ExperimentStep } from '../manifests/types.js';
import { experimentWorkloads, workloadOf } from './experiment-workloads.js';
import { ensureRun, findRun, terminateRuns } from './analyses.js';
import type { EngineContext } from './context.js';
import type { Observation, WeightDestination } from './ports.js';
import { trackProgress } from './progress.js';
import { advance } from './transitions.js';
import type { Tx } from './tx.js';
import { isTerminal, type ExperimentState, type RunState } from './types.js';
import { ensureWeight } from './workload-moves.js';

/** `<rollout>-<revision>-<step index>`: the prefix of the experiment's object names. */
export function experimentName(ctx: Pick<EngineContext, 'spec' | 'revision'>, stepIndex: number): string {
  return `${ctx.spec.name}-${ctx.revision}-${stepIndex}`;
}

/**
 * The first half of an experiment step's pass, before the weights are written: its objects ensured,
 * and once every template is available, `availableAt` and the pod hashes recorded (Argo's
 * experiment turns Running then, and only then do weighted templates get traffic). True once available.
 */
export function experimentUp(tx: Tx, obs: Observation, ctx: EngineContext, index: number, step: ExperimentStep): boolean {
  const name = experimentName(ctx, index);
  let ex = tx.state.experiment;
  if (!ex || ex.stepIndex !== index || ex.name !== name) {
    ex = { stepIndex: index, name, startedAt: tx.now, availableAt: null, hashes: {} };
    tx.set({ experiment: ex });
  }
  const workloads = experimentWorkloads(name, step);
  for (const w of workloads) {
    const d = obs.experiment.deployments.find((x) => x.name === w.name);
    // A Service of this name made for another experiment (a template's service.name, kept by a run cut short) is pointed at this one.
    const serviceMissing = w.service !== null && !obs.experiment.services.some((s) => s.name === w.service && s.experiment === w.name);
    if (!d || d.replicas !== w.replicas || serviceMissing) tx.effect({ kind: 'ensureExperiment', workload: w });
  }
  if (ex.availableAt !== null) return true;
  const pods = workloads.map((w) => ({ w, d: obs.experiment.deployments.find((x) => x.name === w.name) }));
  const waiting = pods.find(({ w, d }) => !d || !d.observed || d.available < w.replicas || (w.replicas > 0 && d.podTemplateHash === null));
  if (waiting) {
    const { w, d } = waiting;
    trackProgress(tx, ctx, { track: 'canary', available: d?.available ?? 0, desired: w.replicas, problem: d?.problem ?? null, deployment: w.name });
    return false;
  }
  const hashes: Record<string, string> = {};
  step.templates.forEach((t, i) => {
    const hash = pods[i]!.d!.podTemplateHash;
    if (hash) hashes[t.name] = hash;
  });
  tx.set({ experiment: { ...ex, availableAt: tx.now, hashes } });
  return true;
}

/**
 * Argo's calculateWeightDestinationsFromExperiment: while the current step's experiment is running
 * (its templates available), one destination per template with a weight, to its Service.
 */
export function experimentDestinations(state: RunState, ctx: Pick<EngineContext, 'spec' | 'revision'>): WeightDestination[] {
  const ex = state.experiment;
  if (!ex || ex.availableAt === null || ex.stepIndex !== state.stepIndex) return [];
  const step = ctx.spec.strategy.kind === 'canary' ? ctx.spec.strategy.steps[ex.stepIndex] : undefined;
  if (step?.kind !== 'experiment' || ex.name !== experimentName(ctx, ex.stepIndex)) return [];
  return step.experiment.templates.flatMap((t) => {
    const w = workloadOf(ex.name, t);
    return t.weight && w.service ? [{ service: w.service, weight: t.weight.value }] : [];
  });
}

/** The second half of an experiment step's pass (experimentUp first): its analyses, done when Argo's rules say so. */
export function experimentStep(tx: Tx, ctx: EngineContext, index: number, step: ExperimentStep): void {
  const ex = tx.state.experiment;
  if (!ex || ex.stepIndex !== index || ex.availableAt === null) return;
  trackProgress(tx, ctx, null);

  for (const a of step.analyses) ensureRun(tx, ctx, experimentRunId(index, a.name));
  const runs = step.analyses.map((a) => ({ a, run: findRun(tx, experimentRunId(index, a.name)) }));
  const ended = (r: (typeof runs)[number]) => !!r.run && isCompleted(r.run.phase);
  const required = runs.filter((r) => r.a.requiredForCompletion);
  const durationOver = step.durationMs === null || tx.now >= ex.availableAt! + step.durationMs;
  // Argo: without a duration and analyses to wait for, an experiment runs until it is terminated (promote, here).
  const analysesDone = required.length ? required.every(ended) : step.durationMs === null ? runs.length > 0 && runs.every(ended) : true;
  if (!durationOver) tx.wakeAt(ex.availableAt! + step.durationMs!);
  if (!durationOver || !analysesDone) return;
  // A failed run rolls back and an inconclusive one pauses (progressing.ts) before this; promote accepts the latter.
  if (runs.some((r) => ended(r) && r.run!.phase !== 'Successful' && !tx.state.acceptedRuns.includes(r.run!.id))) return;
  // Argo: once the experiment is complete, analyses still running are terminated (they count as successful).
  terminateRuns(tx, ctx, 'skip', runs.map((r) => r.run?.id).filter((id): id is string => !!id));
  tx.set({ experiment: null });
  advance(tx, ctx);
}

/** The values an experiment's analysis args may name; undefined for other runs or before the templates are available. */
export function experimentVars(state: RunState, ctx: Pick<EngineContext, 'spec'>, runId: string): Record<string, string> | undefined {
  const ex = state.experiment;
  if (!ex || ex.availableAt === null || !runId.startsWith(`step-${ex.stepIndex + 1}-`)) return undefined;
  return varsOf(ex, ctx);
}

function varsOf(ex: ExperimentState, ctx: Pick<EngineContext, 'spec'>): Record<string, string> {
  const step = ctx.spec.strategy.kind === 'canary' ? ctx.spec.strategy.steps[ex.stepIndex] : undefined;
  const vars: Record<string, string> = { 'experiment.availableAt': rfc3339(ex.availableAt!) };
  if (step?.kind === 'experiment' && step.experiment.durationMs !== null) vars['experiment.finishedAt'] = rfc3339(ex.availableAt! + step.experiment.durationMs);
  for (const [template, hash] of Object.entries(ex.hashes)) {
    vars[`templates.${template}.podTemplateHash`] = hash;
    vars[`templates.${template}.replicaset.name`] = `${ex.name}-${template}-${hash}`;
  }
  return vars;
}

/** Go's time.RFC3339: whole seconds, Z. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The objects the current experiment step wants; everything else an experiment made goes. */
function wanted(tx: Tx, ctx: EngineContext): Set<string> {
  const ex = tx.state.experiment;
  const phase = tx.state.phase;
  if (!ex || (phase !== 'Progressing' && phase !== 'Paused') || ex.stepIndex !== tx.state.stepIndex) return new Set();
  const step = ctx.spec.strategy.kind === 'canary' ? ctx.spec.strategy.steps[ex.stepIndex] : undefined;
  if (step?.kind !== 'experiment' || ex.name !== experimentName(ctx, ex.stepIndex)) return new Set();
  const names = new Set<string>();
  for (const w of experimentWorkloads(ex.name, step.experiment)) {
    names.add(`Deployment/${w.name}`);
    if (w.service) names.add(`Service/${w.service}`);
  }
  return names;
}

/** Deletes what no running experiment wants; true while something is left. */
export function cleanUpExperiments(tx: Tx, obs: Observation, ctx: EngineContext): boolean {
  const keep = wanted(tx, ctx);
  if (keep.size === 0 && tx.state.experiment) tx.set({ experiment: null });
  // The route first: an experiment Service still given traffic keeps it and its pods until the
  // weights are rewritten (each phase writes them; a finished run has no phase left to, so here).
  if (obs.additional.some((d) => !keep.has(`Service/${d.service}`))) {
    if (isTerminal(tx.state.phase)) ensureWeight(tx, obs, obs.weight ?? 0, []);
    return true;
  }
  let left = false;
  // This run's experiment Deployments are named after its revision; anything else an earlier run
  // left. A Service is its Deployment's (a template's service.name need not carry the revision).
  const leftover = (name: string) => !name.startsWith(`${ctx.spec.name}-${ctx.revision}-`);
  for (const d of obs.experiment.deployments) {
    if (keep.has(`Deployment/${d.name}`)) continue;
    tx.effect({ kind: 'deleteExperimentObject', object: 'Deployment', name: d.name, leftover: leftover(d.name) });
    left = true;
  }
  for (const s of obs.experiment.services) {
    if (keep.has(`Service/${s.name}`)) continue;
    tx.effect({ kind: 'deleteExperimentObject', object: 'Service', name: s.name, leftover: leftover(s.experiment ?? s.name) });
    left = true;
  }
  return left;
}
