/**
 * A JSON patch of someone else's object that must not overwrite a concurrent edit: the operations
 * are prefixed by a `test` of the resourceVersion they were computed from, and a failed test that
 * was a lost race (the object changed since) is turned into a 409 so that retryConflicts recomputes.
 */
import type { JsonPatchOp, KubeClient, KubeObject } from '../kube/client.js';
import { retryConflicts } from '../kube/conflict.js';
import { ApiCallError, isInvalid } from '../kube/errors.js';
import type { ApiResource } from '../kube/resources.js';

/** Reads the object, asks `ops` what to change (empty: nothing) and writes it guarded; retries lost races. */
export async function patchGuarded<T extends KubeObject>(
  client: KubeClient,
  api: ApiResource,
  namespace: string,
  name: string,
  read: () => Promise<T>,
  ops: (current: T) => JsonPatchOp[],
): Promise<void> {
  await retryConflicts({ what: `${api.kind} ${namespace}/${name}` }, async () => {
    const current = await read();
    const changes = ops(current);
    if (changes.length === 0) return;
    const rv = current.metadata.resourceVersion;
    try {
      await client.patch(api, namespace, name, { type: 'json', ops: [{ op: 'test', path: '/metadata/resourceVersion', value: rv }, ...changes] });
    } catch (err) {
      if (isInvalid(err) && (await read()).metadata.resourceVersion !== rv) {
        throw new ApiCallError(err.call, { ...err.status, code: 409, reason: 'Conflict' }, { retryable: true });
      }
      throw err;
    }
  });
}

/** A JSON pointer segment (RFC 6901): `canary-rollouts/track` is `canary-rollouts~1track`. */
export function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
