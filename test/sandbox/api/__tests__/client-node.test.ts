import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../index.js';
import { startSandbox } from './helpers.js';

let server: ApiServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let coordination: k8s.CoordinationV1Api;
let custom: k8s.CustomObjectsApi;

const ns = 'apps';
const ts = { group: 'split.smi-spec.io', version: 'v1alpha2', namespace: ns, plural: 'trafficsplits' };

/** The ApiException a call rejects with: its code and its body parsed (client-node keeps the raw JSON string). */
async function failure(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(k8s.ApiException);
    const err = e as k8s.ApiException<string>;
    let body: unknown = err.body;
    try {
      body = JSON.parse(err.body);
    } catch {
      // not JSON (the plain-text 404 of an absent API)
    }
    return { code: err.code, body };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startSandbox();
  kc = new k8s.KubeConfig();
  kc.loadFromString(server.kubeconfig({ namespace: ns }));
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(() => server.close());

describe('@kubernetes/client-node 1.4.0 against the sandbox (TLS with the generated CA)', () => {
  it('loads the kubeconfig: https server, CA data, token, context namespace', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kc.getCurrentCluster()).toMatchObject({ server: server.url });
    expect(kc.getCurrentCluster()?.caData).toBe(Buffer.from(server.caPem!).toString('base64'));
    expect(kc.getCurrentUser()?.token).toBe(server.token);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe(ns);
  });

  it('CoreV1Api: create, read, list by label, replace with a stale resourceVersion (409), delete', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'state', labels: { app: 'canary' } }, data: { phase: 'Idle' } } });
    expect(created.metadata?.resourceVersion).toBeDefined();
    const read = await core.readNamespacedConfigMap({ name: 'state', namespace: ns });
    expect(read.data).toEqual({ phase: 'Idle' });
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=canary' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['state']);
    await core.replaceNamespacedConfigMap({ name: 'state', namespace: ns, body: { ...read, data: { phase: 'Progressing' } } });
    const stale = await failure(core.replaceNamespacedConfigMap({ name: 'state', namespace: ns, body: { ...read, data: { phase: 'Degraded' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    const status = await core.deleteNamespacedConfigMap({ name: 'state', namespace: ns });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await failure(core.readNamespacedConfigMap({ name: 'state', namespace: ns }))).body.message).toBe('configmaps "state" not found');
  });

  it('AppsV1Api: create a Deployment, strategic-merge patch its image, write its status', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web-stable' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web', track: 'stable' } },
          template: { metadata: { labels: { app: 'web', track: 'stable' } }, spec: { containers: [{ name: 'web', image: 'web:1' }, { name: 'proxy', image: 'proxy:1' }] } },
        },
      },
    });
    const patched = await apps.patchNamespacedDeployment(
      { name: 'web-stable', namespace: ns, body: { spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['web=web:2', 'proxy=proxy:1']);
    expect(patched.metadata?.generation).toBe(2);
    const withStatus = await apps.replaceNamespacedDeploymentStatus({ name: 'web-stable', namespace: ns, body: { ...patched, status: { observedGeneration: 2, replicas: 2, readyReplicas: 2 } } });
    expect(withStatus.status?.readyReplicas).toBe(2);
    expect(withStatus.metadata?.generation).toBe(2);
  });

  it('CoordinationV1Api: a Lease with optimistic concurrency, 404 when absent', async () => {
    expect((await failure(coordination.readNamespacedLease({ name: 'canary-web', namespace: ns }))).code).toBe(404);
    const lease = await coordination.createNamespacedLease({
      namespace: ns,
      body: { metadata: { name: 'canary-web' }, spec: { holderIdentity: 'ci/1', leaseDurationSeconds: 30, acquireTime: new k8s.V1MicroTime(), renewTime: new k8s.V1MicroTime() } },
    });
    const renewed = await coordination.replaceNamespacedLease({ name: 'canary-web', namespace: ns, body: { ...lease, spec: { ...lease.spec, renewTime: new k8s.V1MicroTime() } } });
    expect(renewed.spec?.holderIdentity).toBe('ci/1');
    const lost = await failure(coordination.replaceNamespacedLease({ name: 'canary-web', namespace: ns, body: { ...lease, spec: { ...lease.spec, holderIdentity: 'ci/2' } } }));
    expect(lost.code).toBe(409);
    expect(lost.body.message).toBe('Operation cannot be fulfilled on leases.coordination.k8s.io "canary-web": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('CustomObjectsApi: TrafficSplit get, merge patch, JSON patch with a test, and the failure modes', async () => {
    await custom.createNamespacedCustomObject({
      ...ts,
      body: { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web' }, spec: { service: 'web', backends: [{ service: 'web-stable', weight: 100 }, { service: 'web-canary', weight: 0 }] } },
    });
    const current = await custom.getNamespacedCustomObject({ ...ts, name: 'web' });
    expect(current.kind).toBe('TrafficSplit');
    const merged = await custom.patchNamespacedCustomObject(
      { ...ts, name: 'web', body: { spec: { backends: [{ service: 'web-stable', weight: 90 }, { service: 'web-canary', weight: 10 }] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(merged.spec.backends[1].weight).toBe(10);
    const jsonPatched = await custom.patchNamespacedCustomObject(
      {
        ...ts,
        name: 'web',
        fieldManager: 'canary',
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: merged.metadata.resourceVersion },
          { op: 'replace', path: '/spec/backends/1/weight', value: 40 },
        ],
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec.backends[1].weight).toBe(40);
    const lostRace = await failure(
      custom.patchNamespacedCustomObject(
        { ...ts, name: 'web', body: [{ op: 'test', path: '/metadata/resourceVersion', value: merged.metadata.resourceVersion }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      ),
    );
    expect(lostRace).toEqual({ code: 422, body: expect.objectContaining({ reason: 'Invalid', message: 'the server rejected our request due to an error in our request' }) });
    const smp = await failure(custom.patchNamespacedCustomObject({ ...ts, name: 'web', body: { spec: {} } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)));
    expect(smp.code).toBe(415);
    // Without a Content-Type option, client-node 1.4.0 sends an object body as JSON patch.
    const defaulted = await failure(custom.patchNamespacedCustomObject({ ...ts, name: 'web', body: { spec: {} } }));
    expect(defaulted.code).toBe(400);
    expect(defaulted.body.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('reports an absent API (no Gateway API CRDs) as a 404 with the plain-text body of a 1.32 server', async () => {
    const own = await startSandbox({ apis: { smi: ['v1alpha2'] } });
    try {
      const c = new k8s.KubeConfig();
      c.loadFromString(own.kubeconfig());
      const api = c.makeApiClient(k8s.CustomObjectsApi);
      const r = await failure(api.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'default', plural: 'httproutes', name: 'web' }));
      expect(r).toEqual({ code: 404, body: '404 page not found\n' });
    } finally {
      await own.close();
    }
  });

  it('Watch: events on a resource, a clean end at timeoutSeconds, and ERROR 410 for an expired resourceVersion', async () => {
    const w = new k8s.Watch(kc);
    const seen: string[] = [];
    const done = new Promise<unknown>((resolve) => {
      void w.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { fieldSelector: 'metadata.name=watched', timeoutSeconds: 1, allowWatchBookmarks: true },
        (phase, obj: k8s.V1ConfigMap) => seen.push(`${phase}:${obj.data?.['v'] ?? ''}`),
        resolve,
      );
    });
    await new Promise((r) => setTimeout(r, 100));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'watched' }, data: { v: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'watched', namespace: ns, body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    expect(await done).toBeNull();
    expect(seen.filter((s) => !s.startsWith('BOOKMARK'))).toEqual(['ADDED:1', 'MODIFIED:2']);

    server.store.compact();
    const expired = await new Promise<[string, any]>((resolve) => {
      void w.watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: '1' }, (phase, obj) => resolve([phase, obj]), () => undefined);
    });
    expect(expired[0]).toBe('ERROR');
    expect(expired[1]).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('is refused with 403 by the authorizer, and sees 403 in a Watch as an error with statusCode', async () => {
    server.authorizer.setRules([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]);
    try {
      const r = await failure(core.listNamespacedConfigMap({ namespace: ns }));
      expect(r.code).toBe(403);
      expect(r.body.message).toBe('configmaps is forbidden: User "canary-user" cannot list resource "configmaps" in API group "" in the namespace "apps"');
      const err = await new Promise<any>((resolve) => {
        void new k8s.Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, {}, () => undefined, resolve);
      });
      expect(err.statusCode).toBe(403);
    } finally {
      server.authorizer.allowAll();
    }
  });

  it('reaches a registered service through the API server proxy', async () => {
    const upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', path: req.url }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const unregister = server.serviceProxy.register('monitoring', 'prometheus-server', 80, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    try {
      // client-node escapes the path's slashes (api%2Fv1%2Fquery); the server decodes them, as Go's URL parsing does.
      const body: unknown = await core.connectGetNamespacedServiceProxyWithPath({ name: 'prometheus-server:80', namespace: 'monitoring', path: 'api/v1/query' });
      // Typed as string, but client-node hands back parsed JSON for an application/json answer.
      expect(typeof body === 'string' ? JSON.parse(body) : body).toEqual({ status: 'success', path: '/api/v1/query' });
    } finally {
      unregister();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
