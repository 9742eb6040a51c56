/**
 * store.mirror(): a replica of another API server's objects (test/cluster's node agent). Objects are
 * kept verbatim (uid, resourceVersion, timestamps), listeners and watches see ADDED/MODIFIED/DELETED
 * as the replica changes, and local writes on top of a mirrored object still work.
 */
import { catalog, servedTypes } from '../../api/catalog.js';
import { ObjectStore } from '../store.js';
import type { WatchEvent } from '../types.js';

const pod = (rv: string, phase: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'apps', uid: 'remote-uid', resourceVersion: rv, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [] },
  status: { phase },
});

describe('ObjectStore.mirror', () => {
  it('stores objects verbatim and reports ADDED, MODIFIED and DELETED to listeners and watches', () => {
    const store = new ObjectStore(servedTypes());
    const changes: string[] = [];
    const watched: WatchEvent[] = [];
    store.onChange((type, ev) => changes.push(`${type.resource} ${ev.type} ${ev.object.metadata.resourceVersion}`));
    store.watch(catalog.pods, 'apps', {}, (ev) => watched.push(ev));

    store.mirror(catalog.pods, { type: 'ADDED', object: pod('1001', 'Pending') });
    store.mirror(catalog.pods, { type: 'MODIFIED', object: pod('1002', 'Running') });
    expect(store.get(catalog.pods, 'apps', 'p')).toEqual(pod('1002', 'Running'));
    store.mirror(catalog.pods, { type: 'DELETED', object: pod('1003', 'Running') });
    store.mirror(catalog.pods, { type: 'DELETED', object: pod('1004', 'Running') }); // unknown: ignored

    expect(changes).toEqual(['pods ADDED 1001', 'pods MODIFIED 1002', 'pods DELETED 1003']);
    expect(watched.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(store.tryGet(catalog.pods, 'apps', 'p')).toBeUndefined();
  });

  it('a MODIFIED for an object the replica never saw is an ADDED (a watch that started late)', () => {
    const store = new ObjectStore(servedTypes());
    const changes: string[] = [];
    store.onChange((_t, ev) => changes.push(ev.type));
    store.mirror(catalog.pods, { type: 'MODIFIED', object: pod('7', 'Running') });
    expect(changes).toEqual(['ADDED']);
  });

  it('a local write on a mirrored object keeps its uid and passes the resourceVersion check', () => {
    const store = new ObjectStore(servedTypes());
    store.mirror(catalog.pods, { type: 'ADDED', object: pod('1001', 'Pending') });
    const after = store.mutate(catalog.pods, 'apps', 'p', (p) => {
      p['status'] = { phase: 'Running' };
    }, { subresource: 'status' });
    expect(after.metadata.uid).toBe('remote-uid');
    expect(after['status']).toEqual({ phase: 'Running' });
  });
});
