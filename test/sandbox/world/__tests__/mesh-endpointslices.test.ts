/**
 * On the real control plane the mesh routes by EndpointSlices (made by the real endpointslice
 * controller from the Services' selectors), not by the selectors themselves: a pod is an endpoint
 * of a Service when a slice labelled with the Service's name lists it and does not mark it unready.
 */
import type { K8sObject } from '../../store/types.js';
import { NAME, ready, send, startMeshWorld, type MeshWorld } from './mesh-fixture.js';
import { podsOf, T } from './helpers.js';

function slice(name: string, service: string, endpoints: { pod: string; ready?: boolean }[]): K8sObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'apps', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e, i) => ({
      addresses: [`10.244.9.${i + 1}`],
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
      targetRef: { kind: 'Pod', namespace: 'apps', name: e.pod },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

describe('mesh routing by EndpointSlices', () => {
  let w: MeshWorld;
  let stable: string[];
  let canary: string[];
  beforeEach(async () => {
    w = startMeshWorld({ endpointSlices: true });
    await ready(w);
    stable = podsOf(w.store, 'apps', { [NAME]: 'myapp', track: 'stable' }).map((p) => p.metadata.name).sort();
    canary = podsOf(w.store, 'apps', { [NAME]: 'myapp', track: 'canary' }).map((p) => p.metadata.name).sort();
  });
  afterEach(() => w.close());

  it('a Service without slices has no endpoints, whatever its selector matches: 503', async () => {
    const { byStatus, byPod } = await send(w.mesh, 20);
    expect(byStatus).toEqual({ 503: 20 });
    expect(byPod).toEqual({});
  });

  it('the pods listed in the Service\'s slices (across slices) are its endpoints; an unset ready counts as ready', async () => {
    w.store.create(T.endpointslices, 'apps', slice('myapp-a', 'myapp', [{ pod: stable[0]! }]));
    w.store.create(T.endpointslices, 'apps', slice('myapp-b', 'myapp', [{ pod: canary[0]!, ready: true }]));
    w.store.create(T.endpointslices, 'apps', slice('other', 'myapp-stable', [{ pod: stable[1]! }]));
    const { byPod } = await send(w.mesh, 200);
    expect(Object.keys(byPod).sort()).toEqual([stable[0]!, canary[0]!].sort());
  });

  it('an endpoint marked not ready, or naming a pod that is gone, is skipped', async () => {
    w.store.create(T.endpointslices, 'apps', slice('myapp-a', 'myapp', [{ pod: stable[0]!, ready: false }, { pod: 'gone-pod' }, { pod: canary[1]! }]));
    const { byPod } = await send(w.mesh, 50);
    expect(byPod).toEqual({ [canary[1]!]: 50 });
  });
});
