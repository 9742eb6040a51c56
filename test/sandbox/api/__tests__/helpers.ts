/**
 * Test helpers: a sandbox API server on a fresh store, raw HTTP(S) requests that trust its CA,
 * and a reader for watch streams. No jest imports here: the build compiles this file.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';
import { servedTypes, type ServedApis } from '../catalog.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../index.js';

export type SandboxOptions = Partial<Omit<ApiServerOptions, 'store'>> & { apis?: ServedApis; store?: ObjectStore };

export async function startSandbox(options: SandboxOptions = {}): Promise<ApiServer> {
  const { apis, store, ...rest } = options;
  return startApiServer({ store: store ?? new ObjectStore(servedTypes(apis ?? { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'] })), ...rest });
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // Tests read arbitrary JSON answers.
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** null: no Authorization header; a string: that token; undefined: the server's token. */
  token?: string | null;
  headers?: Record<string, string>;
}

function transport(server: ApiServer): { lib: typeof http | typeof https; extra: https.RequestOptions } {
  return server.url.startsWith('https:') ? { lib: https, extra: { ca: server.caPem!, agent: false } } : { lib: http, extra: { agent: false } };
}

export function request(server: ApiServer, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const { lib, extra } = transport(server);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  if (options.accept) headers['Accept'] = options.accept;
  if (body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    // Node sends DELETE bodies without chunked framing, so the length must be explicit.
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = lib.request(new URL(path, server.url), { method, headers, ...extra }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const get = (s: ApiServer, path: string, o?: RequestOptions): Promise<Reply> => request(s, 'GET', path, o);
export const post = (s: ApiServer, path: string, body: unknown, o?: RequestOptions): Promise<Reply> => request(s, 'POST', path, { ...o, body });
export const put = (s: ApiServer, path: string, body: unknown, o?: RequestOptions): Promise<Reply> => request(s, 'PUT', path, { ...o, body });
export const del = (s: ApiServer, path: string, o?: RequestOptions): Promise<Reply> => request(s, 'DELETE', path, o);
export const patch = (s: ApiServer, path: string, contentType: string, body: unknown, o?: RequestOptions): Promise<Reply> => request(s, 'PATCH', path, { ...o, body, contentType });

export interface WatchEventLine {
  type: string;
  object: any;
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The next event; rejects after `timeoutMs` or when the stream ends first. */
  next(timeoutMs?: number): Promise<WatchEventLine>;
  /** Events received so far and not yet taken by next(). */
  pending(): WatchEventLine[];
  /** Resolves 'end' when the server ends the stream cleanly, 'error' when the connection breaks. */
  ended: Promise<'end' | 'error'>;
  close(): void;
}

export function watch(server: ApiServer, path: string, options: RequestOptions = {}): Promise<WatchStream> {
  const { lib, extra } = transport(server);
  const headers: Record<string, string> = { Authorization: `Bearer ${server.token}`, ...(options.accept ? { Accept: options.accept } : {}) };
  return new Promise((resolve, reject) => {
    const req = lib.request(new URL(path, server.url), { method: 'GET', headers, ...extra }, (res) => {
      const queue: WatchEventLine[] = [];
      const waiters: ((e: WatchEventLine | undefined) => void)[] = [];
      let buffer = '';
      let done = false;
      let settle: (how: 'end' | 'error') => void = () => undefined;
      const ended = new Promise<'end' | 'error'>((r) => (settle = r));
      const finish = (how: 'end' | 'error'): void => {
        if (done) return;
        done = true;
        settle(how);
        for (const w of waiters.splice(0)) w(undefined);
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          const event = JSON.parse(line) as WatchEventLine;
          const w = waiters.shift();
          if (w) w(event);
          else queue.push(event);
        }
      });
      res.on('end', () => finish('end'));
      res.on('error', () => finish('error'));
      res.on('aborted', () => finish('error'));
      req.on('error', () => finish('error'));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        pending: () => queue.splice(0),
        next: (timeoutMs = 2000) =>
          new Promise<WatchEventLine>((ok, fail) => {
            const queued = queue.shift();
            if (queued) return ok(queued);
            if (done) return fail(new Error('watch ended'));
            const timer = setTimeout(() => {
              const i = waiters.indexOf(take);
              if (i >= 0) waiters.splice(i, 1);
              fail(new Error(`no watch event within ${timeoutMs} ms`));
            }, timeoutMs);
            const take = (e: WatchEventLine | undefined): void => {
              clearTimeout(timer);
              if (e) ok(e);
              else fail(new Error('watch ended'));
            };
            waiters.push(take);
          }),
        close: () => {
          req.destroy();
          finish('error');
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export function deployment(name: string, labels: Record<string, string> = { app: name }, image = 'registry.example/app:1'): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }] },
      },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = { k: 'v' }, labels?: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}

export async function createNamespace(server: ApiServer, name: string): Promise<void> {
  const r = await post(server, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${r.status} ${r.text}`);
}
