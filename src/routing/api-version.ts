/** Which version of a routing API to speak: the first of canary's preferences the cluster serves. */
import type { KubeClient } from '../kube/client.js';
import { servedVersions, pickVersion } from '../kube/discovery.js';
import { notServed } from '../kube/errors.js';
import type { ApiResource } from '../kube/resources.js';
import { UnreachableError } from '../util/errors.js';

/** Discovers once per router; a failed discovery is retried on the next call. */
export function apiResolver(client: KubeClient, make: (version: string) => ApiResource, preferred: readonly string[]): () => Promise<ApiResource> {
  let found: Promise<ApiResource> | null = null;
  const discover = async (): Promise<ApiResource> => {
    const unversioned = make('');
    const served = await servedVersions(client, unversioned.group);
    if (served.length === 0) {
      throw notServed({ verb: 'get', resource: null, namespace: null, what: `GET /apis/${unversioned.group}` }, unversioned);
    }
    const version = pickVersion(served, preferred);
    if (!version) {
      throw new UnreachableError(
        `${unversioned.kind}: this cluster serves ${unversioned.group} ${served.join(', ')}, and canary speaks ${preferred.join(', ')}`,
        { hint: unversioned.install ?? '' },
      );
    }
    return make(version);
  };
  return () => {
    found ??= discover().catch((err: unknown) => {
      found = null;
      throw err;
    });
    return found;
  };
}
