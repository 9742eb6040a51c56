/**
 * `canary analyze` end to end in-process, against a loopback server posing as Prometheus: the
 * verdict of several metrics (the worst, whatever the order), now() in conditions, and args given
 * with --arg in place of a Secret. Regression tests for issue 13 items 1-3.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, type TestServer } from '../providers/test-server.js';
import { runCli } from '../support/cli.js';

let dir: string;
let prometheus: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-analyze-'));
  prometheus = await startServer();
  // Each query is a number: `vector(N)` answers N; anything else is a 500.
  prometheus.handle((req, res) => {
    const n = /^vector\((\d+)\)$/.exec(req.query.get('query') ?? '');
    res.setHeader('Content-Type', 'application/json');
    if (!n) {
      res.statusCode = 500;
      res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'no such series' }));
      return;
    }
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1767268800, n[1]] }] } }));
  });
});
afterAll(async () => {
  await prometheus.close();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH, HOME: dir });

interface MetricDoc {
  name: string;
  query: string;
  successCondition?: string;
  failureCondition?: string;
  consecutiveErrorLimit?: number;
}

async function template(name: string, metrics: MetricDoc[], args: unknown[] = []): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const doc = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      ...(args.length ? { args } : {}),
      metrics: metrics.map(({ query, ...m }) => ({ count: 1, ...m, provider: { prometheus: { address: prometheus.url, query } } })),
    },
  };
  await writeFile(file, stringify(doc));
  return file;
}

/** `unsure` answers 2 (neither condition holds), `bad` answers 3 (its failureCondition holds). */
const unsure: MetricDoc = { name: 'unsure', query: 'vector(2)', successCondition: 'result[0] == 0', failureCondition: 'result[0] > 2' };
const bad: MetricDoc = { name: 'bad', query: 'vector(3)', successCondition: 'result[0] == 0', failureCondition: 'result[0] > 2' };
const broken: MetricDoc = { name: 'broken', query: 'up{', successCondition: 'result[0] == 0', consecutiveErrorLimit: 0 };

describe('canary analyze with several metrics (issue 13 item 1)', () => {
  it.each([
    ['unsure, bad', [unsure, bad]],
    ['bad, unsure', [bad, unsure]],
    ['broken, bad', [broken, bad]],
    ['bad, broken', [bad, broken]],
  ])('%s: Failed (exit 1), as Argo: every metric measured, the worst wins', async (label, metrics) => {
    const file = await template(`several-${label.replace(/\W+/g, '-')}`, metrics);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ AnalysisTemplate \S+: Failed: metric bad: result \[3\] matched failureCondition/);
    for (const m of metrics) expect(r.stdout).toMatch(new RegExp(`^\\S+Z ${m.name} (Inconclusive|Failed|Error) `, 'm'));
  });

  it('Inconclusive and Successful: Inconclusive (exit 7)', async () => {
    const file = await template('unsure-good', [unsure, { name: 'good', query: 'vector(0)', successCondition: 'result[0] == 0' }]);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/Inconclusive: metric unsure: result \[2\] matched neither successCondition/);
  });
});

describe('canary analyze, now() in a condition (issue 13 item 2)', () => {
  it('is evaluated with the time of the measurement instead of failing every measurement', async () => {
    const file = await template('now', [{ name: 'fresh', query: 'vector(0)', successCondition: 'result[0] == 0 && now() > now() - duration("5m")' }]);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.stdout).not.toContain('now() is not available');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fresh Successful \[0\]/);
  });
});

describe('canary analyze --arg for an arg read from a Secret (issue 13 item 3)', () => {
  const secretArg = { name: 'token', valueFrom: { secretKeyRef: { name: 'prometheus', key: 'token' } } };

  it('uses the value given, with no kubeconfig, and never prints it', async () => {
    const file = await template('secret-arg', [{ name: 'authed', query: 'vector(0)', successCondition: 'result[0] == 0 && "{{args.token}}" != ""' }], [secretArg]);
    const r = await runCli(['analyze', file, '--arg', 'token=s3cr3t-v4lue'], { env: env() });
    expect(r.stderr).not.toContain('no kubeconfig');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-v4lue');
  });

  it('still refuses without the value, saying how to give it', async () => {
    const file = await template('secret-arg-missing', [{ name: 'authed', query: 'vector(0)', successCondition: 'result[0] == 0 && "{{args.token}}" != ""' }], [secretArg]);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reads args from Secrets \(token\), and there is no kubeconfig/);
    expect(r.stderr).toMatch(/--arg token=VALUE/);
  });
});
