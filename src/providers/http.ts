/**
 * One HTTP exchange for the metric providers, with every failure turned into data: a deadline over
 * the whole exchange (on the injected Clock), a cap on the body read (a huge answer is cut off, not
 * buffered), TLS options, and network errors classified so messages can say what happened.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError } from 'axios';
import type { Clock } from '../util/clock.js';
import { messageOf } from '../util/errors.js';

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
  | { kind: 'response'; status: number; statusText: string; contentType: string; body: string }
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
    deadline.abort();
  });
  try {
    const res = await axios.request<string>({
      method: req.method,
      url: req.url,
      params: req.params,
      data: req.body,
      headers: req.headers,
      responseType: 'text',
      transformResponse: [(data: string) => data],
      validateStatus: () => true,
      maxContentLength: req.maxBodyBytes,
      maxRedirects: 5,
      signal: AbortSignal.any([deadline.signal, signal]),
      httpAgent: new http.Agent({ keepAlive: false }),
      httpsAgent: new https.Agent({
        keepAlive: false,
        rejectUnauthorized: !req.tls.insecure,
        ...(req.tls.ca !== undefined ? { ca: req.tls.ca } : {}),
        ...(req.tls.cert !== undefined ? { cert: req.tls.cert } : {}),
        ...(req.tls.key !== undefined ? { key: req.tls.key } : {}),
      }),
    });
    return {
      kind: 'response',
      status: res.status,
      statusText: res.statusText || (http.STATUS_CODES[res.status] ?? ''),
      contentType: String(res.headers['content-type'] ?? ''),
      body: typeof res.data === 'string' ? res.data : String(res.data ?? ''),
    };
  } catch (err) {
    if (signal.aborted) throw signal.reason ?? err;
    if (timedOut) return { kind: 'timeout', afterMs: req.timeoutMs };
    return classify(err, req.maxBodyBytes);
  } finally {
    finished.abort();
  }
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

function classify(err: unknown, maxBodyBytes: number): HttpOutcome {
  const message = describe(err);
  if (/maxContentLength size of \d+ exceeded/.test(message)) return { kind: 'too-large', limit: maxBodyBytes };
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

/** Node reports a failed dual-stack connect as an AggregateError with an empty message. */
function describe(err: unknown): string {
  const parts: unknown[] = [err, (err as { cause?: unknown })?.cause];
  for (const e of parts) {
    const nested = (e as { errors?: unknown[] } | undefined)?.errors;
    if (Array.isArray(nested) && nested.length > 0) return nested.map(messageOf).join('; ');
    const m = e instanceof Error ? e.message : '';
    if (m) return m;
  }
  return err instanceof AxiosError && err.code ? err.code : messageOf(err);
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
