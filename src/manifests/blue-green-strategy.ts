/**
 * strategy.blueGreen, with Argo's defaults (utils/defaults/defaults.go) and its validation
 * (pkg/apis/rollouts/validation ValidateRolloutStrategyBlueGreen): the preview and active Services
 * differ, and scaleDownDelayRevisionLimit does not exceed revisionHistoryLimit.
 */
import type { Reader } from './reader.js';
import { readAnalysisRef } from './rollout-analysis.js';
import { readIntOrPercent, readPodMetadata, ROLLOUT_DEFAULTS } from './strategy-fields.js';
import type { BlueGreenStrategy } from './types.js';

export function readBlueGreenStrategy(r: Reader, revisionHistoryLimit: number): BlueGreenStrategy | null {
  const b = r.object(
    {
      known: [
        'activeService',
        'previewService',
        'previewReplicaCount',
        'autoPromotionEnabled',
        'autoPromotionSeconds',
        'prePromotionAnalysis',
        'postPromotionAnalysis',
        'scaleDownDelaySeconds',
        'scaleDownDelayRevisionLimit',
        'abortScaleDownDelaySeconds',
        'maxUnavailable',
        'activeMetadata',
        'previewMetadata',
      ],
      unsupported: {
        antiAffinity: 'antiAffinity between the active and preview pods is not implemented: set affinity in the pod template',
      },
    },
    { required: true },
  );
  if (!b) return null;
  const activeService = b.field('activeService').string({ required: true });
  const previewService = b.field('previewService').string();
  if (activeService !== null && previewService === activeService) {
    b.field('activeService').error(`activeService and previewService are both "${activeService}": they must be two different Services`);
  }
  const limit = b.field('scaleDownDelayRevisionLimit').int({ min: 0 });
  if (limit !== null && limit > revisionHistoryLimit) {
    b.field('scaleDownDelayRevisionLimit').error(`must not exceed revisionHistoryLimit (${revisionHistoryLimit})`);
  }
  const autoPromotionEnabled = b.field('autoPromotionEnabled').bool(ROLLOUT_DEFAULTS.autoPromotionEnabled);
  const autoPromotionSeconds = b.field('autoPromotionSeconds').int({ min: 0 }) ?? 0;
  if (!autoPromotionEnabled && autoPromotionSeconds > 0) {
    b.field('autoPromotionSeconds').warn('has no effect with autoPromotionEnabled: false (the rollout waits for `canary promote`)', 'key');
  }
  if (activeService === null) return null;
  return {
    kind: 'blueGreen',
    activeService,
    previewService,
    previewReplicaCount: b.field('previewReplicaCount').int({ min: 0 }),
    autoPromotionEnabled,
    autoPromotionMs: autoPromotionSeconds * 1000,
    prePromotionAnalysis: readAnalysisRef(b.field('prePromotionAnalysis')),
    postPromotionAnalysis: readAnalysisRef(b.field('postPromotionAnalysis')),
    scaleDownDelayMs: (b.field('scaleDownDelaySeconds').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds) * 1000,
    scaleDownDelayRevisionLimit: limit,
    abortScaleDownDelayMs: (b.field('abortScaleDownDelaySeconds').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds) * 1000,
    maxUnavailable: readIntOrPercent(b.field('maxUnavailable'), ROLLOUT_DEFAULTS.maxUnavailable),
    activeMetadata: readPodMetadata(b.field('activeMetadata')),
    previewMetadata: readPodMetadata(b.field('previewMetadata')),
  };
}
