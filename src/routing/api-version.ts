/** Which version of a router's API to speak: the first of canary's preferences the cluster serves. */
import type { KubeClient } from '../kube/client.js';
import { servedVersions, pickVersion } from '../kube/discovery.js';
import { notServed } from '../kube/errors.js';
import type { ApiResource } from '../kube/resources.js';
import { UnreachableError } from '../util/errors.js';
import type { RouteApi } from './definition.js';

type Api = RouteApi & { install: string };

/** What the cluster serves of the API's group, and the version canary speaks (null: none it knows). */
async function discover(client: KubeClient, api: RouteApi): Promise<{ served: string[]; version: string | null }> {
  const served = await servedVersions(client, api.group);
  return { served, version: pickVersion(served, api.versions) };
}

/** Discovers once per router; a failed discovery is retried on the next call. */
export function apiResolver(client: KubeClient, api: Api): () => Promise<ApiResource> {
  let found: Promise<ApiResource> | null = null;
  const resolve = async (): Promise<ApiResource> => {
    const unversioned = { ...api.resource(''), install: api.install };
    const { served, version } = await discover(client, api);
    if (served.length === 0) {
      throw notServed({ verb: 'get', resource: null, namespace: null, what: `GET /apis/${api.group}` }, unversioned);
    }
    if (!version) {
      throw new UnreachableError(`${unversioned.kind}: this cluster serves ${api.group} ${served.join(', ')}, and canary speaks ${api.versions.join(', ')}`, {
        hint: api.install,
      });
    }
    return { ...api.resource(version), install: api.install };
  };
  return () => {
    found ??= resolve().catch((err: unknown) => {
      found = null;
      throw err;
    });
    return found;
  };
}

/** Preflight's view of the same discovery: what is served, or an error saying what to install. */
export async function checkServed(client: KubeClient, api: Api): Promise<string> {
  const kind = api.resource('').kind;
  const { served, version } = await discover(client, api);
  if (!version) {
    const why = served.length ? `serves ${api.group} ${served.join(', ')}, and canary speaks ${api.versions.join(', ')}` : `does not serve ${api.group}`;
    throw new UnreachableError(`${kind}: the cluster ${why}`, { hint: api.install });
  }
  return `${kind} ${api.group}/${version} (served: ${served.join(', ')})`;
}
