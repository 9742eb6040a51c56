/**
 * HTTP to the API server with the kubeconfig's credentials. The kubeconfig supplies the TLS options
 * (CA, client certificate, insecure-skip-tls-verify, proxy-url) and the Authorization header (token,
 * exec and auth-provider plugins) for every request, as client-node's generated clients use them;
 * this file only moves bytes, so that deadlines, retries and Status parsing live in one place
 * (client.ts) for every resource, core or custom.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { trustedConnector, type TlsIdentity } from './tls/connect.js';
import { anchorsOf } from './tls/fast-trust.js';
import type { KubeCredentials } from './kubeconfig-data.js';
import { definedOnly } from '../util/defined-only.js';

export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the server URL, e.g. `/api/v1/namespaces/apps/configmaps/x`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The request never got an HTTP answer: refused, reset, cut, TLS failure, credentials plugin failure. */
export class TransportError extends Error {
  constructor(
    message: string,
    /** ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, CREDENTIALS, a TLS code... */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

export interface Transport {
  /** The API server URL, e.g. `https://10.0.0.1:6443`. */
  readonly server: string;
  /** One exchange; the body is read whole. Rejects with TransportError, or the signal's reason. */
  send(req: WireRequest, signal: AbortSignal): Promise<WireResponse>;
  /** A streaming GET: on 200, onLine gets each line until the server ends the stream; else the answer. */
  stream(req: WireRequest, signal: AbortSignal, onLine: (line: string) => void): Promise<WireResponse>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface TransportOptions {
  userAgent?: string;
  /**
   * Told one line per exchange (`CANARY_TRACE=1`): when it started (ms since the process started),
   * method, path, status and how long it took; for profiling what a command asks the API server.
   */
  trace?: (line: string) => void;
}

export function kubeTransport(kc: KubeCredentials, options: TransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'canary';
  const cluster = kc.getCurrentCluster();
  const server = cluster?.server;
  if (!server) throw new Error('kubeTransport: the kubeconfig has no current cluster');
  const agents = keepAliveAgents(!!cluster.proxyUrl, options.trace);

  const open = async (req: WireRequest, signal: AbortSignal): Promise<http.IncomingMessage> => {
    const url = new URL(server.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': userAgent };
    if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    const options: https.RequestOptions = { method: req.method, headers };
    try {
      await kc.applyToHTTPSOptions(options);
    } catch (err) {
      throw new TransportError(`cannot get credentials for the API server: ${errText(err)}`, 'CREDENTIALS', { cause: err });
    }
    options.agent = agents(url, options);
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const r = lib.request(url, { ...options, signal }, resolve);
      r.on('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
      r.end(req.body);
    });
  };

  const traced = options.trace ? tracing(options.trace) : null;

  return {
    server,
    async send(req, signal) {
      const done = traced?.(req);
      try {
        const res = await open(req, signal);
        const out = { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res, signal) };
        done?.(String(out.status));
        return out;
      } catch (err) {
        done?.(errText(err));
        throw err;
      }
    },
    async stream(req, signal, onLine) {
      const done = traced?.(req);
      const res = await open(req, signal);
      done?.(`${res.statusCode ?? 0} (stream open)`);
      if (res.statusCode !== 200) return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res, signal) };
      await new Promise<void>((resolve, reject) => {
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line) onLine(line);
          }
        });
        res.on('end', () => {
          if (pending.trim()) onLine(pending.trim());
          resolve();
        });
        res.on('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
        res.on('aborted', () => reject(signal.aborted ? signal.reason : new TransportError('the watch stream was cut', 'ECONNRESET')));
      });
      return { status: 200, headers: res.headers, body: '' };
    },
  };
}

/**
 * client-node builds a new agent for every request (a TCP and TLS handshake each time, ~25 ms on
 * loopback); canary keeps connections alive in one agent per TLS identity (CA, client certificate,
 * verification), so a credential plugin that rotates its certificate gets a fresh one. With a
 * proxy-url, client-node's proxy agent is used as is.
 */
function keepAliveAgents(proxied: boolean, trace?: (line: string) => void): (url: URL, o: https.RequestOptions) => http.Agent | undefined {
  const cache = new Map<string, http.Agent>();
  return (url, o) => {
    if (proxied) return o.agent instanceof http.Agent ? o.agent : undefined;
    const tls = { ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized, servername: o.servername };
    const key = identityKey(url.protocol, tls);
    let agent = cache.get(key);
    if (!agent) {
      agent = url.protocol === 'https:' ? httpsAgent(definedOnly(tls), trace) : new http.Agent({ keepAlive: true });
      cache.set(key, agent);
    }
    return agent;
  };
}

/**
 * The agent's key: the TLS identity itself, its buffers read as latin1 (one character per byte, a
 * copy). JSON.stringify gives a replacer a Buffer's toJSON, an array of numbers, so the buffer is
 * taken from its holder. A SHA-256 of that array cost each request ~0.3 ms and a one-shot command
 * the loading of node:crypto's hash (docs/benchmarks.md, issue 15).
 */
function identityKey(protocol: string, tls: object): string {
  return protocol + JSON.stringify(tls, function (this: Record<string, unknown>, k: string, v: unknown) {
    const raw = this[k];
    return Buffer.isBuffer(raw) ? raw.toString('latin1') : v;
  });
}

/**
 * Each connection is verified before the agent writes on it (tls/connect.ts): with the kubeconfig's
 * CA, without building OpenSSL's store of public roots, which was ~16 ms of every command that talks
 * to the cluster; one TLS context per identity, as a context per connection cost ~5 ms each
 * (docs/benchmarks.md, issue 15).
 */
function httpsAgent(tls: TlsIdentity, trace?: (line: string) => void): https.Agent {
  const connector = trustedConnector(tls, { anchors: anchorsOf(tls.ca), ...(trace ? { onUnsure: (why: string) => trace(`trace TLS verified by OpenSSL: ${why}`) } : {}) });
  class VerifiedAgent extends https.Agent {
    override createConnection(o: https.RequestOptions, done?: (err: Error | null, socket: Duplex) => void): undefined {
      connector.connect({ host: o.host ?? o.hostname ?? 'localhost', port: Number(o.port ?? 443) }).then(
        (socket) => {
          socket.setKeepAlive(true, 1000);
          done?.(null, socket);
        },
        (err: Error) => done?.(err, undefined as never),
      );
      return undefined;
    }
  }
  return new VerifiedAgent({ keepAlive: true });
}

function tracing(trace: (line: string) => void): (req: WireRequest) => (result: string) => void {
  return (req) => {
    const t0 = performance.now();
    const query = Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined);
    const path = query.length ? `${req.path}?${new URLSearchParams(query as [string, string][]).toString()}` : req.path;
    return (result) => trace(`trace +${t0.toFixed(0)}ms ${req.method} ${path} -> ${result} in ${(performance.now() - t0).toFixed(1)}ms`);
  };
}


function readBody(res: http.IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) res.destroy(new TransportError(`answer larger than ${MAX_BODY_BYTES} bytes`, 'EMSGSIZE'));
      else chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
    res.on('aborted', () => reject(signal.aborted ? signal.reason : new TransportError('the connection was cut mid-answer', 'ECONNRESET')));
  });
}

function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  return new TransportError(errText(err), typeof e?.code === 'string' ? e.code : 'EUNKNOWN', { cause: err });
}

/** Node's own errors come from another realm under test runners: duck-type the message. */
function errText(err: unknown): string {
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m ? m : String(err);
}
