/**
 * A minimal OpenAPI v3 for every served group/version: the operations of each resource path
 * with their x-kubernetes-group-version-kind and query parameters, and no schemas.
 *
 * Why: kubectl apply/create validate by default (`--validate=strict`) and refuse to run when
 * neither /openapi/v3 nor /openapi/v2 can be read ("failed to download openapi"). When the
 * PATCH operation of a kind lists the `fieldValidation` parameter, kubectl leaves validation to
 * the server (`?fieldValidation=Strict`) instead of validating against schemas. Without schemas,
 * kubectl apply computes strategic merge patches from its compiled-in types, as it does for an
 * old server, and `kubectl explain` has nothing to show.
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from '../store/types.js';
import { describe, type CatalogType } from './catalog.js';
import { groupNames, groupVersions, typesIn } from './discovery.js';

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'];
const READ_PARAMS = ['pretty', 'resourceVersion'];
const LIST_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function query(names: string[]): Record<string, unknown>[] {
  return names.map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));
}

function op(t: CatalogType, version: string, action: string, params: string[], operationId: string): Record<string, unknown> {
  return {
    operationId,
    parameters: query(params),
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: t.group, version, kind: t.kind },
  };
}

function pathsFor(t: CatalogType, version: string): Record<string, Record<string, unknown>> {
  const base = `/${gvPath(t.group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
  const id = (verb: string, suffix = ''): string => `${verb}${t.kind}${suffix}`;
  const verbs = new Set(t.verbs ?? []);
  const collection: Record<string, unknown> = {};
  if (verbs.has('list')) collection['get'] = op(t, version, 'list', LIST_PARAMS, id('list'));
  if (verbs.has('create')) collection['post'] = op(t, version, 'post', WRITE_PARAMS, id('create'));
  if (verbs.has('deletecollection')) collection['delete'] = op(t, version, 'deletecollection', ['dryRun', 'labelSelector', 'fieldSelector'], id('deleteCollection'));
  const item: Record<string, unknown> = {};
  if (verbs.has('get')) item['get'] = op(t, version, 'get', READ_PARAMS, id('read'));
  if (verbs.has('update')) item['put'] = op(t, version, 'put', WRITE_PARAMS, id('replace'));
  if (verbs.has('patch')) item['patch'] = op(t, version, 'patch', [...WRITE_PARAMS, 'force'], id('patch'));
  if (verbs.has('delete')) item['delete'] = op(t, version, 'delete', ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'], id('delete'));
  const out: Record<string, Record<string, unknown>> = {};
  if (Object.keys(collection).length) out[base] = collection;
  if (Object.keys(item).length) out[`${base}/{name}`] = item;
  if (t.subresources.includes('status')) {
    out[`${base}/{name}/status`] = {
      get: op(t, version, 'get', READ_PARAMS, id('read', 'Status')),
      put: op(t, version, 'put', WRITE_PARAMS, id('replace', 'Status')),
      patch: op(t, version, 'patch', [...WRITE_PARAMS, 'force'], id('patch', 'Status')),
    };
  }
  return out;
}

/** The OpenAPI v3 document of one group/version, or undefined when it is not served. */
export function openApiV3GroupVersion(types: ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const served = typesIn(types, group, version);
  if (!served.length) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of served.sort((a, b) => a.resource.localeCompare(b.resource))) Object.assign(paths, pathsFor(describe(t), version));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: {} };
}

/** /openapi/v3: the served group/versions, each with a content-hash URL as the real server gives. */
export function openApiV3Root(types: ResourceType[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const gvs: [string, string][] = [...(types.some((t) => t.group === '') ? [['', 'v1'] as [string, string]] : [])];
  for (const g of groupNames(types)) for (const v of groupVersions(types, g)) gvs.push([g, v]);
  for (const [g, v] of gvs) {
    const doc = openApiV3GroupVersion(types, g, v);
    if (!doc) continue;
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}?hash=${hash}` };
  }
  return { paths };
}

/** `api/v1` -> ['', 'v1'], `apis/apps/v1` -> ['apps', 'v1']. */
export function parseGvPath(path: string): [string, string] | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) return ['', parts[1]!];
  if (parts[0] === 'apis' && parts.length === 3) return [parts[1]!, parts[2]!];
  return undefined;
}
