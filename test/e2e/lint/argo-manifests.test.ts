/**
 * The built binary on Argo Rollouts' own manifests (copies in test/manifests/argo-examples/) and on
 * an AnalysisTemplate with several metrics against a loopback server posing as Prometheus: what a
 * user sees on stdout and stderr, exit codes included. No sandbox: lint needs none, and analyze
 * reaches the address in the template directly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { expectExit, killAll, runCanary } from '../support/harness.js';

const ARGO = 'test/manifests/argo-examples';
let dir: string;
let server: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canary-e2e-lint-'));
  // `vector(N)` answers N.
  server = createServer((req, res) => {
    const n = /vector\((\d+)\)/.exec(decodeURIComponent(new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? ''))?.[1] ?? '0';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1767268800, n] }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(killAll);
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('canary lint, the binary, on Argo manifests', () => {
  it('an unquoted {{args.x}}: a located error and no Node warning on stderr (exit 2)', async () => {
    const r = await runCanary(null, ['lint', `${ARGO}/examples/traffic-management/rollout-linkerd.yaml`]);
    expectExit(r, 2);
    expect(r.stdout).toContain('rollout-linkerd.yaml:101:38: spec.metrics[0].provider.job.spec.template.metadata.annotations["linkerd.io/inject"]: {{args.linkerd-enabled}} without quotes is a YAML mapping, not text: quote it: "{{args.linkerd-enabled}}"');
    expect(r.stderr).toBe('');
  });

  it('an Istio Rollout with setCanaryScale steps: clean since canary routes with Istio (exit 0)', async () => {
    const r = await runCanary(null, ['lint', `${ARGO}/test/e2e/istio/istio-rollout-abort-delete-all-canary-pods.yaml`]);
    expectExit(r, 0);
    expect(r.stdout).toContain('✔ 0 errors, 0 warnings in 1 file (1 Rollout, 0 AnalysisTemplates, 2 Services)');
    expect(r.stderr).toBe('');
  });

  it('an App Mesh Rollout: one message, the router, at its field (exit 2)', async () => {
    const r = await runCanary(null, ['lint', `${ARGO}/test/e2e/appmesh/appmesh-canary-rollout.yaml`]);
    expectExit(r, 2);
    expect(r.stdout.match(/^\S+:\d+:\d+: .*/gm)).toEqual([
      expect.stringMatching(/^test\/manifests\/argo-examples\/test\/e2e\/appmesh\/appmesh-canary-rollout\.yaml:153:9: spec\.strategy\.canary\.trafficRouting\.appMesh: not supported by canary: App Mesh traffic routing/),
    ]);
    expect(r.stderr).toBe('');
  });

  it('a Rollout with its web AnalysisTemplate, as Argo\'s e2e applies them: clean (exit 0)', async () => {
    const r = await runCanary(null, ['lint', `${ARGO}/test/e2e/functional/rollout-background-analysis.yaml`, `${ARGO}/test/e2e/functional/analysistemplate-web-background.yaml`]);
    expectExit(r, 0);
    expect(r.stdout).toContain('✔ 0 errors, 0 warnings in 2 files (1 Rollout, 1 AnalysisTemplate, 0 Services)');
  });

  it('a file with nothing canary reads: exit 2, saying so', async () => {
    writeFileSync(join(dir, 'empty.yaml'), '# nothing\n');
    const r = await runCanary(null, ['lint', join(dir, 'empty.yaml')]);
    expectExit(r, 2);
    expect(r.stdout).toMatch(/empty\.yaml:1:1: no Rollout, AnalysisTemplate or ClusterAnalysisTemplate in the file given/);
  });
});

describe('canary analyze, the binary, with several metrics', () => {
  const template = (order: string[]) => {
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const metric = (name: string) => ({
      name,
      count: 1,
      successCondition: 'result[0] == 0',
      failureCondition: 'result[0] > 2',
      provider: { prometheus: { address, query: name === 'unsure' ? 'vector(2)' : 'vector(3)' } },
    });
    const file = join(dir, `${order.join('-')}.yaml`);
    writeFileSync(file, stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'several' }, spec: { metrics: order.map(metric) } }));
    return file;
  };

  it.each([[['unsure', 'bad']], [['bad', 'unsure']]])('%p: Failed (exit 1), as Argo, whichever is listed first', async (order) => {
    const r = await runCanary(null, ['analyze', template(order)], { HOME: dir });
    expectExit(r, 1);
    expect(r.stdout).toMatch(/✖ AnalysisTemplate several: Failed: metric bad: result \[3\] matched failureCondition "result\[0\] > 2"/);
  });
});
