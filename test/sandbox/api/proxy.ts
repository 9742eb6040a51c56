/**
 * The service proxy (`/api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH`): requests
 * are forwarded to the base URL registered for the service port, standing in for its endpoints.
 * Prometheus registers as `monitoring/prometheus-server:80`, so canary reaches
 * `http://prometheus-server.monitoring.svc.cluster.local:80` from outside the "cluster".
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { ObjectStore } from '../store/store.js';
import { catalog } from './catalog.js';
import { badRequest, notFound, serviceUnavailable } from './errors.js';
import { isObject } from './patch/json-value.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization']);

export interface ProxyTarget {
  namespace: string;
  service: string;
  port: string;
  url: string;
}

export class ServiceProxy {
  private readonly targets = new Map<string, URL>();

  /** Routes `namespace/service:port` to `targetBaseUrl`; returns a function that removes the route. */
  register(namespace: string, service: string, port: number | string, targetBaseUrl: string): () => void {
    const key = `${namespace}/${service}:${port}`;
    const url = new URL(targetBaseUrl);
    this.targets.set(key, url);
    return () => {
      if (this.targets.get(key) === url) this.targets.delete(key);
    };
  }

  unregister(namespace: string, service: string, port: number | string): void {
    this.targets.delete(`${namespace}/${service}:${port}`);
  }

  get registered(): ProxyTarget[] {
    return [...this.targets.entries()].map(([key, url]) => {
      const [namespace, rest] = key.split('/') as [string, string];
      const at = rest.lastIndexOf(':');
      return { namespace, service: rest.slice(0, at), port: rest.slice(at + 1), url: url.toString() };
    });
  }

  /**
   * The base URL for `SCHEME:NAME:PORT` in `namespace`, or the error the real server answers:
   * 404 for a missing Service, 503 "no endpoints available" when nothing is registered.
   */
  resolve(store: ObjectStore, namespace: string, id: string): URL {
    const parts = id.split(':');
    if (parts.length > 3) throw badRequest(`invalid service request "${id}"`);
    const [scheme, name, port] = parts.length === 3 ? (parts as [string, string, string]) : ['', parts[0]!, parts[1] ?? ''];
    if (!name || !['', 'http', 'https'].includes(scheme)) throw badRequest(`invalid service request "${id}"`);
    const direct = port ? this.targets.get(`${namespace}/${name}:${port}`) : this.onlyTargetOf(namespace, name);
    if (direct) return direct;
    const svc = store.tryGet(catalog.services, namespace, name);
    if (!svc) throw notFound(catalog.services, name);
    if (port && /^\d+$/.test(port)) {
      const spec = isObject(svc['spec']) ? svc['spec'] : {};
      const ports = Array.isArray(spec['ports']) ? spec['ports'] : [];
      if (!ports.some((p) => isObject(p) && p['port'] === Number(port))) throw serviceUnavailable(`no service port ${port} found for service "${name}"`);
    }
    throw serviceUnavailable(`no endpoints available for service "${name}"`);
  }

  private onlyTargetOf(namespace: string, name: string): URL | undefined {
    const prefix = `${namespace}/${name}:`;
    const found = [...this.targets.entries()].filter(([k]) => k.startsWith(prefix));
    return found.length === 1 ? found[0]![1] : undefined;
  }

  /** Forwards method, path, query, headers (minus hop-by-hop and the caller's credentials) and body. */
  forward(req: IncomingMessage, res: ServerResponse, base: URL, path: string, search: string): Promise<void> {
    const target = new URL(base.toString());
    target.pathname = base.pathname.replace(/\/$/, '') + (path || '/');
    target.search = search;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    const client = target.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const upstream = client.request(
        target,
        { method: req.method ?? 'GET', headers, ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}) },
        (up) => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
          res.writeHead(up.statusCode ?? 502, out);
          up.pipe(res);
          up.on('end', () => resolve());
          up.on('error', () => {
            res.destroy();
            resolve();
          });
        },
      );
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ECONNREFUSED' ? `dial tcp ${target.host}: connect: connection refused` : err.message;
        if (!res.headersSent) {
          const status = serviceUnavailable(`error trying to reach service: ${why}`).toStatus();
          const text = JSON.stringify(status) + '\n';
          res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        } else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }
}
