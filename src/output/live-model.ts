/** What the live terminal view shows, folded from RunEvents. Pure. */
import type { RunEvent } from '../engine/events.js';
import { experimentDeletedText } from '../engine/history.js';
import type { Phase } from '../engine/types.js';
import type { LiveStage } from './stages.js';
import type { HintTarget } from '../util/hint.js';

export interface MetricLine {
  runId: string;
  metric: string;
  phase: string;
  value: string | null;
  counts: { successful: number; failed: number; inconclusive: number; error: number };
  at: number;
}

export interface LiveModel {
  rollout: string;
  /** The rollout as the commands the view suggests name it. */
  hint: HintTarget;
  revision: string;
  images: string[];
  timeScale: number;
  /** The canary's steps, or blue-green's stages (stages.ts). */
  steps: LiveStage[];
  stepIndex: number;
  weight: number | null;
  waiting: { track: string; ready: number; desired: number; problem: string | null; deployment?: string } | null;
  pause: { until: number | null; inconclusive: boolean } | null;
  /** What is happening now, one line. */
  activity: string;
  metrics: MetricLine[];
  notes: string[];
  finished: Phase | null;
  /** After the verdict: when the canary is scaled down, and whether this runner leaves it to the next command. */
  scaleDown: { due: number; left: boolean } | null;
}

export function initialModel(rollout: string, steps: LiveStage[], hint: HintTarget): LiveModel {
  return { rollout, hint, revision: '', images: [], timeScale: 1, steps, stepIndex: 0, weight: null, waiting: null, pause: null, activity: 'starting', metrics: [], notes: [], finished: null, scaleDown: null };
}

export function foldEvent(m: LiveModel, e: RunEvent): LiveModel {
  switch (e.kind) {
    case 'started':
      return { ...m, revision: e.revision, images: e.images, timeScale: e.timeScale, stepIndex: e.mode === 'canary' ? m.stepIndex : m.steps.length, activity: e.mode === 'initial' ? 'first deploy: creating the stable Deployment' : e.mode === 'rollbackToStable' ? 'rolling back to the stable revision' : 'starting' };
    case 'stepStarted':
      return { ...m, stepIndex: e.index, waiting: null, pause: null, activity: `step ${e.index + 1}/${e.stepCount}` };
    case 'stepCompleted':
      return { ...m, stepIndex: e.index + 1, waiting: null, pause: null };
    case 'weightChanged':
      return { ...m, weight: e.to };
    case 'waiting':
      return { ...m, waiting: { track: e.track, ready: e.ready, desired: e.desired, problem: e.problem, ...(e.deployment ? { deployment: e.deployment } : {}) } };
    case 'paused':
      return { ...reach(m, e.reason), pause: { until: e.until, inconclusive: e.reason === 'InconclusiveAnalysis' } };
    case 'resumed':
      return { ...m, pause: null };
    case 'analysisStarted':
      return reach(m, e.runId);
    case 'serviceSwitched':
      return note(m, `${e.service} now selects the ${e.to} pods${e.toRevision ? ` (revision ${e.toRevision})` : ''}`);
    case 'measurement': {
      const line: MetricLine = { runId: e.runId, metric: e.metric, phase: e.phase, value: e.value, counts: e.counts, at: e.at };
      const others = m.metrics.filter((x) => !(x.runId === e.runId && x.metric === e.metric));
      return { ...m, metrics: [...others, line] };
    }
    case 'analysisCompleted':
      if (e.terminated) return note(m, `analysis ${e.runId} Terminated before it finished`);
      return e.phase === 'Successful' ? m : note(m, `analysis ${e.runId} ${e.phase}`);
    case 'requestReceived':
      return note(m, `${e.request.kind} by ${e.request.by || 'someone'}: ${e.outcome}`);
    case 'promoting': {
      // Blue-green's stages name the promotion stages they cover; a canary's steps are all done by now.
      const at = m.steps.findIndex((s) => s.keys.includes(e.stage));
      return { ...m, stepIndex: at >= 0 ? at : m.steps.length, waiting: null, pause: null, activity: `promoting: ${e.stage}` };
    }
    case 'rollingBack':
      return { ...note(m, `rolling back: ${e.reason}`), waiting: null, pause: null, activity: 'rolling back to stable' };
    case 'scaledDown':
      return { ...m, scaleDown: null };
    case 'scaleDownScheduled':
      return { ...m, scaleDown: { due: e.due, left: e.left } };
    case 'deadlineExceeded':
      return note(m, e.message);
    case 'warning':
      return note(m, `warning: ${e.message}`);
    case 'experimentDeleted':
      return e.leftover ? note(m, experimentDeletedText(e)) : m;
    case 'finished':
      return { ...m, finished: e.phase, activity: e.phase };
  }
}

/** The stage an event key (an analysis run, a pause reason) belongs to, if the list has one and it is ahead. */
function reach(m: LiveModel, key: string): LiveModel {
  const at = m.steps.findIndex((s) => s.keys.includes(key));
  return at > m.stepIndex ? { ...m, stepIndex: at } : m;
}

function note(m: LiveModel, text: string): LiveModel {
  return { ...m, notes: [...m.notes, text].slice(-3) };
}
