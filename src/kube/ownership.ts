/**
 * The marker on everything canary creates, and the rule for objects of canary's names that lack
 * it: refused, unless the user passed --adopt, in which case the marker is added on the next write.
 */
import type { KubeObject } from './client.js';
import { foreign } from './errors.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGER = 'canary';
export const ROLLOUT_LABEL = 'canary-rollouts/rollout';
export const TRACK_LABEL = 'canary-rollouts/track';
export const REVISION_ANNOTATION = 'canary-rollouts/revision';

/** Labels every object canary creates for Rollout `rollout` carries. */
export function markerLabels(rollout: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGER, [ROLLOUT_LABEL]: rollout };
}

export function isManaged(obj: KubeObject): boolean {
  return obj.metadata.labels?.[MANAGED_BY_LABEL] === MANAGER;
}

/**
 * 'ours' when the object carries the marker; 'adopt' when it does not and adoption was asked for
 * (the caller adds markerLabels in its write); throws otherwise.
 */
export function claim(obj: KubeObject, what: string, adopt: boolean): 'ours' | 'adopt' {
  if (isManaged(obj)) return 'ours';
  if (adopt) return 'adopt';
  throw foreign(what, `${MANAGED_BY_LABEL}=${MANAGER}`);
}
