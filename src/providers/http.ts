/**
 * One HTTP exchange for the metric providers, with every failure turned into data: a deadline over
 * the whole exchange (on the injected Clock), a cap on the body read (a huge answer is cut off, not
 * buffered), TLS options, and network errors classified so messages can say what happened.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Clock } from '../util/clock.js';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface TlsOptions {
  /** Skip verification of the server certificate. */
  insecure: boolean;
  /** PEM bundle to trust instead of the system CAs. */
  ca?: string | Buffer;
  cert?: string;
  key?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  params?: Record<string, string>;
  body?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  tls: TlsOptions;
  maxBodyBytes: number;
}

export type HttpOutcome =
  | { kind: 'response'; status: number; statusText: string; contentType: string; body: string; retryAfter: string | null }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'too-large'; limit: number }
  | { kind: 'unreachable'; message: string; tls: boolean }
  | { kind: 'failed'; message: string };

/** Resolves with an outcome for anything the server or network does; rejects only when `signal` aborts. */
export async function exchange(req: HttpRequest, clock: Clock, signal: AbortSignal): Promise<HttpOutcome> {
  signal.throwIfAborted();
  const deadline = new AbortController();
  const finished = new AbortController();
  let timedOut = false;
  void clock.sleep(req.timeoutMs, AbortSignal.any([finished.signal, signal])).then(() => {
    if (finished.signal.aborted || signal.aborted) return;
    timedOut = true;
    deadline.abort(new Error(`no answer within ${req.timeoutMs} ms`));
  });
  const stop = AbortSignal.any([deadline.signal, signal]);
  try {
    const res = await follow(req, stop);
    const announced = Number(res.headers['content-length']);
    const body = Number.isFinite(announced) && announced > req.maxBodyBytes ? null : await readCapped(res, req.maxBodyBytes, stop);
    if (body === null) {
      res.destroy();
      return { kind: 'too-large', limit: req.maxBodyBytes };
    }
    const status = res.statusCode ?? 0;
    return {
      kind: 'response',
      status,
      statusText: res.statusMessage || (http.STATUS_CODES[status] ?? ''),
      contentType: String(res.headers['content-type'] ?? ''),
      body,
      retryAfter: res.headers['retry-after'] === undefined ? null : String(res.headers['retry-after']),
    };
  } catch (err) {
    if (signal.aborted) throw signal.reason ?? err;
    if (timedOut) return { kind: 'timeout', afterMs: req.timeoutMs };
    return classify(err);
  } finally {
    finished.abort();
  }
}

const MAX_REDIRECTS = 5;

/**
 * The answer, after at most MAX_REDIRECTS redirects, with node's own http/https (axios cost every
 * runner about 20 MB of memory for this, docs/benchmarks.md). Redirects are followed as browsers
 * and axios do: 303 (and 301/302 after a POST) become a GET without body; credentials are not sent
 * to another host.
 */
async function follow(req: HttpRequest, stop: AbortSignal): Promise<http.IncomingMessage> {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.params ?? {})) url.searchParams.set(k, v);
  let target = url;
  let method: string = req.method;
  let body = req.body;
  let headers = { ...req.headers };
  for (let redirects = 0; ; redirects++) {
    const res = await send(target, method, headers, body, req.tls, stop);
    const location = res.headers.location;
    const status = res.statusCode ?? 0;
    if (![301, 302, 303, 307, 308].includes(status) || !location) return res;
    res.resume();
    if (redirects >= MAX_REDIRECTS) throw Object.assign(new Error('Maximum number of redirects exceeded'), { code: 'ERR_FR_TOO_MANY_REDIRECTS' });
    const next = new URL(location, target);
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length)$/i.test(k)));
    }
    if (next.host !== target.host) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
    target = next;
  }
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, tls: TlsOptions, stop: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https_ = url.protocol === 'https:';
    if (!https_ && url.protocol !== 'http:') return reject(new Error(`unsupported protocol ${url.protocol}`));
    const options: https.RequestOptions = {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      signal: stop,
      agent: false,
      ...(https_
        ? {
            rejectUnauthorized: !tls.insecure,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
            ...(tls.key !== undefined ? { key: tls.key } : {}),
          }
        : {}),
    };
    const r = (https_ ? https : http).request(url, options, resolve);
    r.on('error', reject);
    r.end(body);
  });
}

/** The body as text, or null once it grows past `limit` bytes (the rest is never read). */
function readCapped(stream: Readable, limit: number, stop: AbortSignal): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => {
      stream.destroy();
      reject(stop.reason);
    };
    if (stop.aborted) return onAbort();
    stop.addEventListener('abort', onAbort, { once: true });
    const done = () => stop.removeEventListener('abort', onAbort);
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        stream.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      done();
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    stream.on('error', (err) => {
      done();
      reject(err);
    });
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH',
  'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** What a failed exchange means for messages: the network, TLS, or something else. */
export function classify(err: unknown): HttpOutcome {
  const message = errorText(err);
  const code = codeOf(err);
  if (code && TLS_CODES.has(code)) return { kind: 'unreachable', message, tls: true };
  if (code && NETWORK_CODES.has(code)) return { kind: 'unreachable', message, tls: false };
  return { kind: 'failed', message };
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The message of a transport error. Node reports a failed dual-stack connect as an AggregateError
 * with an empty message; errors may also come from another realm, so no instanceof.
 */
export function errorText(err: unknown): string {
  for (const e of [err, (err as { cause?: unknown } | undefined)?.cause]) {
    const nested = (e as { errors?: unknown[] } | undefined)?.errors;
    if (Array.isArray(nested) && nested.length > 0) return nested.map(errorText).join('; ');
    const message = (e as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && message !== '') return message;
  }
  const code = codeOf(err);
  if (code) return code;
  return typeof err === 'string' ? err : String(err);
}

/** The first line of a body, short enough to quote in a message. */
export function snippet(body: string, max = 200): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

export function looksLikeHtml(contentType: string, body: string): boolean {
  return /text\/html/i.test(contentType) || /^\s*<(!doctype|html|head|body)/i.test(body);
}

/** Sets a header, replacing any existing one of the same name in another case. */
export function setHeader(headers: Record<string, string>, key: string, value: string): void {
  for (const k of Object.keys(headers)) if (k.toLowerCase() === key.toLowerCase()) delete headers[k];
  headers[key] = value;
}
