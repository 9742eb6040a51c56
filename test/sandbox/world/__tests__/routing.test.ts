import type { K8sObject } from '../../store/types.js';
import { behaviourOf, imageTable } from '../images.js';
import { pickBackend, resolveRoute, type RouteInputs } from '../mesh/routing.js';
import { parseWeight } from '../quantity.js';
import { pickWeighted, seededRandom } from '../random.js';

const base = (over: Partial<RouteInputs> = {}): RouteInputs => ({
  namespace: 'apps',
  service: 'myapp',
  port: 80,
  method: 'GET',
  path: '/get',
  headers: {},
  trafficSplits: [],
  httpRoutes: [],
  ...over,
});

const ts = (name: string, service: string, created: string, backends: unknown[]): K8sObject => ({
  metadata: { name, namespace: 'apps', creationTimestamp: created },
  spec: { service, backends },
});

describe('TrafficSplit weights (quantities and numbers)', () => {
  it.each([
    [10, 10],
    ['10', 10],
    ['500m', 0.5],
    ['1k', 1000],
    ['1Ki', 1024],
    ['1e2', 100],
    [0, 0],
    [-1, undefined],
    ['ten', undefined],
    [null, undefined],
  ])('%p -> %p', (input, want) => {
    expect(parseWeight(input)).toBe(want);
  });
});

describe('route resolution', () => {
  it('finds a TrafficSplit by spec.service, short or fully qualified, oldest first', () => {
    const older = ts('b', 'myapp.apps.svc.cluster.local', '2026-01-01T00:00:00Z', [{ service: 'x', weight: 1 }]);
    const newer = ts('a', 'myapp', '2026-01-02T00:00:00Z', [{ service: 'y', weight: 1 }]);
    expect(resolveRoute(base({ trafficSplits: [newer, older] }))).toMatchObject({ kind: 'trafficsplit', name: 'b' });
    const otherNs = ts('c', 'myapp.other', '2026-01-01T00:00:00Z', [{ service: 'z', weight: 1 }]);
    expect(resolveRoute(base({ trafficSplits: [otherNs] }))).toEqual({ kind: 'service' });
  });

  it('ignores HTTPRoutes attached to a Gateway, another Service or another port', () => {
    const route = (parentRefs: unknown[]): K8sObject => ({ metadata: { name: 'r', namespace: 'apps' }, spec: { parentRefs, rules: [{ backendRefs: [{ name: 'c', port: 80 }] }] } });
    expect(resolveRoute(base({ httpRoutes: [route([{ kind: 'Gateway', name: 'myapp' }])] }))).toEqual({ kind: 'service' });
    expect(resolveRoute(base({ httpRoutes: [route([{ kind: 'Service', name: 'other' }])] }))).toEqual({ kind: 'service' });
    expect(resolveRoute(base({ httpRoutes: [route([{ kind: 'Service', name: 'myapp', port: 8080 }])] }))).toEqual({ kind: 'service' });
    expect(resolveRoute(base({ httpRoutes: [route([{ kind: 'Service', name: 'myapp' }])] }))).toMatchObject({ kind: 'httproute', backends: [{ service: 'c', weight: 1 }] });
  });

  it('picks the rule by Gateway API precedence: Exact, then the longest PathPrefix (segment-wise)', () => {
    const route: K8sObject = {
      metadata: { name: 'r', namespace: 'apps' },
      spec: {
        parentRefs: [{ group: 'core', kind: 'Service', name: 'myapp' }],
        rules: [
          { backendRefs: [{ name: 'root' }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/status' } }], backendRefs: [{ name: 'status' }] },
          { matches: [{ path: { type: 'Exact', value: '/status/500' } }], backendRefs: [{ name: 'exact' }] },
        ],
      },
    };
    const first = (path: string) => {
      const r = resolveRoute(base({ path, httpRoutes: [route] }));
      return r.kind === 'httproute' ? r.backends[0]!.service : r.kind;
    };
    expect(first('/get')).toBe('root');
    expect(first('/status/200')).toBe('status');
    expect(first('/statusx')).toBe('root');
    expect(first('/status/500?x=1')).toBe('exact');
  });

  // canary's header rules copy the split rule's matches and add headers: they must win for tagged requests only.
  const tagged = (headers: unknown[], extra: Record<string, unknown> = {}): K8sObject => ({
    metadata: { name: 'r', namespace: 'apps' },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'myapp' }],
      rules: [
        { backendRefs: [{ name: 'myapp-stable', weight: 100 }, { name: 'myapp-canary', weight: 0 }], ...extra },
        { name: 'canary.myapp.tagged-0123abcd-0', matches: [{ path: { type: 'PathPrefix', value: '/' }, headers }], backendRefs: [{ name: 'myapp-canary' }] },
      ],
    },
  });
  const backend = (route: K8sObject, headers: Record<string, string>, method = 'GET') => {
    const r = resolveRoute(base({ headers, method, httpRoutes: [route] }));
    return r.kind === 'httproute' ? r.backends.map((b) => `${b.service}:${b.weight}`).join(',') : r.kind;
  };

  it.each([
    // Gateway API precedence: with equal paths, the rule with more header matches wins (then rule order).
    [[{ type: 'Exact', name: 'X-Canary', value: 'yes' }], { 'x-canary': 'yes' }, 'myapp-canary:1'],
    [[{ type: 'Exact', name: 'X-Canary', value: 'yes' }], { 'x-canary': 'no' }, 'myapp-stable:100,myapp-canary:0'],
    [[{ type: 'Exact', name: 'X-Canary', value: 'yes' }], {}, 'myapp-stable:100,myapp-canary:0'],
    // A prefix as the plugin writes it: "<prefix>.*", matched on the whole value.
    [[{ type: 'RegularExpression', name: 'X-Canary', value: 'ye.*' }], { 'x-canary': 'yes' }, 'myapp-canary:1'],
    [[{ type: 'RegularExpression', name: 'X-Canary', value: 'ye.*' }], { 'x-canary': 'oyes' }, 'myapp-stable:100,myapp-canary:0'],
    [[{ type: 'RegularExpression', name: 'X-Canary', value: 'a|b' }], { 'x-canary': 'b' }, 'myapp-canary:1'],
    [[{ type: 'RegularExpression', name: 'X-Canary', value: 'a|b' }], { 'x-canary': 'ab' }, 'myapp-stable:100,myapp-canary:0'],
  ])('header match %j with %j -> %s', (headers, sent, expected) => {
    expect(backend(tagged(headers), sent)).toBe(expected);
  });

  it('a method match outranks header matches; a RequestMirror filter names the copy\'s Service and percent', () => {
    const route: K8sObject = {
      metadata: { name: 'r', namespace: 'apps' },
      spec: {
        parentRefs: [{ group: 'core', kind: 'Service', name: 'myapp' }],
        rules: [
          { matches: [{ headers: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '1' }] }], backendRefs: [{ name: 'headers' }] },
          {
            matches: [{ method: 'GET' }],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'myapp-canary', port: 80 }, percent: 30 } }],
            backendRefs: [{ name: 'method' }],
          },
        ],
      },
    };
    expect(resolveRoute(base({ headers: { 'x-a': '1', 'x-b': '1' }, httpRoutes: [route] }))).toMatchObject({ backends: [{ service: 'method' }], mirrors: [{ namespace: 'apps', service: 'myapp-canary', percent: 30 }] });
    expect(resolveRoute(base({ method: 'POST', headers: { 'x-a': '1', 'x-b': '1' }, httpRoutes: [route] }))).toMatchObject({ backends: [{ service: 'headers' }], mirrors: [] });
  });

  it('picks backends in proportion to their weights; none when all are zero', () => {
    const random = seededRandom(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(random, [1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / 10_000 - 0.75)).toBeLessThan(0.02);
    const zero = { kind: 'httproute' as const, name: 'r', rule: 0, backends: [{ namespace: 'apps', service: 'a', weight: 0 }], mirrors: [] };
    expect(pickBackend(zero, { namespace: 'apps', service: 'myapp' }, random)).toBeUndefined();
  });
});

describe('image profiles', () => {
  const table = imageTable({ 'example/app:1': { errorRate: 1, errorStatus: 503 }, 'example/app:2': { start: 'pull' } });
  it.each([
    ['ghcr.io/mccutchen/go-httpbin:2.17', { kind: 'serve', errorRate: 0 }],
    ['ghcr.io/mccutchen/go-httpbin:2.17.1', { kind: 'serve', errorRate: 0 }],
    ['ghcr.io/mccutchen/go-httpbin:2.18', { kind: 'serve', errorRate: 0.3, errorStatus: 500 }],
    ['ghcr.io/mccutchen/go-httpbin:2.18-slow', { kind: 'serve', latencyMs: 300 }],
    ['ghcr.io/mccutchen/go-httpbin:crash', { kind: 'crash' }],
    ['registry.local:5000/team/app:crash', { kind: 'crash' }],
    ['team/app:nonexistent', { kind: 'pull' }],
    ['registry.local:5000/unknown', { kind: 'serve', errorRate: 0 }],
    ['example/app:1', { kind: 'serve', errorRate: 1, errorStatus: 503 }],
    ['example/app:2', { kind: 'pull' }],
  ])('%s', (image, want) => {
    expect(behaviourOf(image, table)).toMatchObject(want);
  });

  it('rejects impossible overrides with the image named', () => {
    expect(() => imageTable({ 'x:1': { errorRate: 2 } })).toThrow('image profile for "x:1": errorRate must be between 0 and 1, got 2');
    expect(() => imageTable({ 'x:1': { errorStatus: 700 } })).toThrow(/errorStatus/);
  });
});
