import type { ApiServer } from '../index.js';
import { configMap, createNamespace, del, post, put, startSandbox, watch, type WatchStream } from './helpers.js';

const CM = '/api/v1/namespaces/apps/configmaps';
let server: ApiServer;
const open: WatchStream[] = [];

async function watching(path: string, accept?: string): Promise<WatchStream> {
  const w = await watch(server, path, accept ? { accept } : {});
  open.push(w);
  return w;
}

beforeAll(async () => {
  server = await startSandbox({ bookmarkIntervalMs: 100 });
  await createNamespace(server, 'apps');
});
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});
afterAll(() => server.close());

describe('watch', () => {
  it('streams ADDED for existing objects, then MODIFIED and DELETED as chunked JSON lines', async () => {
    await post(server, CM, configMap('w-existing', {}, { w: 'one' }));
    const w = await watching(`${CM}?watch=1&labelSelector=w%3Done`);
    expect(w.status).toBe(200);
    expect(w.headers['transfer-encoding']).toBe('chunked');
    const added = await w.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-existing' } } });
    const current = added.object;
    await put(server, `${CM}/w-existing`, { ...current, data: { k: 'changed' } });
    const modified = await w.next();
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { data: { k: 'changed' } } });
    await del(server, `${CM}/w-existing`);
    const deleted = await w.next();
    expect(deleted.type).toBe('DELETED');
    expect(Number(deleted.object.metadata.resourceVersion)).toBeGreaterThan(Number(modified.object.metadata.resourceVersion));
  });

  it('resumes after a resourceVersion with only the later changes', async () => {
    const a = (await post(server, CM, configMap('resume-a', {}, { w: 'resume' }))).json;
    await post(server, CM, configMap('resume-b', {}, { w: 'resume' }));
    const w = await watching(`${CM}?watch=true&labelSelector=w%3Dresume&resourceVersion=${a.metadata.resourceVersion}`);
    const first = await w.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'resume-b' } } });
    expect(w.pending()).toEqual([]);
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired, on a 200 stream that then ends', async () => {
    const old = (await post(server, CM, configMap('expired'))).json.metadata.resourceVersion;
    await post(server, CM, configMap('newer'));
    server.store.compact();
    const w = await watching(`${CM}?watch=1&resourceVersion=${old}`);
    expect(w.status).toBe(200);
    const e = await w.next();
    expect(e.type).toBe('ERROR');
    expect(e.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(e.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    expect(await w.ended).toBe('end');
  });

  it('refuses a resourceVersion that is not a number with 400 before streaming', async () => {
    const w = await watching(`${CM}?watch=1&resourceVersion=abc`);
    expect(w.status).toBe(400);
  });

  it('sends BOOKMARK events with only metadata.resourceVersion when allowed', async () => {
    const w = await watching(`${CM}?watch=1&allowWatchBookmarks=true&resourceVersion=${server.store.resourceVersion()}`);
    const b = await w.next();
    expect(b).toEqual({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: server.store.resourceVersion() } } });
  });

  it('ends the stream at timeoutSeconds, with a last bookmark', async () => {
    const started = Date.now();
    const w = await watching(`${CM}?watch=1&timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=${server.store.resourceVersion()}`);
    expect(await w.ended).toBe('end');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(w.pending().some((e) => e.type === 'BOOKMARK')).toBe(true);
  });

  it('watches one object through fieldSelector=metadata.name', async () => {
    await post(server, CM, configMap('single'));
    await post(server, CM, configMap('noise'));
    const w = await watching(`${CM}?watch=1&fieldSelector=metadata.name%3Dsingle`);
    expect((await w.next()).object.metadata.name).toBe('single');
    await put(server, `${CM}/noise`, { ...configMap('noise'), data: { x: 'y' } });
    await expect(w.next(150)).rejects.toThrow('no watch event within 150 ms');
  });

  it('sees an object leave a label selector as DELETED and enter it as ADDED', async () => {
    const obj = (await post(server, CM, configMap('mover', {}, { track: 'stable' }))).json;
    const w = await watching(`${CM}?watch=1&labelSelector=track%3Dstable&resourceVersion=${obj.metadata.resourceVersion}`);
    const moved = (await put(server, `${CM}/mover`, { ...obj, metadata: { ...obj.metadata, labels: { track: 'canary' } } })).json;
    const left = await w.next();
    expect(left.type).toBe('DELETED');
    expect(left.object.metadata.labels).toEqual({ track: 'stable' });
    expect(left.object.metadata.resourceVersion).toBe(moved.metadata.resourceVersion);
    await put(server, `${CM}/mover`, { ...moved, metadata: { ...moved.metadata, labels: { track: 'stable' } } });
    expect((await w.next()).type).toBe('ADDED');
  });

  it('sends the initial state and an initial-events-end bookmark with sendInitialEvents', async () => {
    await post(server, CM, configMap('initial', {}, { w: 'initial' }));
    const w = await watching(`${CM}?watch=1&labelSelector=w%3Dinitial&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    expect((await w.next()).type).toBe('ADDED');
    const end = await w.next();
    expect(end.type).toBe('BOOKMARK');
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('streams Table rows for kubectl get --watch', async () => {
    await post(server, CM, configMap('tabled', {}, { w: 'table' }));
    const w = await watching(`${CM}?watch=1&labelSelector=w%3Dtable`, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    const e = await w.next();
    expect(e.type).toBe('ADDED');
    expect(e.object.kind).toBe('Table');
    expect(e.object.rows[0].cells.slice(0, 2)).toEqual(['tabled', 0]);
  });

  it('ends every open watch on close()', async () => {
    const own = await startSandbox();
    const w = await watch(own, '/api/v1/namespaces/default/configmaps?watch=1');
    expect(own.openWatches()).toBe(1);
    await own.close();
    expect(await w.ended).toBe('end');
  });
});
