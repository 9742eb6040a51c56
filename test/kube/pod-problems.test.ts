import { podProblem, type Pod } from '../../src/kube/pod-problems.js';
import { covers, selectorString } from '../../src/kube/deployment-spec.js';
import type { Deployment } from '../../src/kube/deployment-spec.js';

const pod = (status: Pod['status'], name = 'myapp-canary-7d9f-abcde'): Pod => ({ metadata: { name }, status });
const waiting = (reason: string, message?: string, last?: string) => ({
  containerStatuses: [{ name: 'myapp', state: { waiting: { reason, ...(message ? { message } : {}) } }, ...(last ? { lastState: { terminated: { reason: last } } } : {}) }],
});

describe('podProblem', () => {
  it.each([
    [waiting('CrashLoopBackOff', 'back-off 10s restarting failed container'), 'pod myapp-canary-7d9f-abcde: container myapp: CrashLoopBackOff: back-off 10s restarting failed container'],
    [waiting('CrashLoopBackOff', undefined, 'OOMKilled'), 'pod myapp-canary-7d9f-abcde: container myapp: CrashLoopBackOff (last exit: OOMKilled)'],
    [{ containerStatuses: [{ name: 'myapp', lastState: { terminated: { reason: 'OOMKilled' } } }] }, 'pod myapp-canary-7d9f-abcde: container myapp: OOMKilled'],
    [waiting('ImagePullBackOff', 'Back-off pulling image "x:nope"'), 'pod myapp-canary-7d9f-abcde: container myapp: ImagePullBackOff: Back-off pulling image "x:nope"'],
    [waiting('CreateContainerConfigError', 'secret "db" not found'), 'pod myapp-canary-7d9f-abcde: container myapp: CreateContainerConfigError: secret "db" not found'],
    [{ initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'ErrImagePull' } } }] }, 'pod myapp-canary-7d9f-abcde: container migrate: ErrImagePull'],
    [
      { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available:\n 3 Insufficient cpu.' }] },
      'pod myapp-canary-7d9f-abcde: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.',
    ],
    [waiting('ContainerCreating'), null],
    [{}, null],
  ] as [Pod['status'], string | null][])('%j -> %s', (status, expected) => {
    expect(podProblem(null, [pod(status)])).toBe(expected);
  });

  it('falls back to the Deployment\'s ReplicaFailure condition (quota, admission)', () => {
    const d: Deployment = {
      metadata: { name: 'myapp-canary' },
      status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' }] },
    };
    expect(podProblem(d, [])).toBe('Deployment myapp-canary: FailedCreate: pods "x" is forbidden: exceeded quota');
  });
});

describe('covers / selectorString', () => {
  it.each([
    [{ a: 1, b: [{ x: 1, d: 'default' }] }, { a: 1, b: [{ x: 1 }] }, true],
    [{ a: 1, b: [{ x: 1 }, { x: 2 }] }, { a: 1, b: [{ x: 1 }] }, false],
    [{ a: { b: 'c' } }, { a: { b: 'd' } }, false],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [null, { a: 1 }, false],
  ])('covers(%j, %j) = %s', (current, wanted, expected) => {
    expect(covers(current, wanted)).toBe(expected);
  });

  it('prints match labels and every expression operator', () => {
    expect(
      selectorString({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'ready', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=x,tier in (a,b),env notin (dev),ready,!legacy');
  });
});
