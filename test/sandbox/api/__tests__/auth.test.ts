import type { ApiServer } from '../index.js';
import { configMap, createNamespace, deployment, get, patch, post, startSandbox } from './helpers.js';

let server: ApiServer;
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

function review(attrs: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } };
}

beforeAll(async () => {
  server = await startSandbox();
  await createNamespace(server, 'apps');
  await post(server, '/apis/apps/v1/namespaces/apps/deployments', deployment('x'));
});
afterEach(() => server.authorizer.allowAll());
afterAll(() => server.close());

describe('authentication', () => {
  it.each<[string, string | null]>([
    ['without a token', null],
    ['with a wrong token', 'not-the-token'],
  ])('answers 401 Unauthorized %s', async (_what, token) => {
    const r = await get(server, '/api/v1/namespaces', { token });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });
});

describe('authorization', () => {
  it('forbids what no rule allows, with the real wording', async () => {
    server.authorizer.setRules([{ verbs: ['get', 'list', 'watch'], apiGroups: ['apps'], resources: ['deployments'] }]);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/x')).status).toBe(200);
    const r = await patch(server, '/apis/apps/v1/namespaces/apps/deployments/x', 'application/merge-patch+json', { spec: { replicas: 2 } });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "x" is forbidden: User "canary-user" cannot patch resource "deployments" in API group "apps" in the namespace "apps"',
      reason: 'Forbidden',
      details: { name: 'x', group: 'apps', kind: 'deployments' },
      code: 403,
    });
  });

  it('words unnamed and cluster-scoped requests like the real server', async () => {
    server.authorizer.setRules([]);
    const create = await post(server, '/api/v1/namespaces/apps/configmaps', configMap('c'));
    expect(create.json.message).toBe('configmaps is forbidden: User "canary-user" cannot create resource "configmaps" in API group "" in the namespace "apps"');
    const list = await get(server, '/api/v1/namespaces');
    expect(list.json.message).toBe('namespaces is forbidden: User "canary-user" cannot list resource "namespaces" in API group "" at the cluster scope');
    const status = await get(server, '/apis/apps/v1/namespaces/apps/deployments/x/status');
    expect(status.json.message).toBe('deployments.apps "x" is forbidden: User "canary-user" cannot get resource "deployments/status" in API group "apps" in the namespace "apps"');
  });

  it('forbids before looking: a missing object is 403, not 404', async () => {
    server.authorizer.setRules([]);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/missing')).status).toBe(403);
  });

  it('applies rules changed at run time to the next request', async () => {
    server.authorizer.setRules([]);
    expect((await get(server, '/api/v1/namespaces/apps/configmaps')).status).toBe(403);
    server.authorizer.setRules([{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'] }]);
    expect((await get(server, '/api/v1/namespaces/apps/configmaps')).status).toBe(200);
  });

  it('limits rules by namespace, resource name and subresource', async () => {
    server.authorizer.setRules([
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['x'], namespaces: ['apps'] },
      { verbs: ['patch'], apiGroups: ['apps'], resources: ['deployments/status'] },
    ]);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/x')).status).toBe(200);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments/y')).status).toBe(403);
    expect((await get(server, '/apis/apps/v1/namespaces/default/deployments/x')).status).toBe(403);
    expect((await get(server, '/apis/apps/v1/namespaces/apps/deployments')).status).toBe(403);
    expect((await patch(server, '/apis/apps/v1/namespaces/apps/deployments/x/status', 'application/merge-patch+json', { status: {} })).status).toBe(200);
    expect((await patch(server, '/apis/apps/v1/namespaces/apps/deployments/x', 'application/merge-patch+json', { spec: {} })).status).toBe(403);
  });
});

describe('SelfSubjectAccessReview', () => {
  it('answers 201 with the review and its status from the same rules', async () => {
    server.authorizer.setRules([{ verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments'], namespaces: ['apps'] }]);
    const yes = await post(server, SSAR, review({ namespace: 'apps', verb: 'patch', group: 'apps', resource: 'deployments' }));
    expect(yes.status).toBe(201);
    expect(yes.json).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { namespace: 'apps', verb: 'patch', group: 'apps', resource: 'deployments' } },
      status: { allowed: true },
    });
    const no = await post(server, SSAR, review({ namespace: 'other', verb: 'patch', group: 'apps', resource: 'deployments' }));
    expect(no.json.status).toEqual({ allowed: false });
  });

  it('is allowed to everyone by default and stores nothing', async () => {
    const r = await post(server, SSAR, review({ namespace: 'apps', verb: 'delete', group: '', resource: 'configmaps' }));
    expect(r.json.status.allowed).toBe(true);
    expect((await get(server, SSAR)).status).toBe(405);
  });

  it('refuses a review without attributes with 422', async () => {
    const r = await post(server, SSAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} });
    expect(r.status).toBe(422);
    expect(r.json.message).toContain('exactly one of nonResourceAttributes or resourceAttributes must be specified');
  });
});
