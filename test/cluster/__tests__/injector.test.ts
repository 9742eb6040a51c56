/**
 * The proxy injector webhook's decision and patch (RFC 6902 JSON patch, applied by the API server):
 * what Linkerd's injector adds when the namespace or the pod template asks for injection.
 */
import { catalog, servedTypes } from '../../sandbox/api/catalog.js';
import { ObjectStore } from '../../sandbox/store/store.js';
import { injectionPatch } from '../agent/injector.js';

function store(): ObjectStore {
  const s = new ObjectStore(servedTypes());
  s.create(catalog.namespaces, null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', annotations: { 'linkerd.io/inject': 'enabled' } } });
  s.create(catalog.namespaces, null, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
  s.create(catalog.replicasets, 'apps', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'myapp-stable-6fb6b74556', namespace: 'apps', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'myapp-stable', uid: 'd1', controller: true }] },
    spec: { selector: { matchLabels: { app: 'myapp' } }, template: {} },
  });
  return s;
}

const pod = (labels?: Record<string, string>, annotations?: Record<string, string>, rs = 'myapp-stable-6fb6b74556') => ({
  metadata: { name: '', generateName: `${rs}-`, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: 'r1', controller: true }] },
});

describe('proxy injector', () => {
  it('meshes a pod of an annotated namespace: labels (one op per key, "/" escaped as ~1) and annotations', () => {
    const ops = injectionPatch(store(), 'apps', pod({ app: 'myapp', 'pod-template-hash': '6fb6b74556' }));
    expect(ops).toEqual([
      { op: 'add', path: '/metadata/labels/linkerd.io~1control-plane-ns', value: 'linkerd' },
      { op: 'add', path: '/metadata/labels/linkerd.io~1proxy-deployment', value: 'myapp-stable' },
      { op: 'add', path: '/metadata/labels/linkerd.io~1workload-ns', value: 'apps' },
      { op: 'add', path: '/metadata/annotations', value: expect.objectContaining({ 'linkerd.io/created-by': expect.any(String) }) },
    ]);
  });

  it('leaves a pod alone when neither its namespace nor its template asks', () => {
    expect(injectionPatch(store(), 'plain', pod({ app: 'x' }))).toEqual([]);
  });

  it('the template annotation wins over the namespace: disabled in an injected namespace, enabled in a plain one', () => {
    expect(injectionPatch(store(), 'apps', pod({ app: 'x' }, { 'linkerd.io/inject': 'disabled' }))).toEqual([]);
    const ops = injectionPatch(store(), 'plain', pod(undefined, { 'linkerd.io/inject': 'enabled' }, 'web-7c9d8f-abc'));
    expect(ops[0]).toEqual({ op: 'add', path: '/metadata/labels', value: { 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/workload-ns': 'plain' } });
  });

  it('names the Deployment from the pod-template-hash when the replica has not seen the ReplicaSet yet', () => {
    const ops = injectionPatch(store(), 'apps', pod({ app: 'web', 'pod-template-hash': '5d4f' }, undefined, 'web-5d4f'));
    expect(ops).toContainEqual({ op: 'add', path: '/metadata/labels/linkerd.io~1proxy-deployment', value: 'web' });
  });
});
