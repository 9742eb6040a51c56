import { Faults } from '../faults.js';
import type { ApiServer } from '../index.js';
import { configMap, createNamespace, get, post, put, startSandbox, watch } from './helpers.js';

const CM = '/api/v1/namespaces/apps/configmaps';
let server: ApiServer;

beforeAll(async () => {
  server = await startSandbox({ tls: 'off' });
  await createNamespace(server, 'apps');
  await post(server, CM, configMap('target'));
});
afterEach(() => server.faults.clear());
afterAll(() => server.close());

describe('fault injection', () => {
  it('delays matching requests by a fixed latency', async () => {
    server.faults.latency(150, { verbs: ['get'], resources: ['configmaps'] });
    const t0 = Date.now();
    expect((await get(server, `${CM}/target`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = Date.now();
    await get(server, '/api/v1/namespaces/apps');
    expect(Date.now() - t1).toBeLessThan(140);
  });

  it('delays by a range drawn from the seeded PRNG', () => {
    const draws = (seed: number): number[] => {
      const f = new Faults(seed);
      f.latency({ min: 10, max: 20 });
      return [1, 2, 3].map(() => f.plan({ verb: 'get', resource: 'configmaps', subresource: '', namespace: 'a', watch: false, isResource: true }).delayMs);
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
    for (const d of draws(7)) {
      expect(d).toBeGreaterThanOrEqual(10);
      expect(d).toBeLessThanOrEqual(20);
    }
  });

  it('answers a share of requests 500 InternalError, reproducibly for a seed', async () => {
    const run = async (): Promise<number[]> => {
      server.faults.clear();
      server.faults.seed(42);
      server.faults.internalErrors(0.5, { resources: ['configmaps'] });
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await get(server, `${CM}/target`)).status);
      return codes;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([200, 500]));
    expect(await run()).toEqual(first);
    server.faults.clear();
    server.faults.internalErrors(1);
    const r = await get(server, `${CM}/target`);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: sandbox fault injection',
      reason: 'InternalError',
      details: { causes: [{ message: 'sandbox fault injection' }] },
      code: 500,
    });
  });

  it('answers 503 ServiceUnavailable when asked to', async () => {
    server.faults.add({ kind: 'status', code: 503, share: 1, match: { verbs: ['get'] } });
    const r = await get(server, `${CM}/target`);
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
  });

  it('answers 429 with Retry-After in plain text, as API Priority and Fairness does', async () => {
    server.faults.tooManyRequests(1, 3, { verbs: ['list'] });
    const r = await get(server, CM);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.text).toBe('Too many requests, please try again later.\n');
    expect((await get(server, `${CM}/target`)).status).toBe(200);
  });

  it('answers 409 Conflict for matching writes only', async () => {
    server.faults.conflicts(1, { verbs: ['update'] });
    const current = (await get(server, `${CM}/target`)).json;
    const r = await put(server, `${CM}/target`, current);
    expect(r.status).toBe(409);
    expect(r.json.message).toBe('Operation cannot be fulfilled on configmaps "target": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('drops the connection without an answer', async () => {
    server.faults.dropConnections(1, { namespaces: ['apps'] });
    await expect(get(server, `${CM}/target`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await get(server, '/api/v1/namespaces/default/configmaps')).status).toBe(200);
  });

  it('cuts open watches now, or every N ms, and leaves other watches alone', async () => {
    const cms = await watch(server, `${CM}?watch=1`);
    const nss = await watch(server, '/api/v1/namespaces?watch=1');
    expect(server.faults.cutWatchesNow({ resources: ['configmaps'] })).toBe(1);
    expect(await cms.ended).toBe('error');
    const again = await watch(server, `${CM}?watch=1`);
    server.faults.cutWatchesEvery(50, { resources: ['configmaps'] });
    expect(await again.ended).toBe('error');
    expect(server.openWatches()).toBe(1);
    nss.close();
  });

  it('filters watch requests from other requests', async () => {
    server.faults.internalErrors(1, { watch: true });
    expect((await get(server, `${CM}/target`)).status).toBe(200);
    const w = await watch(server, `${CM}?watch=1`);
    expect(w.status).toBe(500);
  });

  it('stops injecting after clear()', async () => {
    server.faults.internalErrors(1);
    expect((await get(server, `${CM}/target`)).status).toBe(500);
    server.faults.clear();
    expect(server.faults.active).toEqual([]);
    expect((await get(server, `${CM}/target`)).status).toBe(200);
  });
});

describe('stats and the request log', () => {
  it('counts requests by verb and resource, watches included, and resets', async () => {
    server.stats.reset();
    await get(server, `${CM}/target`);
    await get(server, CM);
    await get(server, '/apis/apps/v1/namespaces/apps/deployments');
    const w = await watch(server, `${CM}?watch=1`);
    w.close();
    await get(server, '/version');
    const s = server.stats.snapshot();
    expect(s.byVerb).toEqual({ get: 2, list: 2, watch: 1 });
    expect(s.byResource).toEqual({ configmaps: { get: 1, list: 1, watch: 1 }, 'deployments.apps': { list: 1 }, '(non-resource)': { get: 1 } });
    expect(s.total).toBe(5);
    expect(s.perMinuteByVerb['get']).toBeGreaterThan(0);
    server.stats.reset();
    expect(server.stats.snapshot().total).toBe(0);
  });

  it('keeps a capped log of method, path, status and time', async () => {
    const own = await startSandbox({ tls: 'off', requestLogLimit: 3 });
    try {
      for (let i = 0; i < 5; i++) await get(own, `/api/v1/namespaces/default/configmaps/c${i}`);
      const log = own.stats.requests();
      expect(log).toHaveLength(3);
      expect(log.map((e) => e.url)).toEqual(['/api/v1/namespaces/default/configmaps/c2', '/api/v1/namespaces/default/configmaps/c3', '/api/v1/namespaces/default/configmaps/c4']);
      expect(log[0]).toMatchObject({ method: 'GET', verb: 'get', resource: 'configmaps', status: 404 });
      expect(typeof log[0]!.ms).toBe('number');
    } finally {
      await own.close();
    }
  });
});
