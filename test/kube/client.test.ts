import { ConfigMaps, Leases, type ApiResource } from '../../src/kube/resources.js';
import { ApiCallError, isAlreadyExists, isNotFound } from '../../src/kube/errors.js';
import { KubeClient } from '../../src/kube/client.js';
import { kubeTransport } from '../../src/kube/transport.js';
import { UnreachableError, UsageError } from '../../src/util/errors.js';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeSandbox, type KubeSandbox } from './support/sandbox.js';
import { RecordingClock } from './support/clocks.js';

/** A custom resource this sandbox does not serve (routers describe their own in src/routing). */
const TRAFFIC_SPLITS: ApiResource = {
  group: 'split.smi-spec.io',
  version: 'v1alpha2',
  plural: 'trafficsplits',
  kind: 'TrafficSplit',
  namespaced: true,
  install: 'install linkerd-smi (`linkerd smi install | kubectl apply -f -`) or route with the Gateway API',
};

type Cm = { metadata: { name: string; resourceVersion?: string }; data?: Record<string, string> };

describe('KubeClient against the sandbox API server', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox();
  });
  afterEach(() => sb.close());

  it('creates, reads, lists, patches (merge, json) and deletes plain JSON objects', async () => {
    const c = sb.client;
    await c.create(ConfigMaps, 'apps', { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } });
    expect((await c.get<Cm>(ConfigMaps, 'apps', 'a')).data).toEqual({ k: 'v' });
    await c.patch(ConfigMaps, 'apps', 'a', { type: 'merge', body: { data: { k2: 'v2' } } });
    await c.patch(ConfigMaps, 'apps', 'a', { type: 'json', ops: [{ op: 'replace', path: '/data/k', value: 'w' }] });
    expect((await c.get<Cm>(ConfigMaps, 'apps', 'a')).data).toEqual({ k: 'w', k2: 'v2' });
    const list = await c.list<Cm>(ConfigMaps, 'apps', { labelSelector: 'x=1' });
    expect(list.items.map((i) => i.metadata.name)).toEqual(['a']);
    await c.delete(ConfigMaps, 'apps', 'a');
    expect(await c.tryGet(ConfigMaps, 'apps', 'a')).toBeNull();
  });

  it('names the object and the server reason for 404 and 409, without raw JSON', async () => {
    const err = await sb.client.get(ConfigMaps, 'apps', 'nope').catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('ConfigMap apps/nope: get failed: 404 NotFound: configmaps "nope" not found');
    await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'dup' } });
    const dup = await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'dup' } }).catch((e: unknown) => e);
    expect(isAlreadyExists(dup)).toBe(true);
    expect((dup as Error).message).not.toContain('{');
  });

  it('a stale resourceVersion on replace is a 409 Conflict (retryable)', async () => {
    const cm = await sb.client.create<Cm>(ConfigMaps, 'apps', { metadata: { name: 'rv' }, data: { n: '0' } });
    await sb.client.patch(ConfigMaps, 'apps', 'rv', { type: 'merge', body: { data: { n: '1' } } });
    const err = await sb.client.replace(ConfigMaps, 'apps', 'rv', { ...cm, data: { n: '2' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).status.code).toBe(409);
    expect((err as ApiCallError).retryable).toBe(true);
  });

  it('turns 403 into "canary needs VERB on RESOURCE in NS" with the RBAC hint', async () => {
    sb.api.authorizer.setRules([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]);
    const err = await sb.client.patch(ConfigMaps, 'apps', 'x', { type: 'merge', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).message).toBe(
      'forbidden: canary needs patch on configmaps in apps (configmaps "x" is forbidden: User "canary-user" cannot patch resource "configmaps" in API group "" in the namespace "apps")',
    );
    expect((err as UnreachableError).hint).toContain('examples/rbac.yaml');
    expect((err as UnreachableError).retryable).toBe(false);
    expect((err as Error).cause).toBeInstanceOf(ApiCallError);
  });

  it('says which CRD is missing when an API group is not served', async () => {
    const err = await sb.client.get(TRAFFIC_SPLITS, 'apps', 'myapp').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^TrafficSplit \(split\.smi-spec\.io\/v1alpha2\) is not served by this cluster: install linkerd-smi/);
    expect((err as UnreachableError).retryable).toBe(false);
  });

  it('rejected credentials are "unauthorized" naming the context', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(sb.api.kubeconfig().replace(sb.api.token, 'wrong-token'));
    const client = new KubeClient(kubeTransport(kc), { clock: new RecordingClock(), context: 'canary-sandbox' });
    const err = await client.get(ConfigMaps, 'apps', 'x').catch((e: unknown) => e);
    expect((err as Error).message).toBe('unauthorized: the API server rejected the credentials of context "canary-sandbox" (ConfigMap apps/x)');
  });
});

describe('KubeClient under injected faults: every operation lands exactly once', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox({ faultSeed: 7 });
  });
  afterEach(() => sb.close());

  const creates = async (client: KubeClient, n: number) => {
    await Promise.all(Array.from({ length: n }, (_, i) => client.create(ConfigMaps, 'apps', { metadata: { name: `cm-${i}` } })));
    return sb.store.list(sb.store.types.find((t) => t.resource === 'configmaps')!, 'apps').items.filter((o) => o.metadata.name.startsWith('cm-'));
  };

  it('20% of requests answered 500: retried with backoff until they land', async () => {
    const clock = new RecordingClock({ scale: 0.01 });
    const client = sb.newClient({ clock, retry: { attempts: 12, baseMs: 100, capMs: 1000 } });
    sb.api.faults.internalErrors(0.2);
    const stored = await creates(client, 100);
    expect(stored).toHaveLength(100);
    const s = sb.api.stats.snapshot();
    expect(s.byStatus['500']).toBeGreaterThan(5);
    expect(s.byStatus['201']).toBe(100);
    // each retry waited: capped exponential backoff with jitter, within [ceiling/2, ceiling]
    expect(clock.sleeps.length).toBe(s.byStatus['500']);
    for (const ms of clock.sleeps) expect(ms).toBeGreaterThanOrEqual(50);
    for (const ms of clock.sleeps) expect(ms).toBeLessThanOrEqual(1000);
  });

  it('429 with Retry-After: waits exactly what the server asked', async () => {
    const clock = new RecordingClock({ scale: 0.001 });
    const client = sb.newClient({ clock, retry: { attempts: 12 } });
    sb.api.faults.tooManyRequests(0.3, 7);
    expect(await creates(client, 40)).toHaveLength(40);
    const throttled = sb.api.stats.snapshot().byStatus['429']!;
    expect(throttled).toBeGreaterThan(3);
    expect(clock.sleeps).toEqual(Array(throttled).fill(7000));
  });

  it('dropped connections (socket hang up) are retried', async () => {
    const client = sb.newClient({ clock: new RecordingClock({ scale: 0.01 }), retry: { attempts: 12 } });
    sb.api.faults.dropConnections(0.2);
    expect(await creates(client, 60)).toHaveLength(60);
    expect(sb.api.stats.requests().some((r) => r.note === 'fault: connection dropped')).toBe(true);
  });

  it('gives up with a retryable UnreachableError naming the object once retries are exhausted', async () => {
    const clock = new RecordingClock({ scale: 0.001 });
    const client = sb.newClient({ clock, retry: { attempts: 3 } });
    sb.api.faults.add({ kind: 'status', code: 503, share: 1 });
    const err = await client.get(ConfigMaps, 'apps', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).retryable).toBe(true);
    expect((err as Error).message).toBe('ConfigMap apps/x: get failed after 3 attempts: 503 sandbox fault injection');
    expect(clock.sleeps).toHaveLength(2);
  });

  it('a request without an answer is cut at the deadline and retried', async () => {
    const client = sb.newClient({ clock: new RecordingClock({ deadlineMs: 50 }), requestTimeoutMs: 50, retry: { attempts: 2 } });
    sb.api.faults.latency(400);
    const err = await client.get(ConfigMaps, 'apps', 'x').catch((e: unknown) => e);
    expect((err as Error).message).toBe('ConfigMap apps/x: get failed after 2 attempts: no answer within 0.05s');
    expect((err as UnreachableError).retryable).toBe(true);
  });

  it('connection refused once in contact (a restarting API server): unreachable, retried, retryable, pointing at the server', async () => {
    const url = sb.api.url;
    const kc = new KubeConfig();
    kc.loadFromString(sb.api.kubeconfig());
    const clock = new RecordingClock({ scale: 0.001 });
    const client = new KubeClient(kubeTransport(kc), { clock, retry: { attempts: 5 } });
    await client.tryGet(ConfigMaps, 'apps', 'x');
    await sb.close();
    const err = await client.get(ConfigMaps, 'apps', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^ConfigMap apps\/x: get failed after 5 attempts: connect ECONNREFUSED/);
    expect((err as UnreachableError).retryable).toBe(true);
    expect((err as UnreachableError).hint).toContain(url);
    expect(clock.sleeps).toHaveLength(4);
  });

  it('connection refused on the first contact (issue 16 item 6): fails after two short backoffs, naming the server, not an object', async () => {
    const url = sb.api.url;
    await sb.close();
    const kc = new KubeConfig();
    kc.loadFromString(sb.api.kubeconfig());
    const clock = new RecordingClock({ scale: 0.001 });
    const client = new KubeClient(kubeTransport(kc), { clock, context: 'prod' });
    const err = await client.get(Leases, 'apps', 'myapp-canary-lock').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot reach the API server at ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(context prod\\): connect ECONNREFUSED`));
    expect((err as Error).message).not.toMatch(/Lease/);
    expect((err as UnreachableError).retryable).toBe(false);
    expect((err as UnreachableError).hint).toMatch(/kubectl config view --minify/);
    // Two backoffs of the default policy (250 ms, then 500 ms at most): well under a second of waiting.
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(750);
  });

  it('a server that is not a Kubernetes API server is not retried forever', async () => {
    const err = await sb.client.getPath('/healthz').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).retryable).toBe(false);
  });

  it('an invalid object is a usage error (exit 2), not a retry', async () => {
    const err = await sb.client.create(ConfigMaps, 'apps', { metadata: { name: 'Bad_Name' } }).catch((e: unknown) => e);
    expect((err as ApiCallError).kind).toBe('usage');
    expect(err).not.toBeInstanceOf(UsageError);
  });
});
