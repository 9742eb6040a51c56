/**
 * The node agent's API client: HTTPS with the admin client certificate (or a bearer token, for
 * tests against the sandbox's API server), JSON bodies, and
 * watches read as newline-delimited JSON. Small on purpose: the agent is test infrastructure, and
 * canary's own client (@kubernetes/client-node) is what the e2e suite checks, not what drives it.
 */
import http from 'node:http';
import https from 'node:https';

export interface Credentials {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

export class KubeError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: ${status} ${statusMessage(body)}`);
  }
}

function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

export class Kube {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly auth: Record<string, string>;

  constructor(readonly credentials: Credentials) {
    const tls = new URL(credentials.server).protocol === 'https:';
    this.transport = tls ? https : http;
    this.agent = tls
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ...(credentials.caPem ? { ca: credentials.caPem } : {}), ...(credentials.certPem ? { cert: credentials.certPem, key: credentials.keyPem } : {}) })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.auth = credentials.token ? { authorization: `Bearer ${credentials.token}` } : {};
  }

  /** One request; any status is returned (callers decide what an error is). */
  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
    const url = new URL(path, this.credentials.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        url,
        { method, agent: this.agent, headers: { accept: 'application/json', ...this.auth, ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}) }, timeout: 30_000 },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: <T>() => JSON.parse(text) as T }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** A request that must succeed (2xx); its JSON body. */
  async must<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const a = await this.request(method, path, body, contentType);
    if (a.status < 200 || a.status > 299) throw new KubeError(method, path, a.status, a.body);
    return a.body ? a.json<T>() : (undefined as T);
  }

  /**
   * Streams a watch: `onEvent` for each event; resolves when the server ends the stream, rejects on a
   * transport error. `signal` closes it.
   */
  watch(path: string, onEvent: (event: { type: string; object: Record<string, unknown> }) => void, signal: AbortSignal): Promise<void> {
    const url = new URL(path, this.credentials.server);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(url, { method: 'GET', agent: this.agent, headers: { accept: 'application/json', ...this.auth }, signal }, (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (d) => (text += String(d)));
          res.on('end', () => reject(new KubeError('WATCH', path, res.statusCode ?? 0, text)));
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
          }
        });
        res.on('end', () => resolve());
        res.on('error', (e) => (signal.aborted ? resolve() : reject(e)));
      });
      req.on('error', (e) => (signal.aborted ? resolve() : reject(e)));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
