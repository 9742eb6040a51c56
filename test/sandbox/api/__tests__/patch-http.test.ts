import type { ApiServer } from '../index.js';
import { createNamespace, deployment, get, patch, post, startSandbox } from './helpers.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const DEPLOY = '/apis/apps/v1/namespaces/apps/deployments';
const TS = '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits';

let server: ApiServer;

beforeAll(async () => {
  server = await startSandbox();
  await createNamespace(server, 'apps');
  await post(server, DEPLOY, deployment('web'));
  await post(server, TS, { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web' }, spec: { service: 'web', backends: [{ service: 'web-stable', weight: 100 }, { service: 'web-canary', weight: 0 }] } });
});
afterAll(() => server.close());

describe('PATCH', () => {
  it('applies a merge patch and bumps generation on a spec change', async () => {
    const r = await patch(server, `${DEPLOY}/web`, MERGE, { spec: { replicas: 3 }, metadata: { labels: { patched: 'merge' } } });
    expect(r.status).toBe(200);
    expect(r.json.spec.replicas).toBe(3);
    expect(r.json.metadata.labels).toEqual({ app: 'web', patched: 'merge' });
    expect(r.json.metadata.generation).toBe(2);
  });

  it('replaces arrays in a merge patch (TrafficSplit backends)', async () => {
    const r = await patch(server, `${TS}/web`, MERGE, { spec: { backends: [{ service: 'web-stable', weight: 90 }, { service: 'web-canary', weight: 10 }] } });
    expect(r.json.spec.backends).toEqual([
      { service: 'web-stable', weight: 90 },
      { service: 'web-canary', weight: 10 },
    ]);
  });

  it('applies a JSON patch guarded by a test of the resourceVersion', async () => {
    const current = (await get(server, `${TS}/web`)).json;
    const r = await patch(server, `${TS}/web?fieldManager=canary`, JSON_PATCH, [
      { op: 'test', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
      { op: 'replace', path: '/spec/backends/1/weight', value: 20 },
    ]);
    expect(r.status).toBe(200);
    expect(r.json.spec.backends[1].weight).toBe(20);
  });

  it('answers a failed JSON-patch test with 422 Invalid, worded as the real server (the library message only in the request log)', async () => {
    const r = await patch(server, `${TS}/web`, JSON_PATCH, [{ op: 'test', path: '/metadata/resourceVersion', value: '1' }]);
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    const logged = server.stats.requests().filter((e) => e.verb === 'patch' && e.status === 422);
    expect(logged[logged.length - 1]!.note).toBe('json patch: testing value /metadata/resourceVersion failed: test failed');
  });

  it('answers 409 Conflict for a merge patch carrying a stale metadata.resourceVersion', async () => {
    const r = await patch(server, `${DEPLOY}/web`, MERGE, { metadata: { resourceVersion: '1' }, spec: { replicas: 5 } });
    expect(r.status).toBe(409);
    expect(r.json.message).toBe('Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('merges containers by name and ports by containerPort in a strategic merge patch', async () => {
    const r = await patch(server, `${DEPLOY}/web`, SMP, {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:2', ports: [{ containerPort: 9090, name: 'metrics' }] }] } } },
    });
    expect(r.status).toBe(200);
    const c = r.json.spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0].image).toBe('registry.example/app:2');
    expect(c[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(c[0].ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([8080, 9090]);
  });

  it('refuses a strategic merge patch of a custom resource with 415, like the real server', async () => {
    const r = await patch(server, `${TS}/web`, SMP, { spec: { service: 'x' } });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json',
    });
  });

  it('refuses server-side apply (apply-patch+yaml) with 415', async () => {
    const r = await patch(server, `${DEPLOY}/web?fieldManager=x`, 'application/apply-patch+yaml', 'spec: {replicas: 1}');
    expect(r.status).toBe(415);
  });

  it('patches status through /status without touching spec, and the main resource without touching status', async () => {
    const s = await patch(server, `${DEPLOY}/web/status`, MERGE, { spec: { replicas: 42 }, status: { readyReplicas: 3, replicas: 3 } });
    expect(s.status).toBe(200);
    expect(s.json.spec.replicas).toBe(3);
    expect(s.json.status).toEqual({ readyReplicas: 3, replicas: 3 });
    const m = await patch(server, `${DEPLOY}/web`, MERGE, { status: { readyReplicas: 0 } });
    expect(m.json.status).toEqual({ readyReplicas: 3, replicas: 3 });
  });

  it.each<[string, string, string, string]>([
    ['a malformed merge patch', MERGE, '{"spec": ', 'Invalid JSON Patch'],
    ['a JSON patch that is not a list', JSON_PATCH, '{"op": "add"}', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['a malformed JSON patch', JSON_PATCH, '[{"op": }]', "invalid character '}' looking for beginning of value"],
    ['a strategic merge patch that is a list', SMP, '[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('answers %s with 400 and the real message', async (_what, type, body, message) => {
    const r = await patch(server, `${DEPLOY}/web`, type, body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ reason: 'BadRequest', message });
  });

  it('answers 404 for a missing object and 400 for a patch that renames it', async () => {
    expect((await patch(server, `${DEPLOY}/nope`, MERGE, { spec: {} })).json.message).toBe('deployments.apps "nope" not found');
    const renamed = await patch(server, `${DEPLOY}/web`, MERGE, { metadata: { name: 'other' } });
    expect(renamed.status).toBe(400);
    expect(renamed.json.message).toBe('the name of the object (other) does not match the name on the URL (web)');
  });

  it('stores nothing for a dry-run patch', async () => {
    const before = (await get(server, `${DEPLOY}/web`)).json;
    const r = await patch(server, `${DEPLOY}/web?dryRun=All`, MERGE, { spec: { replicas: 7 } });
    expect(r.json.spec.replicas).toBe(7);
    expect((await get(server, `${DEPLOY}/web`)).json).toEqual(before);
  });
});
