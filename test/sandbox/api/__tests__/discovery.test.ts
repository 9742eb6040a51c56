import { ObjectStore } from '../../store/store.js';
import { catalog, servedTypes, withVersions } from '../catalog.js';
import type { ApiServer } from '../index.js';
import { get, startSandbox } from './helpers.js';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

let server: ApiServer;
let bare: ApiServer;

beforeAll(async () => {
  server = await startSandbox({ apis: { smi: ['v1alpha1', 'v1alpha2'] } });
  bare = await startSandbox({ apis: {}, aggregatedDiscovery: false, tls: 'off' });
});
afterAll(async () => {
  await server.close();
  await bare.close();
});

describe('discovery', () => {
  it('reports a v1.32 server at /version', async () => {
    const r = await get(server, '/version');
    expect(r.json).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\.\d+$/) });
  });

  it('serves legacy /api and /api/v1 with kinds, verbs, short names and subresources', async () => {
    const api = await get(server, '/api');
    expect(api.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = await get(server, '/api/v1');
    expect(v1.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const names = v1.json.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['configmaps', 'namespaces', 'namespaces/status', 'pods', 'pods/status', 'services', 'services/status', 'services/proxy', 'events', 'secrets', 'serviceaccounts']));
    expect(v1.json.resources.find((r: { name: string }) => r.name === 'services')).toEqual({
      name: 'services',
      singularName: 'service',
      namespaced: true,
      kind: 'Service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'],
      categories: ['all'],
    });
  });

  it('serves /apis, /apis/GROUP and /apis/GROUP/VERSION, preferring the highest version', async () => {
    const groups = (await get(server, '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(['apps', 'events.k8s.io', 'authorization.k8s.io', 'batch', 'networking.k8s.io', 'coordination.k8s.io', 'split.smi-spec.io']);
    const smi = (await get(server, '/apis/split.smi-spec.io')).json;
    expect(smi).toMatchObject({ kind: 'APIGroup', name: 'split.smi-spec.io', preferredVersion: { groupVersion: 'split.smi-spec.io/v1alpha2', version: 'v1alpha2' } });
    expect(smi.versions.map((v: { version: string }) => v.version)).toEqual(['v1alpha2', 'v1alpha1']);
    const apps = (await get(server, '/apis/apps/v1')).json;
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments')).toMatchObject({ shortNames: ['deploy'], categories: ['all'] });
    const ssar = (await get(server, '/apis/authorization.k8s.io/v1')).json.resources[0];
    expect(ssar).toMatchObject({ name: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] });
  });

  it('serves aggregated discovery to clients that ask for it, and plain JSON to those that do not', async () => {
    const r = await get(server, '/apis', { accept: AGGREGATED });
    expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(r.json.kind).toBe('APIGroupDiscoveryList');
    const apps = r.json.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    expect(deployments).toMatchObject({ responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment' });
    expect(deployments.subresources.map((s: { subresource: string }) => s.subresource)).toEqual(['status', 'scale']);
    const core = await get(server, '/api', { accept: AGGREGATED });
    expect(core.json.items[0].versions[0].version).toBe('v1');
    const fallback = await get(bare, '/api', { accept: AGGREGATED });
    expect(fallback.headers['content-type']).toBe('application/json');
    expect(fallback.json.kind).toBe('APIVersions');
  });

  it('answers like a cluster without the CRD when an optional API is absent', async () => {
    const groups = (await get(bare, '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain('split.smi-spec.io');
    const r = await get(bare, '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits/web');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.text).toBe('404 page not found\n');
    expect((await get(bare, '/apis/split.smi-spec.io')).status).toBe(404);
    expect((await get(server, '/apis/split.smi-spec.io/v1alpha3/namespaces/apps/trafficsplits')).status).toBe(404);
  });

  it('answers an unknown resource of a built-in group with a NotFound Status', async () => {
    const r = await get(server, '/api/v1/namespaces/default/widgets');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });

  it('serves a CRD installed while running', async () => {
    const store = new ObjectStore(servedTypes());
    const own = await startSandbox({ store, tls: 'off' });
    try {
      expect((await get(own, '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes')).status).toBe(404);
      store.addType(withVersions(catalog.httproutes, ['v1']));
      const r = await get(own, '/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes');
      expect(r.status).toBe(200);
      expect(r.json.kind).toBe('HTTPRouteList');
    } finally {
      await own.close();
    }
  });

  it('serves OpenAPI v3 documents whose PATCH operations take fieldValidation (kubectl then validates on the server)', async () => {
    const root = (await get(server, '/openapi/v3')).json;
    expect(Object.keys(root.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/split.smi-spec.io/v1alpha2']));
    const doc = (await get(server, root.paths['apis/apps/v1'].serverRelativeURL)).json;
    const op = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
  });

  it('answers health checks without credentials', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await get(server, path, { token: null });
      expect([r.status, r.text]).toEqual([200, 'ok']);
    }
    expect((await get(server, '/readyz?verbose', { token: null })).text).toMatch(/\[\+\]ping ok\n[\s\S]*readyz check passed\n$/);
    expect((await get(server, '/api', { token: null })).status).toBe(401);
  });
});
