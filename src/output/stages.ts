/**
 * What the live view lists and marks off as a run goes: a canary's steps, or blue-green's sequence
 * (preview up, prePromotionAnalysis, the pause, the switch, postPromotionAnalysis, the previous
 * revision scaled down, the preview scaled down). Each stage names the events that reach it. Pure.
 */
import { summarizeStep } from '../engine/events.js';
import { PRE_PROMOTION_RUN, POST_PROMOTION_RUN } from '../manifests/strategy.js';
import type { BlueGreenStrategy, RolloutSpec } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { describeStep, formatDuration } from './words.js';

export interface LiveStage {
  text: string;
  /** Promotion stages, analysis run ids or pause reasons that mean the run is at this stage. */
  keys: string[];
}

export function liveStages(spec: Pick<RolloutSpec, 'strategy' | 'replicas'>): LiveStage[] {
  const s = spec.strategy;
  switch (s.kind) {
    case 'canary':
      return s.steps.map((step) => ({ text: describeStep(summarizeStep(step)), keys: [] }));
    case 'blueGreen':
      return blueGreenStages(s, spec.replicas);
    default:
      return assertNever(s, 'strategy');
  }
}

function blueGreenStages(b: BlueGreenStrategy, replicas: number): LiveStage[] {
  const templates = (ref: NonNullable<BlueGreenStrategy['prePromotionAnalysis']>) => ref.templates.map((t) => t.templateName).join(', ');
  const previous = b.scaleDownDelayRevisionLimit === 0 ? 0 : b.scaleDownDelayMs;
  const stages: LiveStage[] = [{ text: `preview: ${b.previewReplicaCount ?? replicas} pod(s)${b.previewService ? ` behind ${b.previewService}` : ''}`, keys: [] }];
  if (b.prePromotionAnalysis) stages.push({ text: `prePromotionAnalysis ${templates(b.prePromotionAnalysis)}`, keys: [PRE_PROMOTION_RUN] });
  if (!b.autoPromotionEnabled) stages.push({ text: 'pause until promoted', keys: ['BlueGreenPause'] });
  else if (b.autoPromotionMs > 0) stages.push({ text: `pause ${formatDuration(b.autoPromotionMs)} (autoPromotionSeconds)`, keys: ['BlueGreenPause'] });
  stages.push({ text: `switch ${b.activeService} to the new revision`, keys: ['PreviewFull', 'SwitchActive'] });
  if (b.postPromotionAnalysis) stages.push({ text: `postPromotionAnalysis ${templates(b.postPromotionAnalysis)}`, keys: ['PostPromotionAnalysis', POST_PROMOTION_RUN] });
  stages.push({ text: `previous revision scaled down after ${formatDuration(previous)}, stable updated`, keys: ['UpdateStable', 'ActiveToStable'] });
  stages.push({ text: `preview scaled down after ${formatDuration(b.scaleDownDelayMs)}`, keys: ['ScaleDown'] });
  return stages;
}
