/**
 * Issue 20's "done when": each provider's example AnalysisTemplate (examples/providers/) lints
 * clean, and `canary analyze` against a stub of the provider's API gives Successful (exit 0),
 * Failed (exit 1) or Error (exit 1, after consecutiveErrorLimit) as Argo would for the same
 * answers. The stubs answer in the vendors' documented formats (test/providers/* test each one in
 * detail); credentials come from the environment, as on a workstation. The job example runs
 * against the sandbox's API server with its Job controller and kubelet.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeSandbox, seed, typeOf, type KubeSandbox } from '../kube/support/sandbox.js';
import { startWorkloads, type Workloads } from '../sandbox/world/deployments/index.js';
import { startServer, type TestServer } from '../providers/test-server.js';
import { PROVIDER_STUBS, stubArgs, stubHandler, type StubMode } from '../support/provider-stubs.js';
import { runCli } from '../support/cli.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const example = (name: string) => join(process.cwd(), 'examples', 'providers', name);
const base = () => ({ PATH: process.env.PATH, HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' });

describe.each(Object.entries(PROVIDER_STUBS))('%s example', (_name, stub) => {
  const analyze = async (mode: StubMode) => {
    server.handle(stubHandler(stub, mode));
    // Minutes become milliseconds: the example's count and failureLimit apply as written.
    const r = await runCli(['analyze', example(stub.file), '--time-scale', '0.001', ...stubArgs(stub, server.url)], { env: { ...base(), ...stub.env(server.url) } });
    for (const secret of stub.secrets) expect(r.stdout + r.stderr).not.toContain(secret);
    return r;
  };

  it('lints clean', async () => {
    const r = await runCli(['lint', example(stub.file)], { env: base() });
    expect([r.code, r.stdout.trim()]).toEqual([0, '✔ 0 errors, 0 warnings in 1 file (0 Rollouts, 1 AnalysisTemplate, 0 Services)']);
  });

  it('a good answer to the documented request is Successful (exit 0)', async () => {
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

  it('a provider that keeps failing is Error (exit 1) after consecutiveErrorLimit, printing none of the credentials it quotes', async () => {
    const r = await analyze('broken');
    expect(r.stdout).toMatch(/✖ AnalysisTemplate \S+: Error: metric \S+: .*503.* \(consecutiveErrors 5 > consecutiveErrorLimit 4\)/);
    expect(r.code).toBe(1);
  });
});

describe('credentials from the Secret Argo\'s docs name, in the namespace analyzed (-n), read through the API server', () => {
  let sb: KubeSandbox;
  let kubeconfig: string;
  beforeAll(async () => {
    sb = await kubeSandbox();
    kubeconfig = join(await mkdtemp(join(tmpdir(), 'canary-secrets-')), 'kubeconfig');
    await writeFile(kubeconfig, sb.api.kubeconfig());
  });
  afterAll(() => sb.close());

  const withSecrets = Object.entries(PROVIDER_STUBS).filter(([, stub]) => stub.secret);
  it('covers every provider that reads a Secret', () => {
    expect(withSecrets.map(([name]) => name)).toEqual(['datadog', 'newRelic', 'influxdb']);
  });

  it.each(withSecrets)('%s: its Secret in apps, nothing in the environment: Successful', async (_name, stub) => {
    const { name, stringData } = stub.secret!(server.url);
    const data = Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    seed(sb, 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'apps' }, type: 'Opaque', data });
    server.handle(stubHandler(stub, 'good'));
    const r = await runCli(['analyze', example(stub.file), '-n', 'apps', '--time-scale', '0.001', ...stubArgs(stub, server.url)], { env: { ...base(), KUBECONFIG: kubeconfig } });
    expect({ code: r.code, last: r.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: expect.stringMatching(/^✔ AnalysisTemplate \S+: Successful$/) });
    for (const secret of stub.secrets) expect(r.stdout + r.stderr).not.toContain(secret);
    sb.store.delete(typeOf(sb, 'secrets'), 'apps', name);
  });

  it('without the Secret or the environment, each measurement is an Error naming where it looked (exit 1)', async () => {
    const stub = PROVIDER_STUBS['datadog']!;
    const r = await runCli(['analyze', example(stub.file), '-n', 'apps', '--time-scale', '0.001', ...stubArgs(stub, server.url)], { env: { ...base(), KUBECONFIG: kubeconfig } });
    expect(r.stdout).toMatch(/✖ AnalysisTemplate datadog-error-rate: Error: metric error-rate: failed to find the credentials for datadog metrics provider: Secret apps\/datadog not found, and DD_API_KEY and DD_APP_KEY are not set \(consecutiveErrors 5 > consecutiveErrorLimit 4\)/);
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
    ['newrelic.yaml', ['application-name=checkout'], /^error-rate: newRelic \(NEW_RELIC_API_KEY\/NEW_RELIC_ACCOUNT_ID, or Secret newrelic\)\n  query: FROM Transaction SELECT .* WHERE appName = 'checkout' SINCE 5 minutes ago\n  every 1m, count 5; success: result\.errorRate < 5; failureLimit 1/],
    ['graphite.yaml', ['service-name=checkout'], /^error-rate: graphite http:\/\/graphite\.monitoring\.svc\.cluster\.local:80\n  query: target=summarize\(asPercent\(sumSeries\(stats\.timers\.httpServerRequests\.app\.checkout\.status\.5\*\.count\),sumSeries\(.*\)\),'5min','avg'\)&from=-5min&until=now\n/],
    ['influxdb.yaml', ['service-name=checkout'], /^errors: influxdb \(INFLUX_HOST\/INFLUX_TOKEN\/INFLUX_ORG, or Secret influxdb\)\n  query: from\(bucket: "app"\)\n[\s\S]*r\.service == "checkout"/],
    ['amazon-managed-prometheus.yaml', ['service-name=checkout'], /^success-rate: prometheus https:\/\/aps-workspaces\.eu-west-1\.amazonaws\.com\/workspaces\/\S+ \(SigV4-signed\)\n  query: sum\(rate\(http_requests_total\{service="checkout"/],
  ])('%s', async (file, args, expected) => {
    const r = await runCli(['analyze', example(file), '--dry-run', ...args.flatMap((a) => ['--arg', a])], { env: base() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
  });
});
