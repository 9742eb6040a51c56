/**
 * Routing of resource requests to their handlers, with the real server's answers for what is not
 * served: inside a built-in group/version go-restful answers a JSON Status (404 / 405); anything
 * else (an absent CRD, an unknown group or version) falls through to the 1.32 not-found handler,
 * which answers plain text "404 page not found" (clients print "the server could not find the
 * requested resource").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, type CatalogType } from './catalog.js';
import { storageType } from './conversion.js';
import { methodNotAllowed, PlainNotFound, unknownResource } from './errors.js';
import type { Call, ServerContext } from './handlers/context.js';
import { handleCreate } from './handlers/create.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleGet } from './handlers/get.js';
import { handleList } from './handlers/list.js';
import { handlePatch } from './handlers/patch.js';
import { handleGetScale, handleUpdateScale } from './handlers/scale.js';
import { handleUpdate } from './handlers/update.js';
import { handleWatch } from './handlers/watch.js';
import type { ServiceProxy } from './proxy.js';
import type { ResourceRequest, Verb } from './request-info.js';

/** The served type a request names, or the not-found answer the real server gives. */
export function resolveType(ctx: ServerContext, info: ResourceRequest): CatalogType {
  const types = ctx.store.types;
  const type = types.find((t) => t.group === info.group && t.resource === info.resource && t.versions.includes(info.version));
  const builtinGroupVersion = types.some((t) => t.group === info.group && t.versions.includes(info.version) && describe(t).builtin);
  const missing = (): Error => (builtinGroupVersion ? unknownResource() : new PlainNotFound());
  if (!type) throw missing();
  const t = describe(type);
  const namespaceObject = t.group === '' && t.resource === 'namespaces';
  if (!t.namespaced && info.namespace && !namespaceObject) throw missing();
  if (info.subresource && !(t.subresources as string[]).includes(info.subresource)) throw missing();
  if (t.namespaced && !info.namespace && info.pathName) throw missing();
  return t;
}

export async function serveResource(
  ctx: ServerContext,
  proxy: ServiceProxy,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  type: CatalogType,
  note: (s: string) => void,
): Promise<void> {
  const allNamespaces = type.namespaced && !info.namespace;
  if (allNamespaces && info.verb !== 'list' && info.verb !== 'watch') throw methodNotAllowed();
  const call: Call = {
    req,
    res,
    info,
    type,
    storage: storageType(ctx.store.types, type),
    namespace: type.namespaced ? (info.namespace || null) : null,
    note,
  };
  switch (info.subresource) {
    case '':
      if (!(type.verbs ?? []).includes(info.verb)) throw methodNotAllowed();
      return mainResource(ctx, call, info.verb);
    case 'status':
      return statusSubresource(ctx, call, info.verb);
    case 'scale':
      return scaleSubresource(ctx, call, info.verb);
    case 'proxy':
      return proxy.forward(req, res, proxy.resolve(ctx.store, info.namespace, info.pathName), info.proxyPath, new URL(req.url ?? '/', 'http://x').search);
    default:
      throw unknownResource();
  }
}

async function mainResource(ctx: ServerContext, call: Call, verb: Verb): Promise<void> {
  switch (verb) {
    case 'get':
      return handleGet(ctx, call);
    case 'list':
      return handleList(ctx, call);
    case 'watch':
      return handleWatch(ctx, call);
    case 'create':
      return handleCreate(ctx, call);
    case 'update':
      return handleUpdate(ctx, call, '');
    case 'patch':
      return handlePatch(ctx, call, '');
    case 'delete':
      return handleDelete(ctx, call);
    case 'deletecollection':
      return handleDeleteCollection(ctx, call);
  }
}

async function statusSubresource(ctx: ServerContext, call: Call, verb: Verb): Promise<void> {
  switch (verb) {
    case 'get':
      return handleGet(ctx, call);
    case 'update':
      return handleUpdate(ctx, call, 'status');
    case 'patch':
      return handlePatch(ctx, call, 'status');
    case 'list':
    case 'watch':
    case 'create':
    case 'delete':
    case 'deletecollection':
      throw methodNotAllowed();
  }
}

async function scaleSubresource(ctx: ServerContext, call: Call, verb: Verb): Promise<void> {
  switch (verb) {
    case 'get':
      return handleGetScale(ctx, call);
    case 'update':
      return handleUpdateScale(ctx, call, 'update');
    case 'patch':
      return handleUpdateScale(ctx, call, 'patch');
    case 'list':
    case 'watch':
    case 'create':
    case 'delete':
    case 'deletecollection':
      throw methodNotAllowed();
  }
}
