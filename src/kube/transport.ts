/**
 * HTTP to the API server with the kubeconfig's credentials. The kubeconfig supplies the TLS options
 * (CA, client certificate, insecure-skip-tls-verify, proxy-url) and the Authorization header (token,
 * exec and auth-provider plugins) for every request, as client-node's generated clients use them;
 * this file only moves bytes, so that deadlines, retries and Status parsing live in one place
 * (client.ts) for every resource, core or custom.
 *
 * Over https, canary speaks HTTP/2 as kubectl and client-go do: one connection per TLS identity,
 * every request and watch multiplexed on it (one handshake where `canary status`'s first five
 * parallel GETs took five, issue 15). A server that does not choose h2 by ALPN is spoken to over
 * HTTP/1.1 keep-alive connections for the rest of the process; plain http and proxy-url are HTTP/1.1.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders as H2Headers, type OutgoingHttpHeaders } from 'node:http2';
import https from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { definedOnly } from '../util/defined-only.js';
import { CLIENT_GO_LIVENESS, H2Connection, type Liveness } from './h2-connection.js';
import type { KubeCredentials } from './kubeconfig-data.js';
import { trustedConnector, type TlsIdentity, type TrustedConnector } from './tls/connect.js';
import { anchorsOf } from './tls/fast-trust.js';
import { TransportError } from './transport-error.js';

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

export { TransportError };

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
  /** When an HTTP/2 connection is pinged and given up on; client-go's periods by default. */
  liveness?: Liveness;
}

/** An answer's head, its body still to be read from `body`. */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  protocol: 'h2' | 'http/1.1';
}

export function kubeTransport(kc: KubeCredentials, options: TransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'canary';
  const cluster = kc.getCurrentCluster();
  const server = cluster?.server;
  if (!server) throw new Error('kubeTransport: the kubeconfig has no current cluster');
  const routes = connections(!!cluster.proxyUrl, options.liveness ?? CLIENT_GO_LIVENESS, options.trace);

  const open = async (req: WireRequest, signal: AbortSignal): Promise<Answer> => {
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
    const route = await routes(url, options, signal);
    signal.throwIfAborted();
    if (route.kind === 'h2') return openH2(route.connection, url, options, req.body, signal);
    options.agent = route.agent;
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const r = lib.request(url, { ...options, signal }, (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, protocol: 'http/1.1' }));
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
        const out = { status: res.status, headers: res.headers, body: await readBody(res.body, signal) };
        done?.(`${out.status}`, res.protocol);
        return out;
      } catch (err) {
        done?.(errText(err));
        throw err;
      }
    },
    async stream(req, signal, onLine) {
      const done = traced?.(req);
      let res: Answer;
      try {
        res = await open(req, signal);
      } catch (err) {
        done?.(errText(err));
        throw err;
      }
      done?.(`${res.status} (stream open)`, res.protocol);
      if (res.status !== 200) return { status: res.status, headers: res.headers, body: await readBody(res.body, signal) };
      const body = res.body;
      await new Promise<void>((resolve, reject) => {
        let pending = '';
        let ended = false;
        body.setEncoding('utf8');
        body.on('data', (chunk: string) => {
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line) onLine(line);
          }
        });
        body.on('end', () => {
          ended = true;
          if (pending.trim()) onLine(pending.trim());
          resolve();
        });
        const cut = (): void => reject(signal.aborted ? signal.reason : new TransportError('the watch stream was cut', 'ECONNRESET'));
        body.on('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
        body.on('aborted', cut);
        body.on('close', () => ended || cut());
      });
      return { status: 200, headers: res.headers, body: '' };
    },
  };
}

type Route = { kind: 'h2'; connection: H2Connection } | { kind: 'http/1.1'; agent: http.Agent | undefined };

/**
 * Connections kept per TLS identity (CA, client certificate, verification, server name), so that a
 * credential plugin that rotates its certificate gets a new one while a rotated token only changes
 * the next request's header. Each is verified before anything is written on it (tls/connect.ts).
 * client-node builds a new agent for every request (a TCP and TLS handshake each time, ~25 ms on
 * loopback); with a proxy-url, its proxy agent is used as is.
 */
function connections(proxied: boolean, liveness: Liveness, trace?: (line: string) => void): (url: URL, o: https.RequestOptions, signal: AbortSignal) => Promise<Route> {
  const connectors = new Map<string, TrustedConnector>();
  const agents = new Map<string, http.Agent>();
  /** What ALPN gave per identity: a connection, or null for a server that speaks only HTTP/1.1. */
  const h2 = new Map<string, Promise<H2Connection | null>>();

  const connector = (key: string, tls: TlsIdentity): TrustedConnector => {
    let c = connectors.get(key);
    if (!c) {
      c = trustedConnector(tls, { anchors: anchorsOf(tls.ca), ...(trace ? { onUnsure: (why: string) => trace(`trace TLS verified by OpenSSL: ${why}`) } : {}) });
      connectors.set(key, c);
    }
    return c;
  };
  const agent = (key: string, url: URL, tls: TlsIdentity): http.Agent => {
    let a = agents.get(key);
    if (!a) {
      a = url.protocol === 'https:' ? verifiedAgent(connector(key, tls)) : new http.Agent({ keepAlive: true });
      agents.set(key, a);
    }
    return a;
  };
  const connect = (key: string, url: URL, tls: TlsIdentity): Promise<H2Connection | null> => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const pending = connector(key, tls)
      .connect({ host, port: Number(url.port || 443), ALPNProtocols: ['h2', 'http/1.1'] })
      .then(
        (socket) => {
          if (socket.alpnProtocol === 'h2') return new H2Connection(url, socket, liveness);
          socket.destroy();
          return null;
        },
        (err: unknown) => {
          // The next request tries again rather than inheriting this failure.
          if (h2.get(key) === pending) h2.delete(key);
          throw toTransportError(err);
        },
      );
    h2.set(key, pending);
    return pending;
  };

  return async (url, o, signal) => {
    if (proxied) return { kind: 'http/1.1', agent: o.agent instanceof http.Agent ? o.agent : undefined };
    const tls: TlsIdentity = definedOnly({ ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized, servername: o.servername });
    const key = createHash('sha256').update(`${url.protocol}${JSON.stringify(tls, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v))}`).digest('hex');
    if (url.protocol !== 'https:') return { kind: 'http/1.1', agent: agent(key, url, tls) };
    const pending = h2.get(key) ?? connect(key, url, tls);
    let connection = await abortable(pending, signal);
    if (connection && !connection.usable()) {
      // Ended by GOAWAY or an error: the first request to notice opens the next one, the others share it.
      const next = h2.get(key);
      connection = await abortable(next && next !== pending ? next : connect(key, url, tls), signal);
    }
    return connection ? { kind: 'h2', connection } : { kind: 'http/1.1', agent: agent(key, url, tls) };
  };
}

/**
 * HTTP/1.1 keep-alive connections, each verified before the agent writes on it (tls/connect.ts):
 * with the kubeconfig's CA, without building OpenSSL's store of public roots (~16 ms of every
 * command); one TLS context per identity, as a context per connection cost ~5 ms each (issue 15).
 */
function verifiedAgent(connector: TrustedConnector): https.Agent {
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

/** A connection being made is shared: one request giving up must not cancel it for the others. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Headers HTTP/2 forbids (RFC 9113 8.2.2); Node would refuse the request. */
const CONNECTION_HEADERS = new Set(['connection', 'host', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function openH2(connection: H2Connection, url: URL, o: https.RequestOptions, body: string | undefined, signal: AbortSignal): Promise<Answer> {
  const headers: OutgoingHttpHeaders = { ':method': o.method ?? 'GET', ':path': `${url.pathname}${url.search}` };
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (v !== undefined && !CONNECTION_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
  }
  if (o.auth && headers['authorization'] === undefined) headers['authorization'] = `Basic ${Buffer.from(o.auth).toString('base64')}`;
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  let stream: ClientHttp2Stream;
  try {
    stream = connection.request(headers, body === undefined);
  } catch (err) {
    return Promise.reject(toTransportError(err));
  }
  return new Promise((resolve, reject) => {
    let answered = false;
    const onAbort = (): void => {
      // A deadline with no answer may mean a dead connection; a caller's cancel says nothing about it.
      if (!answered && signal.reason instanceof TransportError && signal.reason.code === 'DEADLINE') connection.suspect();
      stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? signal.reason : new TransportError('the connection was cut before an answer', 'ECONNRESET'));
    });
    stream.once('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
    stream.once('response', (h) => {
      answered = true;
      resolve({ status: Number(h[':status'] ?? 0), headers: withoutPseudo(h), body: stream, protocol: 'h2' });
    });
    if (body !== undefined) stream.end(body);
  });
}

function withoutPseudo(h: H2Headers): http.IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith(':'))) as http.IncomingHttpHeaders;
}

function tracing(trace: (line: string) => void): (req: WireRequest) => (result: string, protocol?: string) => void {
  return (req) => {
    const t0 = performance.now();
    const query = Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined);
    const path = query.length ? `${req.path}?${new URLSearchParams(query as [string, string][]).toString()}` : req.path;
    return (result, protocol) =>
      trace(`trace +${t0.toFixed(0)}ms ${req.method} ${path} -> ${result} in ${(performance.now() - t0).toFixed(1)}ms${protocol ? ` (${protocol})` : ''}`);
  };
}

function readBody(res: Readable, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let ended = false;
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) res.destroy(new TransportError(`answer larger than ${MAX_BODY_BYTES} bytes`, 'EMSGSIZE'));
      else chunks.push(c);
    });
    res.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    const cut = (): void => reject(signal.aborted ? signal.reason : new TransportError('the connection was cut mid-answer', 'ECONNRESET'));
    res.on('error', (err) => reject(signal.aborted ? signal.reason : toTransportError(err)));
    res.on('aborted', cut);
    res.on('close', () => ended || cut());
  });
}

function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'EUNKNOWN';
  // A stream reset, a GOAWAY that refused the stream, a session torn down: the request may be sent again.
  return new TransportError(errText(err), code.startsWith('ERR_HTTP2_') ? 'ECONNRESET' : code, { cause: err });
}

/** Node's own errors come from another realm under test runners: duck-type the message. */
function errText(err: unknown): string {
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m ? m : String(err);
}
