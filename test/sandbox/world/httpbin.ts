/**
 * The workload every sandbox pod runs: an in-process request handler modelled on go-httpbin
 * (`/`, `/get`, `/headers`, `/status/N`, `/delay/S`), degraded by the pod's image profile.
 */
import type { Clock } from '../../../src/util/clock.js';
import type { ImageBehaviour } from './images.js';
import { pickWeighted, type Random } from './random.js';

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/status/500?x=1`. */
  path: string;
  headers: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Handler = (req: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse>;

export interface HttpbinOptions {
  behaviour: Pick<Extract<ImageBehaviour, { kind: 'serve' }>, 'kind' | 'errorRate' | 'errorStatus' | 'latencyMs'>;
  random: Random;
  clock: Clock;
  /** go-httpbin refuses longer /delay requests with 400. */
  maxDelayMs?: number;
}

export function httpbin(opts: HttpbinOptions): Handler {
  const { behaviour, random, clock } = opts;
  const maxDelayMs = opts.maxDelayMs ?? 10_000;
  return async (req, signal) => {
    if (behaviour.latencyMs > 0) await clock.sleep(behaviour.latencyMs, signal);
    // The bad release fails whatever the path: that is what the canary analysis must catch.
    if (behaviour.errorRate > 0 && random() < behaviour.errorRate) {
      return text(behaviour.errorStatus, '');
    }
    const url = new URL(req.path, 'http://httpbin.local');
    const path = url.pathname;
    if (path === '/') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><title>go-httpbin</title>' };
    if (path === '/get') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method Not Allowed');
      return json(200, echo(req, url));
    }
    if (path === '/headers') return json(200, { headers: req.headers });
    const status = /^\/status\/([^/]+)$/.exec(path);
    if (status) return statusResponse(status[1]!, random);
    const delay = /^\/delay\/([^/]+)$/.exec(path);
    if (delay) {
      const seconds = Number(delay[1]);
      if (!Number.isFinite(seconds) || seconds < 0) return text(400, 'invalid duration');
      if (seconds * 1000 > maxDelayMs) return text(400, `duration must be <= ${maxDelayMs / 1000}s`);
      await clock.sleep(seconds * 1000, signal);
      return json(200, echo(req, url));
    }
    return text(404, 'Not Found');
  };
}

/** `/status/500`, `/status/200,500` (uniform), `/status/200:0.9,500:0.1` (weighted), as go-httpbin. */
function statusResponse(spec: string, random: Random): HttpResponse {
  const choices = spec.split(',').map((part) => {
    const [code, weight] = part.split(':');
    return { code: Number(code), weight: weight === undefined ? 1 : Number(weight) };
  });
  if (choices.some((c) => !Number.isInteger(c.code) || c.code < 100 || c.code > 599 || !Number.isFinite(c.weight))) {
    return text(400, 'invalid status code');
  }
  const picked = choices.length === 1 ? choices[0]! : choices[Math.max(0, pickWeighted(random, choices.map((c) => c.weight)))]!;
  if (picked.code >= 300 && picked.code < 400) return { status: picked.code, headers: { location: '/redirect/1' }, body: '' };
  return text(picked.code, '');
}

function echo(req: HttpRequest, url: URL): Record<string, unknown> {
  const args: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (args[k] ??= []).push(v);
  return { args, headers: req.headers, method: req.method, origin: req.headers['x-forwarded-for'] ?? '127.0.0.1', url: `http://${req.headers['host'] ?? 'httpbin'}${req.path}` };
}

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function text(status: number, body: string): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
