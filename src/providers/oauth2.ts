/**
 * OAuth2 client-credentials tokens for Prometheus and web metrics (Argo's authentication.oauth2):
 * fetched from the token URL, cached until shortly before they expire, shared by concurrent
 * measurements.
 */
import type { Clock } from '../util/clock.js';
import { exchange, snippet, type TlsOptions } from './http.js';

export interface OAuth2Config {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export type TokenOutcome = { ok: true; token: string } | { ok: false; message: string };

/** Refresh this long before the announced expiry, so a token never expires in flight (as golang/oauth2). */
const EXPIRY_MARGIN_MS = 10_000;

interface Cached {
  token: string;
  /** null: the server gave no lifetime; the token is kept until the process ends. */
  expiresAt: number | null;
}

export class OAuth2Tokens {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<TokenOutcome>>();
  /** Whether a token URL wants the client credentials in the form body instead of Basic auth. */
  private readonly inBody = new Set<string>();

  constructor(private readonly clock: Clock) {}

  async token(cfg: OAuth2Config, tls: TlsOptions, timeoutMs: number, signal: AbortSignal): Promise<TokenOutcome> {
    const key = JSON.stringify([cfg.tokenUrl, cfg.clientId, cfg.clientSecret, cfg.scopes]);
    const cached = this.cache.get(key);
    if (cached && (cached.expiresAt === null || this.clock.now() < cached.expiresAt - EXPIRY_MARGIN_MS)) {
      return { ok: true, token: cached.token };
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(key, cfg, tls, timeoutMs, signal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetch(key: string, cfg: OAuth2Config, tls: TlsOptions, timeoutMs: number, signal: AbortSignal): Promise<TokenOutcome> {
    const where = `oauth2 token request to ${cfg.tokenUrl} failed`;
    // golang/oauth2 tries HTTP Basic first and falls back to credentials in the body; so do we.
    const styles = this.inBody.has(cfg.tokenUrl) ? [true] : [false, true];
    let last = '';
    for (const credentialsInBody of styles) {
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (cfg.scopes.length > 0) form.set('scope', cfg.scopes.join(' '));
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
      if (credentialsInBody) {
        form.set('client_id', cfg.clientId);
        form.set('client_secret', cfg.clientSecret);
      } else {
        const basic = `${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`;
        headers['Authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
      }
      const startedAt = this.clock.now();
      const res = await exchange(
        { method: 'POST', url: cfg.tokenUrl, body: form.toString(), headers, timeoutMs, tls, maxBodyBytes: 1024 * 1024 },
        this.clock,
        signal,
      );
      switch (res.kind) {
        case 'timeout':
          return { ok: false, message: `${where}: no answer within ${res.afterMs} ms` };
        case 'too-large':
          return { ok: false, message: `${where}: the answer is larger than ${res.limit} bytes` };
        case 'unreachable':
        case 'failed':
          return { ok: false, message: `${where}: ${res.message}` };
        case 'response':
          break;
      }
      const doc = parseObject(res.body);
      if (res.status >= 200 && res.status < 300 && typeof doc?.['access_token'] === 'string') {
        if (credentialsInBody) this.inBody.add(cfg.tokenUrl);
        const lifetime = Number(doc['expires_in']);
        const expiresAt = Number.isFinite(lifetime) && lifetime > 0 ? startedAt + lifetime * 1000 : null;
        this.cache.set(key, { token: doc['access_token'], expiresAt });
        return { ok: true, token: doc['access_token'] };
      }
      const oauthError = typeof doc?.['error'] === 'string' ? `${doc['error']}${typeof doc['error_description'] === 'string' ? `: ${doc['error_description']}` : ''}` : snippet(res.body);
      last = res.status >= 200 && res.status < 300 ? `no access_token in the answer: ${oauthError}` : `${res.status} ${oauthError}`.trim();
      if (res.status !== 400 && res.status !== 401) break;
    }
    return { ok: false, message: `${where}: ${last}` };
  }
}

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
