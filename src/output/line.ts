/**
 * One plain line per RunEvent, for CI logs and pipes: timestamped, no escape codes unless the
 * palette has colours. The formatter table is a mapped type: a new event kind without a formatter
 * does not compile.
 */
import type { RunEvent, ServiceRole } from '../engine/events.js';
import { experimentDeletedText } from '../engine/history.js';
import type { PromotionStage } from '../engine/types.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import type { Palette } from '../util/palette.js';
import { clockTime, describeStep, formatDuration, isoTime, stepOf, waitedFor } from './words.js';

type Formatters = { [K in RunEvent['kind']]: (e: Extract<RunEvent, { kind: K }>, p: Palette, t: HintTarget) => string | null };

const FORMAT: Formatters = {
  started: (e, p) =>
    `${e.resumed ? 'resumed' : 'started'} ${e.mode === 'canary' ? (e.stepCount === 0 && e.strategy === 'blueGreen' ? 'blue-green release' : 'canary') : e.mode === 'initial' ? 'first deploy' : 'rollback to stable'} of ${p.bold(`${e.namespace}/${e.name}`)} revision ${e.revision}${e.stableRevision ? ` (stable ${e.stableRevision})` : ''}: ${e.images.join(', ')}${e.mode === 'canary' && e.strategy === 'canary' ? `, ${e.stepCount} steps` : ''}${e.timeScale !== 1 ? p.yellow(` [time scale x${e.timeScale}: pauses, intervals and delays shortened]`) : ''}`,
  stepStarted: (e) => `step ${stepOf(e.index, e.stepCount)}: ${describeStep(e.step)}`,
  stepCompleted: (e, p) => p.green(`step ${stepOf(e.index, e.stepCount)} done`),
  serviceSwitched: (e, p) => `${SERVICE_ROLE[e.role]} ${e.service} now selects the ${e.to} Deployment's pods${e.toRevision ? ` (revision ${p.bold(e.toRevision)})` : ''}`,
  weightChanged: (e, p) => (e.from === null ? `weight ${p.bold(`${e.to}%`)} canary (${e.router})` : `weight ${e.from}% -> ${p.bold(`${e.to}%`)} canary (${e.router})`),
  experimentDeleted: (e) => experimentDeletedText(e),
  waiting: (e, p) => `waiting for ${waitedFor(e)} pods: ${e.ready}/${e.desired} available${e.problem ? p.red(` (${e.problem})`) : ''}`,
  paused: (e, p, t) =>
    p.yellow(
      e.reason === 'InconclusiveAnalysis'
        ? `paused: inconclusive analysis; ${hintCommand('promote', t)} continues, ${hintCommand('abort', t)} rolls back`
        : e.reason === 'BlueGreenPause'
          ? `paused before the switch ${e.until === null ? `until ${hintCommand('promote', t)}` : `until ${clockTime(e.until)} (${formatDuration(e.until - e.at)}, autoPromotionSeconds)`}`
          : e.until === null
            ? `paused until ${hintCommand('promote', t)}`
            : `paused until ${clockTime(e.until)} (${formatDuration(e.until - e.at)})`,
    ),
  resumed: (e) => (e.by === 'promote' ? 'resumed by promote' : null),
  analysisStarted: (e) => `analysis ${e.runId} started: ${e.metrics.join(', ') || 'no metrics'}${e.dryRun.length ? ` (dry-run: ${e.dryRun.join(', ')})` : ''}`,
  measurement: (e, p) => {
    const colour = e.phase === 'Successful' ? p.green : e.phase === 'Failed' ? p.red : p.yellow;
    const c = e.counts;
    const value = e.value !== null ? ` ${e.value}` : '';
    const why = e.phase !== 'Successful' && e.message ? `: ${e.message}` : '';
    return `${e.metric} ${colour(e.phase)}${value} (✔${c.successful} ✖${c.failed} ?${c.inconclusive} ⚠${c.error})${why}`;
  },
  analysisCompleted: (e, p) => {
    const c = e.counts;
    if (e.terminated) return p.yellow(`analysis ${e.runId} Terminated before it finished (measurements so far: ✔${c.successful} ✖${c.failed} ?${c.inconclusive} ⚠${c.error})`);
    const colour = e.phase === 'Successful' ? p.green : p.red;
    return `analysis ${e.runId} ${colour(e.phase)}${e.message && e.phase !== 'Successful' ? `: ${e.message}` : ''}`;
  },
  requestReceived: (e) => `${e.request.kind} requested by ${e.request.by || 'someone'}${e.request.reason ? ` (${e.request.reason})` : ''}: ${e.outcome}`,
  // The verdict line follows ScaleDown at once, then the scale-down's own line.
  promoting: (e) => (e.stage === 'ScaleDown' ? null : `promoting: ${PROMOTION[e.stage]}`),
  rollingBack: (e, p) => p.red(`rolling back: ${e.reason}`),
  scaledDown: (e) => `${e.track} scaled down to ${e.replicas}`,
  scaleDownScheduled: (e) =>
    e.left
      ? `the canary's scale-down (${e.delay}, due ${clockTime(e.due)}) is left to the next canary command`
      : `scaling the canary down at ${clockTime(e.due)} (in ${formatDuration(Math.max(0, e.due - e.at))}, ${e.delay}); Ctrl+C leaves it to the next canary command`,
  deadlineExceeded: (e, p) => p.red(`${e.message}${e.abort ? '' : ' (still waiting: progressDeadlineAbort is false)'}`),
  warning: (e, p) => p.yellow(`warning: ${e.message}`),
  finished: () => null, // the final line says it, with the verdict
};

const PROMOTION: { [K in PromotionStage]: string | null } = {
  CanaryFull: 'canary to full size',
  TrafficToCanary: 'all traffic to the canary',
  UpdateStable: 'rolling the stable Deployment to the new revision',
  TrafficToStable: 'traffic back to stable (now the new revision)',
  ScaleDown: null, // the verdict line follows at once
  PreviewFull: 'preview to full size',
  SwitchActive: 'switching the active Service to the preview',
  PostPromotionAnalysis: 'the new revision serves; postPromotionAnalysis',
  ActiveToStable: 'active Service back on the stable Deployment (now the new revision)',
};

const SERVICE_ROLE: { [K in ServiceRole]: string } = {
  stableService: 'stable Service',
  canaryService: 'canary Service',
  activeService: 'active Service',
  previewService: 'preview Service',
};

/** The event as text; `t` is the rollout as the commands in hints name it. */
export function formatEvent(e: RunEvent, p: Palette, t: HintTarget): string | null {
  const f = FORMAT[e.kind] as (e: RunEvent, p: Palette, t: HintTarget) => string | null;
  return f(e, p, t);
}

/** `2026-11-26T10:00:00.000Z myapp <text>` */
export function eventLine(e: RunEvent, t: HintTarget, p: Palette): string | null {
  const text = formatEvent(e, p, t);
  return text === null ? null : `${p.dim(isoTime(e.at))} ${t.name} ${text}`;
}
