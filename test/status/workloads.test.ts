import { deploymentStatus, podProblems, podStatus } from '../../src/status/workloads.js';
import { deployment, IMG_NEW, pod, REV_NEW } from './fixtures.js';

describe('podStatus (kubectl STATUS text, Argo pod icons)', () => {
  it.each([
    [{ ready: true, phase: 'Running', reason: null }, '✔', 'Running'],
    [{ ready: false, phase: 'Running', reason: null }, '◌', 'Running'],
    [{ ready: false, phase: 'Succeeded', reason: null }, '✔', 'Completed'],
    [{ ready: false, phase: 'Pending', reason: null }, '◌', 'Pending'],
    [{ ready: false, phase: 'Pending', reason: 'ContainerCreating' }, '◌', 'ContainerCreating'],
    [{ ready: false, phase: 'Pending', reason: 'Init:0/1' }, '◌', 'Init:0/1'],
    [{ ready: false, phase: 'Running', reason: 'CrashLoopBackOff' }, '✖', 'CrashLoopBackOff'],
    [{ ready: false, phase: 'Running', reason: 'OOMKilled' }, '✖', 'OOMKilled'],
    [{ ready: false, phase: 'Failed', reason: null }, '✖', 'Failed'],
    [{ ready: false, phase: 'Running', reason: 'ExitCode:1' }, '✖', 'ExitCode:1'],
    [{ ready: false, phase: 'Pending', reason: 'ImagePullBackOff' }, '⚠', 'ImagePullBackOff'],
    [{ ready: false, phase: 'Pending', reason: 'ErrImagePull' }, '⚠', 'ErrImagePull'],
    [{ ready: false, phase: 'Pending', reason: 'CreateContainerConfigError' }, '⚠', 'CreateContainerConfigError'],
    [{ ready: false, phase: 'Unknown', reason: null }, '?', 'Unknown'],
  ])('%j -> %s %s', (o, icon, text) => {
    expect(podStatus(pod('p', o))).toEqual({ icon, text });
  });
});

describe('deploymentStatus', () => {
  it.each([
    [{}, '✔', 'Healthy'],
    [{ replicas: 0, current: 0, updated: 0, ready: 0, available: 0 }, '•', 'ScaledDown'],
    [{ available: 4 }, '◌', 'Progressing'],
    [{ updated: 2 }, '◌', 'Progressing'],
    [{ current: 6 }, '◌', 'Progressing'],
    [{ replicas: 0, current: 1 }, '◌', 'Progressing'],
  ])('%j -> %s %s', (o, icon, text) => {
    expect(deploymentStatus(deployment('canary', REV_NEW, IMG_NEW, o))).toEqual({ icon, text });
  });
});

it('podProblems lists each reason of a not-ready pod once', () => {
  const d = deployment('canary', REV_NEW, IMG_NEW, {
    pods: [pod('a', { ready: false, reason: 'CrashLoopBackOff' }), pod('b', { ready: false, reason: 'CrashLoopBackOff' }), pod('c', { ready: false, reason: 'OOMKilled' }), pod('d')],
  });
  expect(podProblems(d)).toBe('CrashLoopBackOff, OOMKilled');
  expect(podProblems(deployment('canary', REV_NEW, IMG_NEW))).toBeNull();
  expect(podProblems(null)).toBeNull();
});
