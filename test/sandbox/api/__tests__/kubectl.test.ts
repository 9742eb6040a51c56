import { execFile, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServer } from '../index.js';
import { get, post, startSandbox } from './helpers.js';

const KUBECTL = '/usr/bin/kubectl';
const haveKubectl = existsSync(KUBECTL);
const describeKubectl = haveKubectl ? describe : describe.skip;
if (!haveKubectl) describe('real kubectl against the sandbox', () => it.skip(`SKIPPED: ${KUBECTL} not found (install kubectl 1.32 to run them)`, () => undefined));

let server: ApiServer;
let bare: ApiServer;
let dir: string;
const timings: { args: string; ms: number }[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(target: ApiServer, ...args: string[]): Promise<Run> {
  const kubeconfig = join(dir, target === server ? 'kubeconfig' : 'kubeconfig-bare');
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      // HOME points away from the user's ~/.kube; nothing but the kubeconfig reaches kubectl.
      { timeout: 20000, env: { PATH: process.env['PATH'] ?? '/usr/bin', HOME: dir } },
      (err, stdout, stderr) => {
        timings.push({ args: `${target === server ? '' : '[no SMI] '}${args.join(' ')}`, ms: Date.now() - started });
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web, track: stable}
  template:
    metadata:
      labels: {app: web, track: stable}
    spec:
      containers:
      - name: web
        image: ghcr.io/mccutchen/go-httpbin:2.17
        ports:
        - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
`;

const TRAFFIC_SPLIT = `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: web, namespace: apps}
spec:
  service: web
  backends:
  - {service: web-stable, weight: 100}
  - {service: web-canary, weight: 0}
`;

beforeAll(async () => {
  if (!haveKubectl) return;
  dir = await mkdtemp(join(tmpdir(), 'sandbox-kubectl-'));
  const t0 = Date.now();
  server = await startSandbox({ apis: { smi: ['v1alpha1', 'v1alpha2'] } });
  timings.push({ args: '(sandbox start-up, TLS included)', ms: Date.now() - t0 });
  bare = await startSandbox({ apis: {} });
  await server.writeKubeconfig(join(dir, 'kubeconfig'));
  await bare.writeKubeconfig(join(dir, 'kubeconfig-bare'));
  await writeFile(join(dir, 'app.yaml'), MANIFESTS);
  await writeFile(join(dir, 'ts.yaml'), TRAFFIC_SPLIT);
});

afterAll(async () => {
  if (!haveKubectl) return;
  await server.close();
  await bare.close();
  await rm(dir, { recursive: true, force: true });
  const kubectlRuns = timings.filter((t) => !t.args.startsWith('('));
  const mean = kubectlRuns.reduce((a, t) => a + t.ms, 0) / Math.max(kubectlRuns.length, 1);
  // Tests print nothing on success: the timings go to a file when asked (TEST_FIGURES=/tmp/figures.txt).
  const figures = process.env.TEST_FIGURES;
  if (figures) appendFileSync(figures, `kubectl wall time per call (ms):\n${timings.map((t) => `${String(t.ms).padStart(6)}  ${t.args}`).join('\n')}\n  mean ${mean.toFixed(0)} ms over ${kubectlRuns.length} calls\n`);
});

describeKubectl('real kubectl 1.32 against the sandbox', () => {
  it('creates a namespace (protobuf request body)', async () => {
    const r = await kubectl(server, 'create', 'namespace', 'apps');
    expect(r).toMatchObject({ code: 0, stdout: 'namespace/apps created\n' });
  });

  it('applies a Deployment and a Service, then finds them unchanged', async () => {
    const first = await kubectl(server, 'apply', '-f', join(dir, 'app.yaml'));
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('deployment.apps/web created\nservice/web created\n');
    const second = await kubectl(server, 'apply', '-f', join(dir, 'app.yaml'));
    expect(second.stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
  });

  it('gets Deployments and Services with server-side printed columns', async () => {
    const r = await kubectl(server, 'get', 'deploy,svc', '-n', 'apps');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(lines[1]!.slice(0, 4)).toEqual(['deployment.apps/web', '0/1', '0', '0']);
    expect(lines[3]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(lines[4]!.slice(0, 5)).toEqual(['service/web', 'ClusterIP', expect.stringMatching(/^10\.96\./), '<none>', '80/TCP']);
  });

  it('gets TrafficSplits by short name', async () => {
    expect((await kubectl(server, 'apply', '-f', join(dir, 'ts.yaml'))).stdout).toBe('trafficsplit.split.smi-spec.io/web created\n');
    const r = await kubectl(server, 'get', 'ts', '-n', 'apps');
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines[0]).toEqual(['NAME', 'SERVICE', 'AGE']);
    expect(lines[1]!.slice(0, 2)).toEqual(['web', 'web']);
  });

  it('says so when the cluster has no such resource type', async () => {
    const r = await kubectl(bare, 'get', 'ts', '-n', 'apps');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the server doesn\'t have a resource type "ts"');
  });

  it('patches with --type merge, json and strategic', async () => {
    expect((await kubectl(server, 'patch', 'deployment', 'web', '-n', 'apps', '--type', 'merge', '-p', '{"spec":{"replicas":3}}')).stdout).toBe('deployment.apps/web patched\n');
    expect((await kubectl(server, 'patch', 'ts', 'web', '-n', 'apps', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/backends/1/weight","value":25}]')).stdout).toBe('trafficsplit.split.smi-spec.io/web patched\n');
    const smp = await kubectl(server, 'patch', 'deployment', 'web', '-n', 'apps', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"ghcr.io/mccutchen/go-httpbin:2.18"}]}}}}');
    expect(smp.stdout).toBe('deployment.apps/web patched\n');
    const again = await kubectl(server, 'patch', 'deployment', 'web', '-n', 'apps', '--type', 'strategic', '-p', '{"spec":{"replicas":3}}');
    expect(again.stdout).toBe('deployment.apps/web patched (no change)\n');
    const d = (await get(server, '/apis/apps/v1/namespaces/apps/deployments/web')).json;
    expect([d.spec.replicas, d.spec.template.spec.containers[0].image, d.spec.template.spec.containers[0].ports]).toEqual([3, 'ghcr.io/mccutchen/go-httpbin:2.18', [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]]);
    const t = (await get(server, '/apis/split.smi-spec.io/v1alpha1/namespaces/apps/trafficsplits/web')).json;
    expect(t.spec.backends[1].weight).toBe(25);
  });

  it('prints the real wording when a JSON-patch test fails and when strategic merge is refused for a custom resource', async () => {
    const test = await kubectl(server, 'patch', 'ts', 'web', '-n', 'apps', '--type', 'json', '-p', '[{"op":"test","path":"/spec/service","value":"other"}]');
    expect(test.code).toBe(1);
    expect(test.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n');
    const smp = await kubectl(server, 'patch', 'ts', 'web', '-n', 'apps', '--type', 'strategic', '-p', '{"spec":{"service":"x"}}');
    expect(smp.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json');
  });

  it('describes a Deployment with its events', async () => {
    const d = (await get(server, '/apis/apps/v1/namespaces/apps/deployments/web')).json;
    await post(server, '/api/v1/namespaces/apps/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.canary1' },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps', uid: d.metadata.uid },
      reason: 'CanaryStep',
      message: 'step 2/9: weight 10%',
      type: 'Normal',
      source: { component: 'canary' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    });
    const r = await kubectl(server, 'describe', 'deployment', 'web', '-n', 'apps');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+web$/m);
    expect(r.stdout).toMatch(/^Selector:\s+app=web,track=stable$/m);
    expect(r.stdout).toMatch(/^Replicas:\s+3 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable$/m);
    expect(r.stdout).toMatch(/Image:\s+ghcr\.io\/mccutchen\/go-httpbin:2\.18/);
    expect(r.stdout).toMatch(/Normal\s+CanaryStep\s+\S+\s+canary\s+step 2\/9: weight 10%/);
  });

  it('scales through the scale subresource and diffs with a server-side dry run', async () => {
    expect((await kubectl(server, 'scale', 'deployment', 'web', '-n', 'apps', '--replicas=4')).stdout).toBe('deployment.apps/web scaled\n');
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/web')).json.spec.replicas).toBe(4);
    const diff = await kubectl(server, 'diff', '-f', join(dir, 'app.yaml'));
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^-  replicas: 4$/m);
    expect(diff.stdout).toMatch(/^\+  replicas: 1$/m);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/web')).json.spec.replicas).toBe(4);
  });

  it('follows changes with get --watch', async () => {
    const started = Date.now();
    const child = spawn(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'configmaps', '-n', 'apps', '--watch', '--output-watch-events'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin', HOME: dir },
    });
    let out = '';
    const until = (what: string, done: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (done()) return resolve();
          if (Date.now() - started > 15000) return reject(new Error(`kubectl get --watch: no ${what}; output so far: ${out}`));
          setTimeout(check, 20);
        };
        check();
      });
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      // kubectl lists (nothing yet), then watches; the change must come after the watch is open.
      await until('watch request', () => server.openWatches() > 0);
      await post(server, '/api/v1/namespaces/apps/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' }, data: { a: '1' } });
      await until('line for the new ConfigMap', () => out.includes('watched'));
      expect(out).toMatch(/^ADDED\s+watched\s+1\s+\d+s$/m);
    } finally {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      timings.push({ args: 'get configmaps -n apps --watch --output-watch-events (until the event)', ms: Date.now() - started });
    }
  });

  it('answers kubectl auth can-i from the authorizer rules', async () => {
    expect(await kubectl(server, 'auth', 'can-i', 'patch', 'deployments', '-n', 'apps')).toMatchObject({ code: 0, stdout: 'yes\n' });
    server.authorizer.setRules([{ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] }]);
    try {
      expect(await kubectl(server, 'auth', 'can-i', 'patch', 'deployments', '-n', 'apps')).toMatchObject({ code: 1, stdout: 'no\n' });
      const denied = await kubectl(server, 'patch', 'deployment', 'web', '-n', 'apps', '--type', 'merge', '-p', '{"spec":{"replicas":1}}');
      expect(denied.stderr).toContain('Error from server (Forbidden): deployments.apps "web" is forbidden: User "canary-user" cannot patch resource "deployments" in API group "apps" in the namespace "apps"');
    } finally {
      server.authorizer.allowAll();
    }
  });

  it('reads raw discovery', async () => {
    const r = await kubectl(server, 'get', '--raw', '/apis');
    expect(JSON.parse(r.stdout).groups.map((g: { name: string }) => g.name)).toContain('split.smi-spec.io');
  });

  it('deletes', async () => {
    expect((await kubectl(server, 'delete', 'deployment', 'web', '-n', 'apps')).stdout).toBe('deployment.apps "web" deleted\n');
    expect((await kubectl(server, 'delete', '-f', join(dir, 'ts.yaml'))).stdout).toBe('trafficsplit.split.smi-spec.io "web" deleted\n');
    const left = await kubectl(server, 'get', 'deploy,ts', '-n', 'apps');
    expect(left.stderr).toBe('No resources found in apps namespace.\n');
  });
});
