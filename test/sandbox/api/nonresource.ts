/** Non-resource paths: discovery, /version, health checks and the root path list. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from '../store/types.js';
import { aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, groupNames, groupVersions } from './discovery.js';
import { notAcceptable, PlainNotFound } from './errors.js';
import { negotiate, SERVED_MEDIA_TYPES } from './negotiation.js';
import { openApiV3GroupVersion, openApiV3Root, parseGvPath } from './openapi.js';
import { writeJson, writeObject, writeText } from './respond.js';

/** The version this sandbox reports; kubectl 1.32 clients see no version skew. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: 'canary-sandbox',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const HEALTH_CHECKS = ['ping', 'log', 'etcd', 'poststarthook/start-apiextensions-controllers', 'poststarthook/crd-informer-synced'];

const HEALTH_PATH = /^\/(healthz|livez|readyz)(\/.*)?$/;

export function isHealthPath(path: string): boolean {
  return HEALTH_PATH.test(path);
}

export interface NonResourceOptions {
  types: ResourceType[];
  serverAddress: string;
  aggregatedDiscovery: boolean;
}

export function serveNonResource(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, o: NonResourceOptions): void {
  const health = HEALTH_PATH.exec(path);
  if (health) {
    const which = health[1]!;
    if (health[2] && health[2] !== '/' && !HEALTH_CHECKS.includes(health[2].slice(1))) throw new PlainNotFound();
    if (query.has('verbose')) return writeText(res, 200, HEALTH_CHECKS.map((c) => `[+]${c} ok`).join('\n') + `\n${which} check passed\n`);
    return writeText(res, 200, 'ok');
  }
  if (path === '/version' || path === '/version/') return writeJson(res, 200, SERVER_VERSION);
  if (path === '/') {
    const paths = ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/readyz', '/version'];
    for (const g of groupNames(o.types)) {
      paths.push(`/apis/${g}`);
      for (const v of groupVersions(o.types, g)) paths.push(`/apis/${g}/${v}`);
    }
    return writeJson(res, 200, { paths: paths.sort() });
  }
  if (path === '/openapi/v3' || path === '/openapi/v3/') return writeJson(res, 200, openApiV3Root(o.types));
  if (path.startsWith('/openapi/v3/')) {
    const gv = parseGvPath(path.slice('/openapi/v3/'.length));
    const doc = gv ? openApiV3GroupVersion(o.types, gv[0], gv[1]) : undefined;
    if (doc) return writeJson(res, 200, doc);
    throw new PlainNotFound();
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' || parts[0] === 'apis') return serveDiscovery(req, res, parts, o);
  throw new PlainNotFound();
}

function serveDiscovery(req: IncomingMessage, res: ServerResponse, parts: string[], o: NonResourceOptions): void {
  const legacy = parts[0] === 'api';
  if (parts.length === 1) {
    const out = negotiate(req.headers.accept, { allowDiscovery: o.aggregatedDiscovery });
    if (!out) throw notAcceptable([...SERVED_MEDIA_TYPES]);
    if (out.kind === 'discovery') return writeObject(res, 200, aggregatedDiscovery(o.types, legacy, out.version), out);
    return writeObject(res, 200, legacy ? apiVersions(o.serverAddress) : apiGroupList(o.types), out);
  }
  const out = negotiate(req.headers.accept);
  if (!out) throw notAcceptable([...SERVED_MEDIA_TYPES]);
  if (legacy && parts.length === 2) {
    const list = apiResourceList(o.types, '', parts[1]!);
    if (list) return writeObject(res, 200, list, out);
  }
  if (!legacy && parts.length === 2) {
    const group = apiGroupDocument(o.types, parts[1]!);
    if (group) return writeObject(res, 200, group, out);
  }
  if (!legacy && parts.length === 3) {
    const list = apiResourceList(o.types, parts[1]!, parts[2]!);
    if (list) return writeObject(res, 200, list, out);
  }
  throw new PlainNotFound();
}
