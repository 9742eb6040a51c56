/**
 * Argo's replica math. Traffic-routed: the canary gets ceil(weight x replicas / 100) pods (at least
 * minPodsPerReplicaSet when non-zero), stable stays full unless dynamicStableScale. Without traffic
 * routing the weight is carried by pod counts: canary = ceil(w x R / 100), stable = R - canary.
 */
import { stepScale } from '../manifests/steps.js';
import { stepsOf } from '../manifests/strategy.js';
import type { CanaryScale, CanaryStrategy, RolloutSpec } from '../manifests/types.js';

/** The Rollout's size and its canary strategy: what the replica math reads. */
export type CanarySpec = Pick<RolloutSpec, 'replicas'> & { strategy: CanaryStrategy };

export function weightToReplicas(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / 100);
}

export function canaryReplicas(spec: CanarySpec, setWeight: number, scale: CanaryScale | null): number {
  const R = spec.replicas;
  const routed = spec.strategy.trafficRouting.kind !== 'none';
  if (routed && scale) {
    switch (scale.kind) {
      case 'replicas':
        return scale.replicas;
      case 'weight':
        return minPods(spec, weightToReplicas(R, scale.weight));
      case 'matchTrafficWeight':
        return minPods(spec, weightToReplicas(R, setWeight));
    }
  }
  const n = weightToReplicas(R, setWeight);
  return routed ? minPods(spec, n) : n;
}

/**
 * Stable replicas while steps run. `writtenWeight` is the weight actually on the route: stable only
 * shrinks (dynamicStableScale) once traffic has moved away from it.
 */
export function stableReplicas(spec: CanarySpec, writtenWeight: number, canaryReady: number): number {
  const R = spec.replicas;
  if (spec.strategy.trafficRouting.kind === 'none') {
    // Surge first: stable gives up only as many pods as the canary has ready.
    return Math.max(0, R - canaryReady);
  }
  if (!spec.strategy.dynamicStableScale) return R;
  return minPods(spec, weightToReplicas(R, 100 - writtenWeight));
}

function minPods(spec: CanarySpec, n: number): number {
  return n === 0 ? 0 : Math.max(n, spec.strategy.minPodsPerReplicaSet);
}

/** The weight the steps ask for at `stepIndex`: the last setWeight at or before it (0 before any). */
export function setWeightAt(spec: Pick<RolloutSpec, 'strategy'>, stepIndex: number): number {
  const steps = stepsOf(spec.strategy);
  if (stepIndex >= steps.length) return 100;
  for (let i = stepIndex; i >= 0; i--) {
    const s = steps[i]!;
    if (s.kind === 'setWeight') return s.weight;
  }
  return 0;
}

/**
 * The setCanaryScale in effect at `stepIndex`: the last one at or before it, on its own or sharing a
 * step with setWeight or pause (Argo's UseSetCanaryScale), reset by nothing but the end.
 */
export function canaryScaleAt(spec: Pick<RolloutSpec, 'strategy'>, stepIndex: number): CanaryScale | null {
  const steps = stepsOf(spec.strategy);
  for (let i = Math.min(stepIndex, steps.length - 1); i >= 0; i--) {
    const scale = stepScale(steps[i]!);
    if (scale) return scale;
  }
  return null;
}
