/**
 * The Rollout of a run's stored manifests, read without validating them again: what `canary status`
 * needs (route object, replicas) and no more. They were validated when the run stored them, and
 * validation loads the condition language, most of what status would otherwise spend starting up
 * (docs/benchmarks.md). Anything that drives the run reads them with stored.ts's readStoredManifests.
 */
import { readStoredSpec } from './stored-text.js';
import type { RolloutSpec } from './types.js';

/** The first Rollout of the stored manifests, with `namespace` as its namespace; null when none reads. */
export function readStoredRollout(text: string, namespace: string): RolloutSpec | null {
  const rollout = readStoredSpec(text).spec.rollouts[0];
  return rollout ? { ...rollout, namespace } : null;
}
