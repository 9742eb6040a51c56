import type http from 'node:http';
import type { DatadogSpec, ProviderSpec, WebSpec } from '../../src/manifests/types.js';
import { MetricProviders } from '../../src/providers/registry.js';
import { prometheus } from '../analysis/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { json, startServer, type Recorded, type TestServer } from './test-server.js';

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

/** What each of issue 20's providers asks before a run, answered as its vendor documents it. */
function pingAnswers(req: Recorded, res: http.ServerResponse): void {
  if (req.path === '/api/v1/validate') return json(res, 200, { valid: true });
  if (req.path === '/graphql') return json(res, 200, { data: { actor: { account: { id: 1 } } } });
  if (req.path === '/render') return json(res, 200, [{ target: 'constantLine(1)', datapoints: [[1, 1]] }]);
  if (req.path === '/api/v2/query') {
    res.setHeader('Content-Type', 'text/csv');
    return void res.end('#datatype,string,long,long\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0,1\n');
  }
  res.setHeader('Content-Type', 'text/xml');
  res.end('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/ci</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>');
}
const pingEnv = () => ({
  DD_API_KEY: 'dd-api', DD_APP_KEY: 'dd-app', DD_ADDRESS: server.url,
  NEW_RELIC_API_KEY: 'NRAK-x', NEW_RELIC_ACCOUNT_ID: '1', NEW_RELIC_BASE_URL_NERDGRAPH: `${server.url}/graphql`,
  AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: server.url,
  INFLUX_HOST: server.url, INFLUX_TOKEN: 'tok', INFLUX_ORG: 'org',
});
const DATADOG: DatadogSpec = { kind: 'datadog', apiVersion: 'v1', interval: '5m', query: 'avg:cpu{*}', queries: null, formula: null, aggregator: null, secretRef: { name: null, namespaced: false }, requestTimeout: '10s' };
const PING_SPECS = (): ProviderSpec[] => [
  DATADOG,
  { kind: 'newRelic', profile: null, query: 'FROM Transaction SELECT count(*)', timeout: null },
  { kind: 'cloudWatch', interval: '5m', metricDataQueries: [{ id: 'a', expression: 'SELECT 1', label: null, metricStat: null, period: 60, returnData: null }] },
  { kind: 'graphite', address: server.url, query: 'target=a.b' },
  { kind: 'influxdb', profile: null, query: 'from(bucket: "b")' },
];

describe('MetricProviders', () => {
  it('sends each provider kind to its adapter', async () => {
    const clock = new FakeClock();
    const providers = new MetricProviders({ clock, via: 'direct', env: {} });
    const signal = new AbortController().signal;
    const p = await providers.measure(prometheus({ address: server.url }), signal, { run: 'r', metric: 'm' });
    const w = await providers.measure(
      { kind: 'web', url: `${server.url}/health`, method: 'GET', headers: [], body: null, jsonBody: null, timeoutMs: 1000, jsonPath: '{$.healthy}', insecure: false, oauth2: null },
      signal,
      { run: 'r', metric: 'm' },
    );
    expect(p).toMatchObject({ ok: true, value: 7 });
    expect(w).toMatchObject({ ok: true, value: true });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/query', '/health']);
  });

  const webSpec = (url: string): WebSpec => ({ kind: 'web', url, method: 'POST', headers: [], body: null, jsonBody: null, timeoutMs: 1000, jsonPath: null, insecure: false, oauth2: null });

  it('knows where each metric goes before its args are resolved: --prometheus-address, the address, ARGO_ROLLOUTS_PROMETHEUS_ADDRESS', () => {
    const env = { clock: new FakeClock(), via: 'direct' as const, env: {} };
    const specs = [prometheus({ address: 'http://a:9090' }), prometheus({ address: '{{args.prom}}' }), prometheus({ address: null }), webSpec('http://w/x'), webSpec('{{args.url}}')];
    expect(new MetricProviders(env).endpoints(specs)).toEqual(['http://a:9090', 'http://w/x']);
    expect(new MetricProviders(env, { prometheus: { addressFallback: 'http://f:9090' } }).endpoints(specs)).toEqual(['http://a:9090', 'http://f:9090', 'http://w/x']);
    expect(new MetricProviders(env, { prometheus: { addressOverride: 'http://o:9090' } }).endpoints(specs)).toEqual(['http://o:9090', 'http://w/x']);
  });

  it('pings each distinct endpoint once: Prometheus with vector(1), a web URL without sending it', async () => {
    const providers = new MetricProviders({ clock: new FakeClock(), via: 'direct', env: {} });
    const probes = providers.probes([prometheus({ address: server.url, query: 'up' }), prometheus({ address: server.url, query: 'down' }), webSpec(`${server.url}/hook`)]);
    expect(probes.map((p) => [p.name, p.endpoint])).toEqual([
      ['prometheus', server.url],
      ['web', `${server.url}/hook`],
    ]);
    const signal = new AbortController().signal;
    expect(await probes[0]!.run(signal)).toEqual({ ok: true, message: `${server.url} answers` });
    expect(await probes[1]!.run(signal)).toEqual({ ok: true, message: `${server.url}/hook: not asked before the run (a web request may not be safe to repeat)` });
    expect(server.requests.map((r) => [r.path, r.query.get('query')])).toEqual([['/api/v1/query', 'vector(1)']]);
  });

  it('a ping that fails says what to do', async () => {
    server.handle((_req, res) => json(res, 403, { kind: 'Status', message: 'forbidden', reason: 'Forbidden', code: 403 }));
    const providers = new MetricProviders({ clock: new FakeClock(), via: 'auto', resolvesHost: async () => false, env: {} });
    const [prom, hook] = providers.probes([prometheus({ address: server.url }), webSpec('http://hooks.tests.svc:8080/x')]);
    const signal = new AbortController().signal;
    expect(await prom!.run(signal)).toEqual({ ok: false, message: `Prometheus ${server.url}: query failed: 403 Forbidden: forbidden`, hint: 'check the address, or pass --prometheus-address' });
    expect(await hook!.run(signal)).toMatchObject({ ok: false, message: expect.stringMatching(/^web http:\/\/hooks\.tests\.svc:8080\/x is an in-cluster address that does not resolve here/) });
  });

  it('pings each of issue 20\'s providers once per endpoint, as preflight asks them (Datadog, New Relic, CloudWatch, Graphite, InfluxDB)', async () => {
    server.handle(pingAnswers);
    const providers = new MetricProviders({ clock: new FakeClock(), via: 'direct', env: pingEnv() });
    const probes = providers.probes([...PING_SPECS(), { ...DATADOG, query: 'avg:mem{*}' }, { kind: 'graphite', address: '{{args.graphite}}', query: 'target=a.b' }]);
    expect(probes.map((p) => [p.name, p.endpoint])).toEqual([
      ['datadog', 'datadog (DD_API_KEY or Secret datadog)'],
      ['newRelic', 'newRelic (NEW_RELIC_API_KEY or Secret newrelic)'],
      ['cloudWatch', 'cloudWatch (AWS credential chain)'],
      ['graphite', server.url],
      ['influxdb', 'influxdb (INFLUX_HOST or Secret influxdb)'],
    ]);
    const signal = new AbortController().signal;
    const answers = [];
    for (const p of probes) answers.push(await p.run(signal));
    expect(answers).toEqual([
      { ok: true, message: 'the API key is valid' },
      { ok: true, message: 'NerdGraph answers for the account' },
      { ok: true, message: 'AWS credentials valid (arn:aws:iam::1:user/ci, from environment (AWS_ACCESS_KEY_ID))' },
      { ok: true, message: `${server.url} answers` },
      { ok: true, message: 'the query API answers' },
    ]);
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/validate', '/graphql', '/', '/render', '/api/v2/query']);
  });

  describe('each provider\'s ping is as patient as Prometheus\'s (src/providers/ping.ts)', () => {
    /** Ping's waits return at once and are recorded; longer sleeps (request timeouts) end with their request. */
    const instantClock = () => {
      const slept: number[] = [];
      const sleep = (ms: number, signal?: AbortSignal) =>
        ms >= 10_000 ? new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true })) : Promise.resolve(void slept.push(ms));
      return { slept, clock: { now: () => Date.UTC(2026, 0, 1), sleep } };
    };
    const KINDS = ['datadog', 'newRelic', 'cloudWatch', 'graphite', 'influxdb'];
    const specOf = (kind: string) => PING_SPECS().find((s) => s.kind === kind)!;

    it.each(KINDS)('%s: 503 twice, then the answer: asked three times, 1 s and 2 s apart', async (kind) => {
      let n = 0;
      server.handle((req, res) => (n++ < 2 ? json(res, 503, { errors: ['unavailable'] }) : pingAnswers(req, res)));
      const { slept, clock } = instantClock();
      const [probe] = new MetricProviders({ clock, via: 'direct', env: pingEnv() }).probes([specOf(kind)]);
      expect(await probe!.run(new AbortController().signal)).toMatchObject({ ok: true });
      expect({ requests: server.requests.length, slept }).toEqual({ requests: 3, slept: [1000, 2000] });
    });

    it.each(KINDS)('%s: a refusal (403) is not asked again', async (kind) => {
      server.handle((_req, res) => json(res, 403, { errors: ['forbidden'] }));
      const { slept, clock } = instantClock();
      const [probe] = new MetricProviders({ clock, via: 'direct', env: pingEnv() }).probes([specOf(kind)]);
      expect(await probe!.run(new AbortController().signal)).toMatchObject({ ok: false, message: expect.stringContaining('403') });
      expect({ requests: server.requests.length, slept }).toEqual({ requests: 1, slept: [] });
    });
  });

  it.each([
    ['datadog', '10s (requestTimeout)'],
    ['newRelic', '15s'],
    ['cloudWatch', '30s'],
    ['graphite', '10s'],
    ['influxdb', '30s'],
  ])('%s: a backend that never answers is an Error measurement after %s (Argo\'s client timeouts)', async (kind, after) => {
    server.handle(() => undefined);
    const slept: number[] = [];
    // Every wait ends at once: the request's deadline passes as soon as it is set.
    const clock = { now: () => Date.UTC(2026, 0, 1), sleep: (ms: number) => Promise.resolve(void slept.push(ms)) };
    const spec = PING_SPECS().find((s) => s.kind === kind)!;
    const r = await new MetricProviders({ clock, via: 'direct', env: pingEnv() }).measure(spec, new AbortController().signal, { run: 'r', metric: 'm' });
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(new RegExp(`: no answer within ${after.replace(/[()]/g, '\\$&')}$`)) });
    expect(r.ok ? null : r.transient).toEqual({ afterMs: null });
    expect(slept).toContain(Number(/^\d+/.exec(after)![0]) * 1000);
  });

  it('asks for get on a credentials Secret only when the credentials are not in the environment (CI without Secret access)', () => {
    const datadog: DatadogSpec = { kind: 'datadog', apiVersion: 'v1', interval: '5m', query: 'q', queries: null, formula: null, aggregator: null, secretRef: { name: null, namespaced: false }, requestTimeout: '10s' };
    const specs = [datadog, { kind: 'newRelic' as const, profile: null, query: 'q', timeout: null }, { kind: 'influxdb' as const, profile: null, query: 'q' }];
    const secretsAsked = (env: NodeJS.ProcessEnv, list = specs) => new MetricProviders({ clock: new FakeClock(), via: 'direct', env }).permissions(list, 'apps').map((p) => `${p.verb} ${p.resource}: ${p.why}`);
    expect(secretsAsked({})).toEqual(['get secrets: Datadog keys (Secret datadog)']);
    expect(secretsAsked({}, specs.slice(1))).toEqual(['get secrets: New Relic settings (Secret newrelic)']);
    const all = { DD_API_KEY: 'a', DD_APP_KEY: 'b', NEW_RELIC_API_KEY: 'c', NEW_RELIC_ACCOUNT_ID: '1', INFLUX_HOST: 'http://i', INFLUX_TOKEN: 't', INFLUX_ORG: 'o' };
    expect(secretsAsked(all)).toEqual([]);
    expect(secretsAsked({ ...all, INFLUX_ORG: '' }, specs.slice(2))).toEqual(['get secrets: InfluxDB settings (Secret influxdb)']);
    // A metric that names its Secret reads it whatever the environment holds, as Argo does.
    expect(secretsAsked(all, [{ ...datadog, secretRef: { name: 'dd-prod', namespaced: true } }])).toEqual(['get secrets: Datadog keys (Secret dd-prod)']);
  });
});
