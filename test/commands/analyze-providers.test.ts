/**
 * Issue 20's "done when": each provider's example AnalysisTemplate (examples/providers/) lints
 * clean, and `canary analyze` against a stub of the provider's API gives Successful (exit 0),
 * Failed (exit 1) or Error (exit 1, after consecutiveErrorLimit) as Argo would for the same
 * answers. The stubs answer in the vendors' documented formats (test/providers/* test each one in
 * detail); credentials come from the environment, as on a workstation. The job example runs
 * against the sandbox's API server with its Job controller and kubelet.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeSandbox, type KubeSandbox } from '../kube/support/sandbox.js';
import { startWorkloads, type Workloads } from '../sandbox/world/deployments/index.js';
import { json, startServer, type Recorded, type TestServer } from '../providers/test-server.js';
import { KEY, xml } from '../providers/aws/aws-stub.js';
import { runCli } from '../support/cli.js';

type Mode = 'good' | 'bad' | 'broken';
let server: TestServer;
let mode: Mode = 'good';
let answer: (req: Recorded, res: http.ServerResponse) => void = () => undefined;
beforeAll(async () => {
  server = await startServer();
  server.handle((req, res) => {
    if (mode === 'broken') return json(res, 503, { errors: ['service unavailable'] });
    answer(req, res);
  });
});
afterAll(() => server.close());

const example = (name: string) => join(process.cwd(), 'examples', 'providers', name);
const base = () => ({ PATH: process.env.PATH, HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' });

interface Case {
  file: string;
  args: string[];
  env: () => NodeJS.ProcessEnv;
  answer: (m: Mode) => (req: Recorded, res: http.ServerResponse) => void;
}

const CASES: Record<string, Case> = {
  datadog: {
    file: 'datadog.yaml',
    args: ['service-name=checkout'],
    env: () => ({ DD_API_KEY: 'api', DD_APP_KEY: 'app', DD_ADDRESS: server.url }),
    answer: (m) => (_req, res) => json(res, 200, { data: { type: 'scalar_response', attributes: { columns: [{ name: 'errors / hits', type: 'number', values: [m === 'good' ? 0.01 : 0.2] }] } } }),
  },
  newRelic: {
    file: 'newrelic.yaml',
    args: ['application-name=checkout'],
    env: () => ({ NEW_RELIC_API_KEY: 'NRAK-x', NEW_RELIC_ACCOUNT_ID: '1', NEW_RELIC_BASE_URL_NERDGRAPH: `${server.url}/graphql` }),
    answer: (m) => (_req, res) => json(res, 200, { data: { actor: { account: { nrql: { results: [{ errorRate: m === 'good' ? 0.5 : 12 }] } } } } }),
  },
  cloudWatch: {
    file: 'cloudwatch.yaml',
    args: ['load-balancer=app/checkout/50dc6c495c0c9188'],
    env: () => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: server.url }),
    answer: (m) => (_req, res) =>
      xml(
        res,
        200,
        `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults><member><Id>rate</Id><Label>rate</Label><StatusCode>Complete</StatusCode><Timestamps><member>2026-01-01T12:00:00Z</member></Timestamps><Values><member>${m === 'good' ? 0.001 : 0.07}</member></Values></member></MetricDataResults></GetMetricDataResult></GetMetricDataResponse>`,
      ),
  },
  graphite: {
    file: 'graphite.yaml',
    args: ['service-name=checkout', `graphite-address=${'{server}'}`],
    env: () => ({}),
    answer: (m) => (_req, res) => json(res, 200, [{ target: 'summarize(asPercent(...))', datapoints: [[m === 'good' ? 0.4 : 9.5, 1767268500], [null, 1767268800]] }]),
  },
  influxdb: {
    file: 'influxdb.yaml',
    args: ['service-name=checkout'],
    env: () => ({ INFLUX_HOST: server.url, INFLUX_TOKEN: 'tok', INFLUX_ORG: 'org' }),
    answer: (m) => (_req, res) => {
      res.setHeader('Content-Type', 'text/csv');
      res.end(`#datatype,string,long,long\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0,${m === 'good' ? 2 : 40}\n`);
    },
  },
  'prometheus (sigv4)': {
    file: 'amazon-managed-prometheus.yaml',
    args: ['service-name=checkout', `workspace-url=${'{server}'}/workspaces/ws-1`],
    env: () => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey }),
    answer: (m) => (req, res) =>
      String(req.headers['authorization']).startsWith('AWS4-HMAC-SHA256 ')
        ? json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1767268800, m === 'good' ? '0.999' : '0.9'] }] } })
        : json(res, 403, { message: 'Missing Authentication Token' }),
  },
};

describe.each(Object.entries(CASES))('%s example', (_name, c) => {
  const args = () => c.args.flatMap((a) => ['--arg', a.replace('{server}', server.url)]);
  const analyze = (m: Mode) => {
    mode = m;
    answer = c.answer(m);
    // Minutes become milliseconds: the example's count and failureLimit apply as written.
    return runCli(['analyze', example(c.file), '--time-scale', '0.001', ...args()], { env: { ...base(), ...c.env() } });
  };

  it('lints clean', async () => {
    const r = await runCli(['lint', example(c.file)], { env: base() });
    expect([r.code, r.stdout.trim()]).toEqual([0, '✔ 0 errors, 0 warnings in 1 file (0 Rollouts, 1 AnalysisTemplate, 0 Services)']);
  });

  it('a good answer is Successful (exit 0)', async () => {
    const r = await analyze('good');
    expect(r.stderr).not.toMatch(/warning|error:/i);
    expect(r.stdout).toMatch(/✔ AnalysisTemplate \S+: Successful$/m);
    expect(r.code).toBe(0);
  });

  it('a bad answer is Failed (exit 1)', async () => {
    const r = await analyze('bad');
    expect(r.stdout).toMatch(/✖ AnalysisTemplate \S+: Failed: metric \S+: result \S+ did not match successCondition ".+" \(failed 2 > failureLimit 1\)/);
    expect(r.code).toBe(1);
  });

  it('a provider that keeps failing is Error (exit 1) after consecutiveErrorLimit', async () => {
    const r = await analyze('broken');
    expect(r.stdout).toMatch(/✖ AnalysisTemplate \S+: Error: metric \S+: .*503.* \(consecutiveErrors 5 > consecutiveErrorLimit 4\)/);
    expect(r.code).toBe(1);
  });
});

describe('job example (against the sandbox\'s API server, Job controller and kubelet)', () => {
  let sb: KubeSandbox;
  let world: Workloads;
  let kubeconfig: string;
  beforeAll(async () => {
    sb = await kubeSandbox();
    world = startWorkloads({ store: sb.store, podStartDelayMs: 5, log: () => undefined });
    kubeconfig = join(await mkdtemp(join(tmpdir(), 'canary-job-')), 'kubeconfig');
    await writeFile(kubeconfig, sb.api.kubeconfig());
  });
  afterAll(async () => {
    world.close();
    await sb.close();
  });
  afterEach(() => sb.api.authorizer.allowAll());
  const analyze = (image: string) =>
    runCli(['analyze', example('job.yaml'), '-n', 'apps', '--time-scale', '0.001', '--arg', 'service-name=myapp-canary', '--arg', `image=${image}`], { env: { ...base(), KUBECONFIG: kubeconfig } });

  it('lints clean', async () => {
    const r = await runCli(['lint', example('job.yaml')], { env: base() });
    expect([r.code, r.stdout.trim()]).toEqual([0, '✔ 0 errors, 0 warnings in 1 file (0 Rollouts, 1 AnalysisTemplate, 0 Services)']);
  });

  it('a Job that completes is Successful (exit 0)', async () => {
    const r = await analyze('curlimages/curl:8.10.1');
    expect(r.stdout).toMatch(/smoke-test Successful Complete/);
    expect(r.code).toBe(0);
  });

  it('a Job that fails is Failed (exit 1)', async () => {
    const r = await analyze('curlimages/curl:fail');
    expect(r.stdout).toMatch(/✖ AnalysisTemplate smoke-test: Failed: metric smoke-test: Job apps\/smoke-test-smoke-test-1-[0-9a-f]{5} failed: BackoffLimitExceeded: Job has reached the specified backoff limit \(failed 1 > failureLimit 0\)/);
    expect(r.code).toBe(1);
  });

  it('a Job that cannot be created is Error (exit 1) after consecutiveErrorLimit', async () => {
    sb.api.authorizer.setRules([]);
    const r = await analyze('curlimages/curl:8.10.1');
    expect(r.stdout).toMatch(/✖ AnalysisTemplate smoke-test: Error: metric smoke-test: job create \S+ failed: forbidden: canary needs create on jobs.batch in apps .* \(consecutiveErrors 5 > consecutiveErrorLimit 4\)/);
    expect(r.code).toBe(1);
  });
});

describe('analyze --dry-run describes each example without asking anything', () => {
  it.each([
    ['datadog.yaml', ['service-name=checkout'], /^error-rate: datadog v2 over the last 5m, aggregator sum\n  queries: errors=sum:trace\.http\.request\.errors\{service:checkout\}\.as_count\(\), hits=.*; formula: errors \/ hits\n  every 1m, count 5; success: default\(result, 0\) < 0\.05; failureLimit 1/],
    ['cloudwatch.yaml', ['load-balancer=app/x/1'], /^error-rate: cloudWatch GetMetricData over the last 5m\n  rate: errors \/ requests\n  errors: Sum of AWS\/ApplicationELB\/HTTPCode_Target_5XX_Count/],
    ['job.yaml', ['service-name=myapp-canary'], /^smoke-test: job: curlimages\/curl:8\.10\.1\n  once; Successful when the Job completes, Failed when it fails; failureLimit 0/],
    ['amazon-managed-prometheus.yaml', ['service-name=checkout'], /^success-rate: prometheus https:\/\/aps-workspaces\.eu-west-1\.amazonaws\.com\/workspaces\/\S+ \(SigV4-signed\)\n  query: sum\(rate\(http_requests_total\{service="checkout"/],
  ])('%s', async (file, args, expected) => {
    const r = await runCli(['analyze', example(file), '--dry-run', ...args.flatMap((a) => ['--arg', a])], { env: base() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
  });
});
