/**
 * Discovery documents for whatever the store serves, in both forms clients use:
 * - legacy (APIVersions, APIGroupList, APIGroup, APIResourceList), and
 * - aggregated (apidiscovery.k8s.io/v2 and v2beta1 APIGroupDiscoveryList at /api and /apis),
 *   which kubectl 1.32 asks for first and falls back from when the answer is plain JSON.
 */
import type { ResourceType } from '../store/types.js';
import { describe, compareKubeVersions, groupVersion, type CatalogType, type Subresource } from './catalog.js';

/** Group order in /apis: built-in groups by the real server's priority, custom groups after them by name. */
const GROUP_PRIORITY = ['apps', 'events.k8s.io', 'authorization.k8s.io', 'batch', 'networking.k8s.io', 'coordination.k8s.io'];

interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

function subresourceInfo(type: CatalogType, sub: Subresource): SubresourceInfo {
  switch (sub) {
    case 'status':
      return { kind: type.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'proxy':
      return { kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] };
  }
}

export function typesIn(types: ResourceType[], group: string, version?: string): CatalogType[] {
  return types.filter((t) => t.group === group && (version === undefined || t.versions.includes(version))).map(describe);
}

/** Served versions of a group, preferred first. */
export function groupVersions(types: ResourceType[], group: string): string[] {
  const versions = new Set<string>();
  for (const t of types) if (t.group === group) for (const v of t.versions) versions.add(v);
  return [...versions].sort(compareKubeVersions);
}

export function groupNames(types: ResourceType[]): string[] {
  const groups = [...new Set(types.map((t) => t.group).filter((g) => g !== ''))];
  const rank = (g: string): number => {
    const i = GROUP_PRIORITY.indexOf(g);
    return i < 0 ? GROUP_PRIORITY.length : i;
  };
  return groups.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(types: ResourceType[], group: string): Record<string, unknown> {
  const versions = groupVersions(types, group).map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(types: ResourceType[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupNames(types).map((g) => apiGroup(types, g)) };
}

/** /apis/GROUP, or undefined when nothing of that group is served. */
export function apiGroupDocument(types: ResourceType[], group: string): Record<string, unknown> | undefined {
  if (!types.some((t) => t.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(types, group) };
}

/** /api/v1 or /apis/GROUP/VERSION, or undefined when that group/version is not served. */
export function apiResourceList(types: ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const served = typesIn(types, group, version);
  if (!served.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of served.sort((a, b) => a.resource.localeCompare(b.resource))) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs ?? [],
      ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories?.length ? { categories: t.categories } : {}),
    });
    for (const sub of t.subresources) {
      const info = subresourceInfo(t, sub);
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(info.group ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function discoveryResource(t: CatalogType, version: string): Record<string, unknown> {
  return {
    resource: t.resource,
    responseKind: { group: t.group, version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs ?? [],
    ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories?.length ? { categories: t.categories } : {}),
    ...(t.subresources.length
      ? {
          subresources: t.subresources.map((sub) => {
            const info = subresourceInfo(t, sub);
            return { subresource: sub, responseKind: { group: info.group ?? t.group, version: info.version ?? version, kind: info.kind }, verbs: info.verbs };
          }),
        }
      : {}),
  };
}

function discoveryGroup(types: ResourceType[], group: string): Record<string, unknown> {
  return {
    metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
    versions: groupVersions(types, group).map((v) => ({
      version: v,
      resources: typesIn(types, group, v)
        .sort((a, b) => a.resource.localeCompare(b.resource))
        .map((t) => discoveryResource(t, v)),
      freshness: 'Current',
    })),
  };
}

/** Aggregated discovery: /api holds the core group, /apis every other group. */
export function aggregatedDiscovery(types: ResourceType[], legacy: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const groups = legacy ? [''] : groupNames(types);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.filter((g) => types.some((t) => t.group === g)).map((g) => discoveryGroup(types, g)),
  };
}
