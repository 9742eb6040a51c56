/**
 * One request's way through the server, in the real server's filter order: request info ->
 * accounting -> authentication (401) -> faults (standing in for priority and fairness: 429,
 * latency, drops) -> authorization (403) -> handler; every error becomes a Status.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Authorizer } from './authorizer.js';
import type { CatalogType } from './catalog.js';
import { ApiError, conflict, forbidden, internalError, PlainNotFound, serviceUnavailable, STALE_OBJECT, statusOf, unauthorized } from './errors.js';
import type { Faults, FaultPlan } from './faults.js';
import type { ServerContext } from './handlers/context.js';
import { isHealthPath, serveNonResource } from './nonresource.js';
import type { ServiceProxy } from './proxy.js';
import { requestInfo, type RequestInfo } from './request-info.js';
import { resolveType, serveResource } from './resources.js';
import { writeStatus, writeText } from './respond.js';
import type { Stats } from './stats.js';

export interface Pipeline {
  ctx: ServerContext;
  token: string;
  authorizer: Authorizer;
  faults: Faults;
  stats: Stats;
  proxy: ServiceProxy;
  serverAddress: () => string;
  aggregatedDiscovery: boolean;
}

export async function handleRequest(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  const info = requestInfo(req.method ?? 'GET', req.url ?? '/');
  const resourceKey = info.kind === 'resource' ? resourceName(info.group, info.resource, info.subresource) : '';
  p.stats.count(info.verb, resourceKey);
  const notes: string[] = [];
  const note = (s: string): void => {
    notes.push(s);
  };
  let logged = false;
  const log = (): void => {
    if (logged) return;
    logged = true;
    p.stats.log({
      at,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      verb: info.verb,
      resource: resourceKey,
      status: res.headersSent ? res.statusCode : 0,
      ms: Date.now() - started,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    });
  };
  // Logged as the answer ends (before the client can read it), or when the connection goes.
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    log();
    return end(...args);
  }) as typeof res.end;
  res.on('close', log);

  try {
    if (info.kind === 'nonresource' && isHealthPath(info.path)) {
      return serveNonResource(req, res, info.path, info.query, { types: p.ctx.store.types, serverAddress: p.serverAddress(), aggregatedDiscovery: p.aggregatedDiscovery });
    }
    if (!authenticated(req, p.token)) throw unauthorized();

    const plan = p.faults.plan({
      verb: info.verb,
      resource: info.kind === 'resource' ? info.resource : '',
      subresource: info.kind === 'resource' ? info.subresource : '',
      namespace: info.kind === 'resource' ? info.namespace : '',
      watch: info.verb === 'watch',
      isResource: info.kind === 'resource',
    });
    if (await applyFaultPlan(plan, req, res, info, note)) return;

    if (info.kind === 'nonresource') {
      return serveNonResource(req, res, info.path, info.query, { types: p.ctx.store.types, serverAddress: p.serverAddress(), aggregatedDiscovery: p.aggregatedDiscovery });
    }
    const attrs = { verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name };
    const decision = p.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbidden({ group: info.group, resource: info.resource }, info.name, p.authorizer.forbiddenMessage(attrs));
    const type: CatalogType = resolveType(p.ctx, info);
    await serveResource(p.ctx, p.proxy, req, res, info, type, note);
  } catch (err) {
    answerError(res, err, note);
  }
}

function resourceName(group: string, resource: string, subresource: string): string {
  const base = group ? `${resource}.${group}` : resource;
  return subresource ? `${base}/${subresource}` : base;
}

function authenticated(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Returns true when the fault answered (or dropped) the request. */
async function applyFaultPlan(plan: FaultPlan, req: IncomingMessage, res: ServerResponse, info: RequestInfo, note: (s: string) => void): Promise<boolean> {
  if (plan.delayMs > 0) {
    note(`fault: +${Math.round(plan.delayMs)}ms`);
    await sleep(plan.delayMs);
    if (res.destroyed) return true;
  }
  const action = plan.action;
  switch (action.kind) {
    case 'none':
      return false;
    case 'drop':
      note('fault: connection dropped');
      req.socket.destroy();
      return true;
    case 'status':
      note(`fault: ${action.code}`);
      switch (action.code) {
        case 429:
          // What API Priority and Fairness writes: plain text, not a Status.
          writeText(res, 429, 'Too many requests, please try again later.\n', 'text/plain; charset=utf-8', { 'Retry-After': String(action.retryAfterSeconds) });
          return true;
        case 500:
          writeStatus(res, internalError('sandbox fault injection').toStatus());
          return true;
        case 503:
          writeStatus(res, serviceUnavailable('sandbox fault injection').toStatus());
          return true;
        case 409: {
          const type = info.kind === 'resource' ? { group: info.group, resource: info.resource, versions: [info.version], singular: '', kind: '', namespaced: true } : undefined;
          writeStatus(res, type ? conflict(type, info.kind === 'resource' ? info.name : '', STALE_OBJECT).toStatus() : new ApiError(409, 'Conflict', 'the server reported a conflict').toStatus());
          return true;
        }
      }
  }
}

function answerError(res: ServerResponse, err: unknown, note: (s: string) => void): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (err instanceof PlainNotFound) return writeText(res, 404, '404 page not found\n');
  const status = statusOf(err);
  if (!(err instanceof ApiError) && status.code === 500) note(`internal: ${(err as Error)?.stack ?? String(err)}`);
  writeStatus(res, status);
}
