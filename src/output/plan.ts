/** `canary run --dry-run`: the plan, the preflight results and the objects that would be written, as text. Pure. */
import type { BlueGreenPlan, CanaryPlan, Plan, PlannedAnalysis, PlannedMetric } from '../engine/plan.js';
import { assertNever } from '../util/assert-never.js';
import type { Palette } from '../util/palette.js';
import { describeStep, formatDuration } from './words.js';

export interface PreflightLine {
  name: string;
  ok: boolean;
  message: string;
  hint?: string;
}

export function renderPlan(plan: Plan, header: { rollout: string; revision: string; stableRevision: string | null; images: string[]; timeScale: number; routing: string; why: string }, p: Palette): string {
  const out: string[] = [];
  out.push(p.bold(`plan for ${header.rollout}: ${header.why}`));
  out.push(`  revision ${header.revision}${header.stableRevision ? ` (stable: ${header.stableRevision})` : ''}, images ${header.images.join(', ')}`);
  out.push(`  traffic: ${header.routing}${header.timeScale !== 1 ? p.yellow(`; time scale x${header.timeScale}`) : ''}`);
  if (plan.mode !== 'canary') {
    out.push(plan.mode === 'initial' ? '  first deploy: the stable Deployment is created at full size; no steps, no analysis' : '  the canary is rolled back to the stable revision; no steps, no analysis');
    return out.join('\n');
  }
  out.push('');
  switch (plan.kind) {
    case 'canary':
      out.push(...canarySteps(plan));
      break;
    case 'blueGreen':
      out.push(...blueGreenSequence(plan));
      break;
    default:
      assertNever(plan, 'plan');
  }
  const waits = plan.waitsForPromote ? ', plus the time until `canary promote`' : '';
  out.push(`  expected time: ${formatDuration(plan.timedMs)} of pauses, analysis and delays${waits}, plus pod start-up`);
  return out.join('\n');
}

function canarySteps(plan: CanaryPlan): string[] {
  const out: string[] = [];
  out.push(`  ${'step'.padEnd(5)} ${'what'.padEnd(28)} ${'weight'.padStart(6)}  ${'canary'.padStart(6)} ${'stable'.padStart(6)}  ${'time'.padEnd(8)} analysis`);
  for (const s of plan.steps) {
    const time = s.waitsForPromote ? 'promote' : s.durationMs === null ? '?' : s.durationMs === 0 ? '-' : formatDuration(s.durationMs);
    const analyses = s.analyses.map((a) => `${a.id}: ${metricList(a.metrics)}`).join('; ');
    out.push(`  ${String(s.index + 1).padEnd(5)} ${describeStep(s.step).padEnd(28)} ${`${s.weight}%`.padStart(6)}  ${String(s.canaryReplicas).padStart(6)} ${String(s.stableReplicas).padStart(6)}  ${time.padEnd(8)} ${analyses}`);
  }
  out.push('');
  out.push(`  then: canary at full size, 100% to the canary, stable rolled to the new revision, traffic back to stable, canary scaled down after ${formatDuration(plan.scaleDownDelayMs)}`);
  if (plan.background) {
    const from = plan.background.startingStep >= plan.steps.length ? 'once the steps are done (terminated at once by the promotion)' : `from step ${plan.background.startingStep + 1}`;
    out.push(`  background analysis ${from}: ${plan.background.metrics.map((m) => `${m.name}${m.intervalMs ? ` every ${formatDuration(m.intervalMs)}` : ''}${fromArgs(m)}`).join(', ')}`);
  }
  return out;
}

/** Blue-green's sequence, numbered as the live view lists it. */
function blueGreenSequence(plan: BlueGreenPlan): string[] {
  const lines: string[] = [];
  const analysis = (a: PlannedAnalysis) => `${metricList(a.metrics)}${a.durationMs === null ? '' : a.durationMs > 0 ? ` (${formatDuration(a.durationMs)})` : ''}`;
  lines.push(`preview: the new revision at ${plan.previewReplicas} pod(s) beside the ${plan.replicas} active ones${plan.previewService ? `; ${plan.previewService} selects it` : ''}; ${plan.activeService} stays on the active pods`);
  if (plan.prePromotion) lines.push(`prePromotionAnalysis once every preview pod is available: ${analysis(plan.prePromotion)}; a failure rolls back`);
  if (plan.pause.kind === 'promote') lines.push('pause until `canary promote` (autoPromotionEnabled: false)');
  if (plan.pause.kind === 'timed') lines.push(`pause ${formatDuration(plan.pause.ms)} (autoPromotionSeconds), or until \`canary promote\``);
  lines.push(`${plan.previewReplicas < plan.replicas ? `preview scaled to ${plan.replicas}, then ` : ''}${plan.activeService} switched to the new revision`);
  if (plan.postPromotion) lines.push(`postPromotionAnalysis: ${analysis(plan.postPromotion)}; a failure switches ${plan.activeService} back`);
  lines.push(`previous revision scaled down after ${formatDuration(plan.previousRevisionDelayMs)}: stable rolled to the new revision, ${plan.activeService} moved back to it`);
  lines.push(`preview scaled down after ${formatDuration(plan.scaleDownDelayMs)}`);
  return lines.map((l, i) => `  ${String(i + 1).padEnd(3)}${l}`).concat(['']);
}

function metricList(metrics: readonly PlannedMetric[]): string {
  return metrics.map((m) => `${m.name}${m.intervalMs ? ` every ${formatDuration(m.intervalMs)}` : ''}${m.count ? ` x${m.count}` : ''}${fromArgs(m)}`).join(', ');
}

export function renderPreflight(checks: readonly PreflightLine[], p: Palette): string {
  const lines = checks.map((c) => `  ${c.ok ? p.green('✔') : p.red('✖')} ${c.name.padEnd(14)} ${c.message}${!c.ok && c.hint ? `\n    ${p.dim(`hint: ${c.hint}`)}` : ''}`);
  return [p.bold('preflight:'), ...lines].join('\n');
}

/** ` (count: {{args.count}})`: numbers the run resolves from args. */
function fromArgs(m: PlannedMetric): string {
  return m.fromArgs.length > 0 ? ` (${m.fromArgs.join(', ')})` : '';
}
