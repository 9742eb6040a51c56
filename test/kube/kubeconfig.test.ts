import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadKubeconfig, resolveNamespace } from '../../src/kube/kubeconfig.js';
import { KubeClient } from '../../src/kube/client.js';
import { kubeTransport } from '../../src/kube/transport.js';
import { ConfigMaps } from '../../src/kube/resources.js';
import { systemClock } from '../../src/util/clock.js';
import { UnreachableError, UsageError } from '../../src/util/errors.js';
import { kubeSandbox } from './support/sandbox.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canary-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, config: object | string): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

const cfg = (o: { clusters: [string, Record<string, unknown>][]; contexts: [string, Record<string, unknown>][]; users?: string[]; current?: string }) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: o.clusters.map(([name, cluster]) => ({ name, cluster })),
  users: (o.users ?? []).map((name) => ({ name, user: { token: `token-${name}` } })),
  contexts: o.contexts.map(([name, context]) => ({ name, context })),
  ...(o.current ? { 'current-context': o.current } : {}),
});

describe('loadKubeconfig', () => {
  it('KUBECONFIG: several files merged like kubectl (first definition and first current-context win, paths relative to each file, missing files skipped)', () => {
    const a = write(
      'a/config',
      cfg({ clusters: [['prod', { server: 'https://prod.example:6443' }]], contexts: [['prod', { cluster: 'prod', user: 'alice', namespace: 'apps' }]], users: ['alice'], current: 'prod' }),
    );
    const b = write(
      'b/config',
      cfg({
        clusters: [
          ['prod', { server: 'https://other.example:6443' }],
          ['dev', { server: 'https://dev.example:6443', 'certificate-authority': 'ca.crt' }],
        ],
        contexts: [['dev', { cluster: 'dev', user: 'bob' }]],
        users: ['bob'],
        current: 'dev',
      }),
    );
    const env = { KUBECONFIG: [a, path.join(dir, 'missing'), b].join(path.delimiter), HOME: dir };
    const prod = loadKubeconfig({ env });
    expect(prod).toMatchObject({ context: 'prod', namespace: 'apps', server: 'https://prod.example:6443' });
    expect(prod.source).toBe([a, b].join(path.delimiter));
    const dev = loadKubeconfig({ env, context: 'dev' });
    expect(dev).toMatchObject({ context: 'dev', namespace: null, server: 'https://dev.example:6443' });
    expect(dev.kc.getCurrentCluster()?.caFile).toBe(path.join(dir, 'b', 'ca.crt'));
    expect(dev.kc.getCurrentUser()?.token).toBe('token-bob');
  });

  it('--kubeconfig wins over KUBECONFIG and ~/.kube/config', () => {
    const flag = write('flag.yaml', cfg({ clusters: [['c', { server: 'https://flag:6443' }]], contexts: [['x', { cluster: 'c' }]], current: 'x' }));
    const env = write('env.yaml', cfg({ clusters: [['c', { server: 'https://env:6443' }]], contexts: [['x', { cluster: 'c' }]], current: 'x' }));
    write('.kube/config', cfg({ clusters: [['c', { server: 'https://home:6443' }]], contexts: [['x', { cluster: 'c' }]], current: 'x' }));
    expect(loadKubeconfig({ kubeconfig: flag, env: { KUBECONFIG: env, HOME: dir } }).server).toBe('https://flag:6443');
    expect(loadKubeconfig({ env: { KUBECONFIG: env, HOME: dir } }).server).toBe('https://env:6443');
    expect(loadKubeconfig({ env: { HOME: dir } }).server).toBe('https://home:6443');
    expect(() => loadKubeconfig({ kubeconfig: path.join(dir, 'nope'), env: { HOME: dir } })).toThrow(`--kubeconfig ${path.join(dir, 'nope')}: no such file`);
  });

  it('an unknown --context is a usage error listing the known contexts, before any client exists', () => {
    write('.kube/config', cfg({ clusters: [['c', { server: 'https://c:6443' }]], contexts: [['staging', { cluster: 'c' }], ['prod', { cluster: 'c' }]], current: 'prod' }));
    const err = (() => {
      try {
        loadKubeconfig({ env: { HOME: dir }, context: 'prdo' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe(`--context prdo: no such context in the kubeconfig (${path.join(dir, '.kube', 'config')})`);
    expect((err as UsageError).hint).toBe('known contexts: staging, prod');
  });

  it('a kubeconfig without current-context, or naming a cluster it lacks, is explained', () => {
    write('.kube/config', cfg({ clusters: [['c', { server: 'https://c:6443' }]], contexts: [['a', { cluster: 'c' }], ['b', { cluster: 'gone' }]] }));
    expect(() => loadKubeconfig({ env: { HOME: dir } })).toThrow(/sets no current-context/);
    expect(() => loadKubeconfig({ env: { HOME: dir }, context: 'b' })).toThrow('context "b" names cluster "gone", which the kubeconfig');
  });

  it('no kubeconfig anywhere: a clear error, never a silent localhost:8080', () => {
    const err = (() => {
      try {
        loadKubeconfig({ env: { HOME: dir }, serviceAccountDir: path.join(dir, 'no-sa') });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe('no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or run inside a cluster');
    expect(() => loadKubeconfig({ env: { HOME: dir, KUBECONFIG: path.join(dir, 'absent') }, serviceAccountDir: path.join(dir, 'no-sa') })).toThrow(
      'no kubeconfig found',
    );
  });

  it('inside a cluster: the service account token, CA and namespace', () => {
    const sa = path.join(dir, 'sa');
    write('sa/token', 'sa-token');
    write('sa/namespace', 'apps\n');
    write('sa/ca.crt', 'PEM');
    const loaded = loadKubeconfig({ env: { HOME: dir, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: sa });
    expect(loaded).toMatchObject({ context: 'in-cluster', namespace: 'apps', server: 'https://10.96.0.1:443', source: 'in-cluster service account' });
    expect(loaded.kc.getCurrentCluster()?.caFile).toBe(path.join(sa, 'ca.crt'));
  });

  it('an invalid file names itself', () => {
    const bad = write('bad.yaml', 'clusters: [{cluster: {server: x}}]');
    expect(() => loadKubeconfig({ kubeconfig: bad, env: { HOME: dir } })).toThrow(`kubeconfig ${bad}: clusters[0].name is missing`);
  });

  it.each([
    [{ flag: 'a', rollout: 'b', context: 'c' }, 'a'],
    [{ flag: null, rollout: 'b', context: 'c' }, 'b'],
    [{ rollout: null, context: 'c' }, 'c'],
    [{}, 'default'],
  ])('namespace from %j is %s', (sources, expected) => {
    expect(resolveNamespace(sources)).toBe(expected);
  });
});

describe('loadKubeconfig against the sandbox', () => {
  it.each(['auto', 'off'] as const)('TLS %s: the loaded context reaches the API server (https with CA data, or plain http)', async (tls) => {
    const sb = await kubeSandbox({ tls });
    try {
      const file = path.join(dir, 'kubeconfig');
      await sb.api.writeKubeconfig(file, { namespace: 'apps' });
      const loaded = loadKubeconfig({ kubeconfig: file, env: { HOME: dir } });
      expect(loaded.namespace).toBe('apps');
      const client = new KubeClient(kubeTransport(loaded.kc), { clock: systemClock, context: loaded.context });
      expect(await client.getPath<{ gitVersion: string }>('/version')).toMatchObject({ gitVersion: expect.stringMatching(/^v1\./) });
      await client.create(ConfigMaps, 'apps', { metadata: { name: 'x' } });
    } finally {
      await sb.close();
    }
  });

  it('an exec credential plugin keeps working (client-node runs it)', async () => {
    const sb = await kubeSandbox();
    try {
      const plugin = write('plugin.mjs', `console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(sb.api.token)} } }));`);
      const config = cfg({ clusters: [['s', { server: sb.api.url, 'certificate-authority-data': Buffer.from(sb.api.caPem!).toString('base64') }]], contexts: [['s', { cluster: 's', user: 'exec' }]], current: 's' });
      (config as { users: unknown[] }).users = [
        { name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } } },
      ];
      const loaded = loadKubeconfig({ kubeconfig: write('exec.yaml', config), env: { HOME: dir } });
      const client = new KubeClient(kubeTransport(loaded.kc), { clock: systemClock });
      expect(await client.list(ConfigMaps, 'apps')).toMatchObject({ items: [] });
    } finally {
      await sb.close();
    }
  });
});
