import { existsSync } from 'node:fs';
import https from 'node:https';
import { dirname } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../../index.js';
import { leftoversAfterClose, settledResources, waitFor } from './helpers.js';

/** GET through the API server with the sandbox's CA and token, as kubectl would. */
function apiGet(sb: Sandbox, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, sb.api.url), { ca: sb.api.caPem!, headers: { authorization: `Bearer ${sb.api.token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startSandbox (without Prometheus)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ prometheus: false, podStartDelayMs: 20, log: (m) => { throw new Error(m); } });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('serves the seed scenario to client-node through the written kubeconfig', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('apps');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const services = await core.listNamespacedService({ namespace: 'apps' });
    expect(services.items.map((s) => s.metadata?.name).sort()).toEqual(['myapp', 'myapp-canary', 'myapp-stable']);
    const pods = await core.listNamespacedPod({ namespace: 'apps', labelSelector: 'app=dependant-api-service' });
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0]!.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({ namespace: 'apps', name: 'dependant-api-service' });
    expect(d.status?.availableReplicas).toBe(1);
  });

  it('a Deployment created through the API gets Ready pods', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const labels = { 'app.kubernetes.io/name': 'myapp', track: 'stable' };
    await apps.createNamespacedDeployment({
      namespace: 'apps',
      body: { metadata: { name: 'myapp-stable' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'myapp', image: 'ghcr.io/mccutchen/go-httpbin:2.17' }] } } } },
    });
    await sb.world.waitForDeployments(['apps/myapp-stable'], 5000);
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'apps', labelSelector: 'track=stable' });
    expect(rs.items).toHaveLength(1);
    // The load (10 rps to myapp) now reaches the new pods through the mesh.
    await waitFor(sb.store, 'load answered by myapp pods', () => (sb.load!.stats().byBackend['myapp']?.ok ?? 0) > 0);
  });

  it('reaches Services through the API server service proxy (unmeshed, like kubectl proxy)', async () => {
    const ok = await apiGet(sb, '/api/v1/namespaces/apps/services/myapp:80/proxy/status/418');
    expect(ok.status).toBe(418);
    const http = await apiGet(sb, '/api/v1/namespaces/apps/services/myapp-stable:http/proxy/get');
    expect(http.status).toBe(200);
    expect(JSON.parse(http.body)).toMatchObject({ method: 'GET' });
  });
});

describe('startSandbox scenarios and close', () => {
  it('empty: only namespaces; close stops load and servers, removes the temporary kubeconfig, leaves no handle the temporary kubeconfig and stops everything', async () => {
    const before = await settledResources();
    const sb = await startSandbox({ scenario: 'empty', prometheus: false, load: { rps: 50, from: 'default/client', to: 'default/web' } });
    const dir = dirname(sb.kubeconfigPath);
    try {
      expect(existsSync(sb.kubeconfigPath)).toBe(true);
      expect(sb.load?.stats().running).toBe(true);
      expect(sb.prometheus).toBeUndefined();
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(sb.kubeconfigPath);
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
      expect(namespaces.items.map((n) => n.metadata?.name)).not.toContain('apps');
    } finally {
      await sb.close();
    }
    expect(existsSync(dir)).toBe(false);
    await expect(apiGet(sb, '/version')).rejects.toThrow();
    await expect(fetch(`${sb.world.meshServer.url}/metrics`)).rejects.toThrow();
    expect(sb.load?.stats().running).toBe(false);
    expect(await leftoversAfterClose(before)).toEqual({});
  });

  it('serves the SMI and Gateway API versions asked for', async () => {
    const sb = await startSandbox({ scenario: 'empty', prometheus: false, tls: 'off', apis: { smi: ['v1alpha2'] } });
    try {
      expect(sb.store.types.find((t) => t.resource === 'trafficsplits')?.versions).toEqual(['v1alpha2']);
      expect(sb.store.types.find((t) => t.resource === 'httproutes')).toBeUndefined();
    } finally {
      await sb.close();
    }
  });
});
