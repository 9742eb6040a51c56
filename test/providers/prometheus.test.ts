import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusProvider, type PrometheusOptions } from '../../src/providers/prometheus.js';
import type { ProviderResult } from '../../src/analysis/provider.js';
import { serviceProxyPath, type ServiceProxy } from '../../src/kube/service-proxy.js';
import type { PrometheusSpec } from '../../src/manifests/types.js';
import { prometheus } from '../analysis/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { closedPort, json, selfSignedCert, startServer, type TestServer } from './test-server.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const never = new AbortController().signal;

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

function provider(options: PrometheusOptions = {}): PrometheusProvider {
  return new PrometheusProvider({ clock: new FakeClock(NOW), via: 'direct', ...options });
}

function spec(overrides: Partial<PrometheusSpec> = {}): PrometheusSpec {
  return prometheus({ address: server.url, query: 'sum(rate(x[1m]))', ...overrides });
}

const vector = (...values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [NOW / 1000, v] })) },
});

function expectOk(r: ProviderResult): Extract<ProviderResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected a value, got: ${r.message}`);
  return r;
}

function expectError(r: ProviderResult): string {
  if (r.ok) throw new Error(`expected an error, got ${r.valueText}`);
  return r.message;
}

describe('PrometheusProvider results', () => {
  it('maps a vector to one number per series and asks for an instant query at now', async () => {
    server.handle((_req, res) => json(res, 200, vector('3', '0.5')));
    const r = expectOk(await provider().measure(spec(), never));
    expect(r).toEqual({ ok: true, value: [3, 0.5], valueText: '[3,0.5]', metadata: { resolvedQuery: 'sum(rate(x[1m]))' } });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/v1/query');
    expect(req.query.get('query')).toBe('sum(rate(x[1m]))');
    expect(Number(req.query.get('time'))).toBe(NOW / 1000);
  });

  it('maps an empty vector to [], not 0', async () => {
    server.handle((_req, res) => json(res, 200, vector()));
    const r = expectOk(await provider().measure(spec(), never));
    expect(r.value).toEqual([]);
    expect(r.valueText).toBe('[]');
  });

  it('maps a scalar to a number', async () => {
    server.handle((_req, res) => json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [NOW / 1000, '0.99'] } }));
    const r = expectOk(await provider().measure(spec(), never));
    expect(r.value).toBe(0.99);
    expect(r.valueText).toBe('0.99');
  });

  it('flattens a matrix, every sample of every series', async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            { metric: { a: '1' }, values: [[1, '1'], [2, '2']] },
            { metric: { a: '2' }, values: [[1, '0.0000001']] },
          ],
        },
      }),
    );
    const r = expectOk(await provider().measure(spec(), never));
    expect(r.value).toEqual([1, 2, 1e-7]);
    expect(r.valueText).toBe('[1,2,0.0000001]');
  });

  it('keeps NaN and infinities as numbers, printed as Prometheus prints them', async () => {
    server.handle((_req, res) => json(res, 200, vector('NaN', '+Inf', '-Inf')));
    const r = expectOk(await provider().measure(spec(), never));
    expect(r.value).toEqual([NaN, Infinity, -Infinity]);
    expect(r.valueText).toBe('[NaN,+Inf,-Inf]');
  });

  it('records warnings in the metadata as Argo formats them', async () => {
    server.handle((_req, res) => json(res, 200, { ...vector('1'), warnings: ['PromQL info: metric might not be a counter', 'second'] }));
    const r = expectOk(await provider().measure(spec(), never));
    expect(r.metadata).toEqual({ resolvedQuery: 'sum(rate(x[1m]))', warnings: '"PromQL info: metric might not be a counter", "second"' });
  });

  it('refuses result types conditions cannot use', async () => {
    server.handle((_req, res) => json(res, 200, { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }));
    expect(expectError(await provider().measure(spec(), never))).toBe(
      `Prometheus ${server.url}: query failed: Prometheus metric type not supported: the query returned string; use a query that returns a scalar, vector or matrix`,
    );
  });

  it('runs a range query with start and end from time expressions and the step in seconds', async () => {
    server.handle((_req, res) => json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } }));
    const r = expectOk(
      await provider().measure(spec({ rangeQuery: { start: 'now() - duration("5m")', end: 'now()', stepMs: 60_000 } }), never),
    );
    expect(r.value).toEqual([]);
    const req = server.requests[0]!;
    expect(req.path).toBe('/api/v1/query_range');
    expect(Number(req.query.get('start'))).toBe((NOW - 300_000) / 1000);
    expect(Number(req.query.get('end'))).toBe(NOW / 1000);
    expect(req.query.get('step')).toBe('60');
  });

  it('reports a range time expression that does not evaluate, without querying', async () => {
    const message = expectError(await provider().measure(spec({ rangeQuery: { start: 'nope(', end: 'now()', stepMs: 60_000 } }), never));
    expect(message).toMatch(new RegExp(`^Prometheus ${server.url}: failed to parse rangeQuery.start as time: `));
    expect(server.requests).toHaveLength(0);
  });
});

describe('PrometheusProvider errors', () => {
  it('quotes Prometheus on 400 bad_data', async () => {
    server.handle((_req, res) =>
      json(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:6: parse error: unexpected end of input' }),
    );
    expect(expectError(await provider().measure(spec(), never))).toBe(
      `Prometheus ${server.url}: query failed: 400 bad_data: invalid parameter "query": 1:6: parse error: unexpected end of input`,
    );
  });

  it('quotes a plain-text 503', async () => {
    server.handle((_req, res) => {
      res.statusCode = 503;
      res.end('Service Unavailable: too many queries\n');
    });
    expect(expectError(await provider().measure(spec(), never))).toBe(
      `Prometheus ${server.url}: query failed: 503 Service Unavailable: Service Unavailable: too many queries`,
    );
  });

  it('says so when the address serves an HTML page', async () => {
    server.handle((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<!DOCTYPE html><html><body>Grafana</body></html>');
    });
    expect(expectError(await provider().measure(spec(), never))).toBe(
      `Prometheus ${server.url}: query failed: 200: expected JSON from the Prometheus HTTP API, got an HTML page: is the address pointing at Prometheus?`,
    );
  });

  it('reports truncated JSON', async () => {
    server.handle((_req, res) => res.end('{"status":"success","data":{"resultType":"vec'));
    expect(expectError(await provider().measure(spec(), never))).toMatch(
      new RegExp(`^Prometheus ${server.url}: query failed: response is not valid JSON \\(.+\\): "\\{\\\\"status`),
    );
  });

  it('stops reading a 100 MB answer at the size cap instead of buffering it', async () => {
    let written = 0;
    const total = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const closed = new Promise<void>((resolve) => {
      server.handle((_req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.on('close', () => resolve());
        const pump = () => {
          while (written < total && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    const message = expectError(await provider().measure(spec(), never));
    await closed;
    expect(message).toBe(
      `Prometheus ${server.url}: query failed: the answer is larger than 10 MB; aggregate the query (e.g. sum by (...)) so it returns fewer series`,
    );
    expect(written).toBeLessThan(total / 2);
  });

  it('refuses an announced oversize body before reading it', async () => {
    server.handle((_req, res) => {
      res.setHeader('Content-Length', String(2 * 1024 * 1024));
      res.write('{');
    });
    const message = expectError(await provider({ maxBodyBytes: 1024 * 1024 }).measure(spec(), never));
    expect(message).toMatch(/the answer is larger than 1 MB/);
  });

  it('gives up after timeoutMs when Prometheus is slow', async () => {
    let timer: NodeJS.Timeout | undefined;
    server.handle((_req, res) => {
      timer = setTimeout(() => json(res, 200, vector('1')), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const real = new PrometheusProvider({ via: 'direct' });
    const message = expectError(await real.measure(spec({ timeoutMs: 150 }), never));
    clearTimeout(timer);
    expect(message).toBe(`Prometheus ${server.url}: query timed out after 150ms`);
  });

  it('says Prometheus is unreachable when the connection is refused', async () => {
    const port = await closedPort();
    const message = expectError(await provider().measure(spec({ address: `http://127.0.0.1:${port}` }), never));
    expect(message).toBe(`Prometheus http://127.0.0.1:${port} is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('needs an address from the metric, the fallback or the override, in reverse order of precedence', async () => {
    server.handle((_req, res) => json(res, 200, vector('1')));
    expect(expectError(await provider().measure(spec({ address: null }), never))).toBe(
      'prometheus address is not configured: set provider.prometheus.address, ARGO_ROLLOUTS_PROMETHEUS_ADDRESS or --prometheus-address',
    );
    expectOk(await provider({ addressFallback: server.url }).measure(spec({ address: null }), never));
    const port = await closedPort();
    expectOk(await provider({ addressOverride: server.url }).measure(spec({ address: `http://127.0.0.1:${port}` }), never));
    expect(expectError(await provider({ addressFallback: server.url }).measure(spec({ address: `http://127.0.0.1:${port}` }), never))).toMatch(
      /ECONNREFUSED/,
    );
  });

  it('rejects only when the caller aborts', async () => {
    server.handle(() => undefined);
    const ctl = new AbortController();
    const pending = provider().measure(spec(), ctl.signal);
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
  });
});

describe('PrometheusProvider auth', () => {
  beforeEach(() => server.handle((req, res) => (req.path === '/api/v1/query' ? json(res, 200, vector('1')) : json(res, 404, {}))));

  it('sends basic auth', async () => {
    expectOk(await provider().measure(spec({ basicAuth: { username: 'grafana', password: 'p@ss' } }), never));
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('grafana:p@ss').toString('base64')}`);
  });

  it('sends canary\'s bearer token, and custom headers, which may replace it', async () => {
    const p = provider({ bearerToken: 'env-token' });
    expectOk(await p.measure(spec({ headers: [{ key: 'X-Scope-OrgID', value: 'tenant-1' }] }), never));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer env-token');
    expect(server.requests[0]!.headers['x-scope-orgid']).toBe('tenant-1');
    expectOk(await p.measure(spec({ headers: [{ key: 'authorization', value: 'Bearer from-secret-arg' }] }), never));
    expect(server.requests[1]!.headers.authorization).toBe('Bearer from-secret-arg');
  });

  it('fetches an oauth2 client-credentials token, caches it, and refreshes it when it expires', async () => {
    let issued = 0;
    server.handle((req, res) => {
      if (req.path === '/token') return json(res, 200, { access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: 60 });
      return json(res, 200, vector('1'));
    });
    const clock = new FakeClock(NOW);
    const p = provider({ clock });
    const oauth2 = { tokenUrl: `${server.url}/token`, clientId: 'canary', clientSecret: 'shh', scopes: ['read', 'metrics'] };
    expectOk(await p.measure(spec({ oauth2 }), never));
    expectOk(await p.measure(spec({ oauth2 }), never));
    await clock.advance(55_000);
    expectOk(await p.measure(spec({ oauth2 }), never));

    const paths = server.requests.map((r) => `${r.path} ${r.headers.authorization}`);
    expect(paths).toEqual([
      `/token Basic ${Buffer.from('canary:shh').toString('base64')}`,
      '/api/v1/query Bearer tok-1',
      '/api/v1/query Bearer tok-1',
      `/token Basic ${Buffer.from('canary:shh').toString('base64')}`,
      '/api/v1/query Bearer tok-2',
    ]);
    const form = new URLSearchParams(server.requests[0]!.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    // A Prometheus quoting the token back does not get it printed (it is no arg the redactor knows).
    server.handle((req, res) => json(res, 403, { status: 'error', errorType: 'forbidden', error: `token ${String(req.headers.authorization)} refused` }));
    expect(await p.measure(spec({ oauth2 }), never)).toMatchObject({ ok: false, message: `Prometheus ${server.url}: query failed: 403 forbidden: token Bearer ***** refused` });
    expect(form.get('scope')).toBe('read metrics');
    expect(clock.pending()).toBe(0);
  });

  it('falls back to client credentials in the form body, and reports a refused token', async () => {
    server.handle((req, res) => {
      if (req.path !== '/token') return json(res, 200, vector('1'));
      const form = new URLSearchParams(req.body);
      if (form.get('client_secret') === 'shh') return json(res, 200, { access_token: 'body-tok' });
      return json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    });
    const p = provider();
    expectOk(await p.measure(spec({ oauth2: { tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'shh', scopes: [] } }), never));
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer body-tok');
    const message = expectError(await p.measure(spec({ oauth2: { tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'bad', scopes: [] } }), never));
    expect(message).toBe(`Prometheus ${server.url}: oauth2 token request to ${server.url}/token failed: 401 invalid_client: client authentication failed`);
  });
});

describe('PrometheusProvider through the API server service proxy', () => {
  const address = 'http://prometheus-server.monitoring.svc.cluster.local:80';
  const fakeProxy = (): ServiceProxy => ({
    route: (target) => ({ baseUrl: `${server.url}${serviceProxyPath(target)}`, headers: { Authorization: 'Bearer kube-token' } }),
  });

  it('queries an in-cluster address that does not resolve through the service proxy', async () => {
    server.handle((_req, res) => json(res, 200, vector('0')));
    const p = provider({ via: 'auto', serviceProxy: fakeProxy(), resolvesHost: async () => false });
    const r = expectOk(await p.measure(spec({ address }), never));
    expect(r.value).toEqual([0]);
    const req = server.requests[0]!;
    expect(req.path).toBe('/api/v1/namespaces/monitoring/services/prometheus-server:80/proxy/api/v1/query');
    expect(req.headers.authorization).toBe('Bearer kube-token');
  });

  it('uses the https: service port form and keeps a path prefix of the address', async () => {
    server.handle((_req, res) => json(res, 200, vector('0')));
    const p = provider({ via: 'proxy', serviceProxy: fakeProxy() });
    expectOk(await p.measure(spec({ address: 'https://thanos.obs.svc:10902/prom/' }), never));
    expect(server.requests[0]!.path).toBe('/api/v1/namespaces/obs/services/https:thanos:10902/proxy/prom/api/v1/query');
  });

  it('names the original address and the proxy in messages, quoting the API server', async () => {
    server.handle((_req, res) =>
      json(res, 503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'no endpoints available for service "prometheus-server"', reason: 'ServiceUnavailable', code: 503 }),
    );
    const p = provider({ via: 'auto', serviceProxy: fakeProxy(), resolvesHost: async () => false });
    expect(expectError(await p.measure(spec({ address }), never))).toBe(
      `Prometheus ${address} (through the Kubernetes API server's service proxy): query failed: 503 ServiceUnavailable: no endpoints available for service "prometheus-server"`,
    );
  });

  it('explains what to do when there is no kubeconfig to proxy through', async () => {
    const p = provider({ via: 'auto', resolvesHost: async () => false });
    expect(expectError(await p.measure(spec({ address }), never))).toMatch(
      new RegExp(`^Prometheus ${address} is an in-cluster address that does not resolve here, .*--prometheus-address`),
    );
  });

  it('pings with vector(1)', async () => {
    server.handle((req, res) => (req.query.get('query') === 'vector(1)' ? json(res, 200, vector('1')) : json(res, 400, {})));
    const p = provider({ via: 'proxy', serviceProxy: fakeProxy() });
    expect(await p.ping(spec({ address, query: 'up' }))).toBeNull();
    server.handle((_req, res) => json(res, 403, { kind: 'Status', message: 'services "prometheus-server:80" is forbidden', reason: 'Forbidden', code: 403 }));
    expect(await p.ping(spec({ address }))).toBe(
      `Prometheus ${address} (through the Kubernetes API server's service proxy): query failed: 403 Forbidden: services "prometheus-server:80" is forbidden`,
    );
  });
});

describe('PrometheusProvider ping: a throttled or briefly failing Prometheus is asked again', () => {
  /**
   * A clock whose short sleeps (ping's waits) return at once and are recorded; the request timeout
   * (30 s) only ends when its request does, so the answers seen are the server's.
   */
  function instantClock() {
    const slept: number[] = [];
    const sleep = (ms: number, signal?: AbortSignal) =>
      ms >= 30_000
        ? new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })))
        : Promise.resolve(void slept.push(ms));
    return { slept, clock: { now: () => NOW, sleep } };
  }
  const throttled = (res: Parameters<Parameters<TestServer['handle']>[0]>[1], retryAfter?: string) => {
    if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
    json(res, 429, { kind: 'Status', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 });
  };

  it('waits what Retry-After asks, then succeeds', async () => {
    let n = 0;
    server.handle((_req, res) => (n++ === 0 ? throttled(res, '2') : json(res, 200, vector('1'))));
    const { slept, clock } = instantClock();
    expect(await provider({ clock }).ping(spec())).toBeNull();
    expect({ requests: server.requests.length, slept }).toEqual({ requests: 2, slept: [2000] });
  });

  it('backs off 1 s, 2 s, 3 s on 503 without Retry-After, and gives up after four attempts with the last answer', async () => {
    server.handle((_req, res) => json(res, 503, { kind: 'Status', message: 'no endpoints available', reason: 'ServiceUnavailable', code: 503 }));
    const { slept, clock } = instantClock();
    expect(await provider({ clock }).ping(spec())).toBe(`Prometheus ${server.url}: query failed: 503 ServiceUnavailable: no endpoints available`);
    expect({ requests: server.requests.length, slept }).toEqual({ requests: 4, slept: [1000, 2000, 3000] });
  });

  it('caps a long Retry-After at 5 s', async () => {
    let n = 0;
    server.handle((_req, res) => (n++ === 0 ? throttled(res, '120') : json(res, 200, vector('1'))));
    const { slept, clock } = instantClock();
    expect(await provider({ clock }).ping(spec())).toBeNull();
    expect(slept).toEqual([5000]);
  });

  it('does not ask again after an answer that will not change (403, 400)', async () => {
    server.handle((_req, res) => json(res, 403, { kind: 'Status', message: 'forbidden', reason: 'Forbidden', code: 403 }));
    const { slept, clock } = instantClock();
    expect(await provider({ clock }).ping(spec())).toMatch(/403 Forbidden: forbidden$/);
    expect({ requests: server.requests.length, slept }).toEqual({ requests: 1, slept: [] });
  });

  it('asks again when nothing listens, and reports it unreachable in the end', async () => {
    const { slept, clock } = instantClock();
    const address = `http://127.0.0.1:${await closedPort()}`;
    expect(await provider({ clock }).ping(spec({ address }))).toMatch(new RegExp(`^Prometheus ${address} is unreachable: `));
    expect(slept).toEqual([1000, 2000, 3000]);
  });

  it('asks again after a 500 (through the service proxy it is usually the API server\'s)', async () => {
    let n = 0;
    server.handle((_req, res) => (n++ === 0 ? json(res, 500, { kind: 'Status', message: 'Internal error occurred', reason: 'InternalError', code: 500 }) : json(res, 200, vector('1'))));
    const { slept, clock } = instantClock();
    expect(await provider({ clock }).ping(spec())).toBeNull();
    expect(slept).toEqual([1000]);
  });

  it('measure itself never asks again: the analysis counts the error (consecutiveErrorLimit)', async () => {
    server.handle((_req, res) => throttled(res, '1'));
    const r = await provider().measure(spec(), never);
    expect(r).toMatchObject({ ok: false, transient: { afterMs: 1000 } });
    expect(server.requests).toHaveLength(1);
  });
});

const cert = selfSignedCert();
const withOpenssl = cert ? describe : describe.skip;

withOpenssl('PrometheusProvider over https with a self-signed certificate', () => {
  let tlsServer: TestServer;
  let dir: string;
  beforeAll(async () => {
    tlsServer = await startServer(cert!);
    tlsServer.handle((_req, res) => json(res, 200, vector('1')));
    dir = mkdtempSync(join(tmpdir(), 'canary-ca-'));
    writeFileSync(join(dir, 'ca.pem'), cert!.cert);
  });
  afterAll(async () => {
    await tlsServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the certificate by default, saying how to accept it', async () => {
    const message = expectError(await provider().measure(spec({ address: tlsServer.url }), never));
    expect(message).toBe(
      `Prometheus ${tlsServer.url} is unreachable: self-signed certificate (set insecure: true on the metric, or trust its CA with --prometheus-ca-file)`,
    );
  });

  it('accepts it with insecure: true', async () => {
    expectOk(await provider().measure(spec({ address: tlsServer.url, insecure: true }), never));
  });

  it('accepts it when its CA file is given', async () => {
    expectOk(await provider({ caFile: join(dir, 'ca.pem') }).measure(spec({ address: tlsServer.url }), never));
    expect(expectError(await provider({ caFile: join(dir, 'missing.pem') }).measure(spec({ address: tlsServer.url }), never))).toMatch(
      /cannot read the CA file .*missing\.pem: ENOENT/,
    );
  });
});
