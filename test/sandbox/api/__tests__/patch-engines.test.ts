import { applyJsonPatch, JsonPatchError, type Operation } from '../patch/json-patch.js';
import type { Json, JsonObject } from '../patch/json-value.js';
import { mergePatch } from '../patch/merge.js';
import { strategicMergePatch, StrategicPatchError } from '../patch/strategic.js';
import { schemaFor } from '../patch/strategic-schema.js';

describe('JSON merge patch (RFC 7386)', () => {
  // The examples of RFC 7386 appendix A.
  it.each<[Json, Json, Json]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });

  it('does not modify its inputs', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('JSON patch (RFC 6902, evanphx/json-patch v4 behaviour)', () => {
  const doc = (): JsonObject => ({ metadata: { name: 'x', resourceVersion: '7', annotations: { 'a/b': '1', 'c~d': '2' } }, spec: { list: [1, 2, 3] } });

  it('applies add, remove, replace, move, copy and test in order', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'add', path: '/spec/list/1', value: 9 },
      { op: 'add', path: '/spec/list/-', value: 4 },
      { op: 'remove', path: '/spec/list/0' },
      { op: 'replace', path: '/metadata/name', value: 'y' },
      { op: 'copy', from: '/metadata/name', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
    ]);
    expect(out).toEqual({ metadata: { name: 'y', resourceVersion: '7', annotations: { 'a/b': '1', 'c~d': '2' } }, spec: { list: [9, 2, 3, 4], moved: 'y' } });
  });

  it('decodes ~1 as / and ~0 as ~ in paths', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'replace', path: '/metadata/annotations/a~1b', value: 'slash' },
      { op: 'remove', path: '/metadata/annotations/c~0d' },
    ]) as JsonObject;
    expect((out['metadata'] as JsonObject)['annotations']).toEqual({ 'a/b': 'slash' });
  });

  it('counts negative indexes from the end', () => {
    expect(applyJsonPatch({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }])).toEqual({ l: [1, 2] });
  });

  it('fails a test with a different value, with the library message', () => {
    expect(() => applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }])).toThrow(new JsonPatchError('testing value /metadata/resourceVersion failed: test failed'));
  });

  it('passes a test of a missing path against null, and fails it against a value', () => {
    expect(applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/uid', value: null }])).toEqual(doc());
    expect(() => applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/uid', value: 'u' }])).toThrow('testing value /metadata/uid failed: test failed');
  });

  it('adds a missing object key on replace, as v4 does, but not a missing array index', () => {
    expect(applyJsonPatch({ a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }])).toEqual({ a: { b: 1 } });
    expect(() => applyJsonPatch({ l: [1] }, [{ op: 'replace', path: '/l/5', value: 1 }])).toThrow('replace operation does not apply: doc is missing key: /l/5: missing value');
  });

  it.each<[string, Operation, string]>([
    ['add below a missing parent', { op: 'add', path: '/nope/x', value: 1 }, 'add operation does not apply: doc is missing path: "/nope/x": missing value'],
    ['remove of a missing key', { op: 'remove', path: '/spec/none' }, "error in remove for path: '/spec/none': Unable to remove nonexistent key: none: missing value"],
    ['add past the end of an array', { op: 'add', path: '/spec/list/9', value: 1 }, "error in add for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced"],
    ['an unknown op', { op: 'frobnicate', path: '/a' }, 'Unexpected kind: frobnicate'],
  ])('reports %s', (_what, op, message) => {
    expect(() => applyJsonPatch(doc(), [op])).toThrow(message);
  });

  it('leaves the input document alone when an operation fails', () => {
    const input = doc();
    expect(() => applyJsonPatch(input, [{ op: 'replace', path: '/metadata/name', value: 'z' }, { op: 'test', path: '/metadata/name', value: 'x' }])).toThrow();
    expect(input.metadata).toEqual(doc().metadata);
  });
});

describe('strategic merge patch', () => {
  const deployment = (): JsonObject => ({
    metadata: { name: 'd', labels: { app: 'd', tier: 'web' }, finalizers: ['a'] },
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          containers: [
            { name: 'app', image: 'app:1', ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'admin' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['--x', '--y'] },
            { name: 'sidecar', image: 'proxy:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  });
  const smp = (patch: JsonObject, original = deployment()): JsonObject => strategicMergePatch(original, patch, schemaFor('Deployment'));
  const podSpec = (o: JsonObject): JsonObject => ((o['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
  const containers = (o: JsonObject): JsonObject[] => podSpec(o)['containers'] as JsonObject[];

  it('merges containers by name and keeps the others', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } });
    expect(containers(out).map((c) => [c['name'], c['image']])).toEqual([
      ['app', 'app:2'],
      ['sidecar', 'proxy:1'],
    ]);
    expect(containers(out)[0]!['ports']).toHaveLength(2);
  });

  it('appends a container with a new name', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'debug', image: 'busybox' }] } } } });
    expect(containers(out).map((c) => c['name'])).toEqual(['app', 'sidecar', 'debug']);
  });

  it('merges ports by containerPort and env by name inside a container', () => {
    const out = smp({ spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 9090, name: 'metrics' }, { containerPort: 7070 }], env: [{ name: 'B', value: 'two' }] }] } } } });
    const app = containers(out)[0]!;
    expect(app['ports']).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }, { containerPort: 7070 }]);
    expect(app['env']).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }]);
  });

  it('merges Service ports by port', () => {
    const svc = { spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] } };
    const out = strategicMergePatch(svc, { spec: { ports: [{ port: 443, name: 'https' }], selector: { track: 'stable' } } }, schemaFor('Service'));
    expect(out).toEqual({ spec: { selector: { app: 'x', track: 'stable' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443, name: 'https' }] } });
  });

  it('replaces lists without a merge key (args, tolerations)', () => {
    const out = smp({ spec: { template: { spec: { tolerations: [{ key: 'other', operator: 'Exists' }], containers: [{ name: 'app', args: ['--z'] }] } } } });
    expect(podSpec(out)['tolerations']).toEqual([{ key: 'other', operator: 'Exists' }]);
    expect(containers(out)[0]!['args']).toEqual(['--z']);
  });

  it('deletes a list item with $patch: delete and a key with null', () => {
    const out = smp({ metadata: { labels: { tier: null } }, spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    expect(containers(out).map((c) => c['name'])).toEqual(['app']);
    expect((out['metadata'] as JsonObject)['labels']).toEqual({ app: 'd' });
  });

  it('replaces a whole list with a $patch: replace item and a whole map with $patch: replace', () => {
    const out = smp({ metadata: { labels: { $patch: 'replace', only: 'this' } }, spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'solo', image: 's:1' }] } } } });
    expect(containers(out)).toEqual([{ name: 'solo', image: 's:1' }]);
    expect((out['metadata'] as JsonObject)['labels']).toEqual({ only: 'this' });
  });

  it('deletes a map with $patch: delete', () => {
    const out = smp({ spec: { strategy: { $patch: 'delete' } } });
    expect(out['spec']).not.toHaveProperty('strategy');
  });

  it('orders a merged list by $setElementOrder, as kubectl apply sends it', () => {
    const out = smp({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:3' }] } } } });
    expect(containers(out).map((c) => `${String(c['name'])}=${String(c['image'])}`)).toEqual(['sidecar=proxy:1', 'app=app:3']);
  });

  it('keeps only $retainKeys fields (switching the strategy type)', () => {
    const out = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect((out['spec'] as JsonObject)['strategy']).toEqual({ type: 'Recreate' });
  });

  it('unions merge-strategy primitive lists and removes with $deleteFromPrimitiveList', () => {
    expect((smp({ metadata: { finalizers: ['a', 'b'] } })['metadata'] as JsonObject)['finalizers']).toEqual(['a', 'b']);
    expect(smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } })['metadata']).not.toHaveProperty('finalizers');
  });

  it('rejects a list item without its merge key (500, as the server passes the error through)', () => {
    let caught: unknown;
    try {
      smp({ spec: { template: { spec: { containers: [{ image: 'x:1' }] } } } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StrategicPatchError);
    expect((caught as StrategicPatchError).code).toBe(500);
    expect((caught as Error).message).toBe('map: map[image:x:1] does not contain declared merge key: name');
  });

  it('rejects an unknown $patch directive', () => {
    expect(() => smp({ spec: { $patch: 'frob' } })).toThrow('unknown patch type: frob in map: map[$patch:frob]');
  });

  it('fails $retainKeys that do not cover the patch content with 422', () => {
    let caught: unknown;
    try {
      smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } });
    } catch (e) {
      caught = e;
    }
    expect((caught as StrategicPatchError).code).toBe(422);
  });
});
