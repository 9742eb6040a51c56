import { createMetricProvider } from '../../src/providers/index.js';
import { prometheus } from '../analysis/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { json, startServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
  server.handle((req, res) =>
    req.path === '/api/v1/query'
      ? json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [0, '7'] } })
      : json(res, 200, { healthy: true }),
  );
});
afterEach(() => server.close());

describe('createMetricProvider', () => {
  it('sends each provider kind to its adapter', async () => {
    const clock = new FakeClock();
    const providers = createMetricProvider({ prometheus: { clock, via: 'direct' }, web: { clock, via: 'direct' } });
    const signal = new AbortController().signal;
    const p = await providers.measure(prometheus({ address: server.url }), signal);
    const w = await providers.measure(
      { kind: 'web', url: `${server.url}/health`, method: 'GET', headers: [], body: null, jsonBody: null, timeoutMs: 1000, jsonPath: '{$.healthy}', insecure: false },
      signal,
    );
    expect(p).toMatchObject({ ok: true, value: 7 });
    expect(w).toMatchObject({ ok: true, value: true });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/query', '/health']);
  });
});
