import { jest } from '@jest/globals';
import { KubeEventRecorder } from '../../src/kube/events.js';
import { KubeSecretReader } from '../../src/kube/secrets.js';
import { SecretKeyMissingError, SecretNotFoundError } from '../../src/analysis/secrets.js';
import { UnreachableError } from '../../src/util/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { kubeSandbox, seed, typeOf, type KubeSandbox } from './support/sandbox.js';

describe('KubeEventRecorder', () => {
  let sb: KubeSandbox;
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  beforeEach(async () => {
    sb = await kubeSandbox();
  });
  afterEach(() => sb.close());

  const events = () => sb.store.list(typeOf(sb, 'events'), 'apps').items;
  const recorder = (warn = jest.fn<(m: string) => void>()) =>
    new KubeEventRecorder({ client: sb.client, namespace: 'apps', rollout: 'myapp', clock, instance: 'laptop', warn });

  it('records a core/v1 Event on the stable Deployment, counting repeats on the first one', async () => {
    const dep = seed(sb, 'deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'myapp-stable', namespace: 'apps' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const r = recorder();
    await r.record('Normal', 'RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 10)');
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'myapp-stable', namespace: 'apps', uid: dep.metadata.uid },
      type: 'Normal',
      reason: 'RolloutStepCompleted',
      message: 'Rollout step 1/4 completed (setWeight: 10)',
      source: { component: 'canary' },
      reportingComponent: 'canary',
      reportingInstance: 'laptop',
      count: 1,
      firstTimestamp: '2026-01-01T12:00:00Z',
      lastTimestamp: '2026-01-01T12:00:00Z',
    });
    await clock.advance(30_000);
    await r.record('Normal', 'RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 10)');
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ count: 2, firstTimestamp: '2026-01-01T12:00:00Z', lastTimestamp: '2026-01-01T12:00:30Z' });
    await r.record('Warning', 'RolloutAborted', 'aborted by alice');
    expect(events()).toHaveLength(2);
  });

  it('works before the Deployment exists (no uid), and never throws: one warning for all failures', async () => {
    const warn = jest.fn<(m: string) => void>();
    const r = recorder(warn);
    await r.record('Normal', 'RolloutStarted', 'first deploy');
    expect((events()[0]!['involvedObject'] as { uid?: string }).uid).toBeUndefined();
    sb.api.authorizer.setRules([{ verbs: ['get'], apiGroups: ['*'], resources: ['*'] }]);
    await expect(r.record('Normal', 'A', 'a')).resolves.toBeUndefined();
    await expect(r.record('Normal', 'B', 'b')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/^cannot record Kubernetes Events on Deployment apps\/myapp-stable \(the run goes on\): forbidden: canary needs create on events in apps/);
  });
});

describe('KubeSecretReader', () => {
  let sb: KubeSandbox;
  beforeEach(async () => {
    sb = await kubeSandbox();
    seed(sb, 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prom', namespace: 'apps' }, data: { token: Buffer.from('s3cr3t').toString('base64') } });
  });
  afterEach(() => sb.close());

  it('reads and decodes a key; absent Secret and absent key are the analysis layer\'s errors', async () => {
    const r = new KubeSecretReader(sb.client);
    expect(await r.read('apps', 'prom', 'token')).toBe('s3cr3t');
    await expect(r.read('apps', 'nope', 'token')).rejects.toBeInstanceOf(SecretNotFoundError);
    const missing = await r.read('apps', 'prom', 'password').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SecretKeyMissingError);
    expect((missing as Error).message).toBe("key 'password' does not exist in secret 'prom'");
  });

  it('a forbidden read says which permission is missing', async () => {
    sb.api.authorizer.setRules([]);
    const err = await new KubeSecretReader(sb.client).read('apps', 'prom', 'token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^forbidden: canary needs get on secrets in apps \(/);
  });
});
