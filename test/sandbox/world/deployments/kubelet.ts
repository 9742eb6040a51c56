/**
 * The node: schedules every new Pod onto one node, "pulls" and "starts" its containers after a
 * start delay, and reports status the way the kubelet does. What a container does comes from its
 * image profile: serving containers become Ready and get a request handler (httpbin); crashing
 * ones cycle through CrashLoopBackOff with a doubling back-off; unpullable ones sit in
 * ImagePullBackOff. A pod that runs to completion (restartPolicy Never or OnFailure: a Job's)
 * runs its containers for the profile's runMs and exits with its exitCode: Succeeded, Failed, or
 * (OnFailure) restarted after a back-off. The handlers are what the mesh calls.
 */
import type { Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import type { EventRecorder } from '../events.js';
import { httpbin, type Handler } from '../httpbin.js';
import { behaviourOf, type ImageBehaviour, type ImageTable } from '../images.js';
import { fnv32a, forkRandom } from '../random.js';
import { isType, requireType } from '../resources.js';
import { Timers } from '../scheduler.js';
import { isoSeconds, type Container } from './shapes.js';

export interface KubeletOptions {
  store: ObjectStore;
  clock: Clock;
  events: EventRecorder;
  images: ImageTable;
  seed: number;
  /** From scheduling to Ready (image pull + container start + readiness). */
  startDelayMs: number;
  /** First CrashLoopBackOff delay; doubles per restart up to maxCrashBackoffMs (kubelet: 10s, 5m). */
  crashBackoffMs?: number;
  maxCrashBackoffMs?: number;
}

export const NODE_NAME = 'sandbox-control-plane';
const HOST_IP = '172.18.0.2';

interface PodState {
  key: string;
  uid: string;
  /** Never or OnFailure: the containers exit after their run (a Job's pod). */
  restartPolicy: string;
  /** Set once the pod has run to completion: every container's exit code. */
  exited: number[] | null;
  containers: { name: string; image: string; behaviour: ImageBehaviour }[];
  restarts: number;
  /** Image pulls failed once already: the kubelet now backs off (ImagePullBackOff). */
  pullBackOff: boolean;
  handler: Handler | undefined;
  ip: string;
  startTime: number;
}

export class Kubelet {
  private readonly pods = new Map<string, PodState>(); // "ns/name"
  private readonly timers: Timers;
  private readonly podsType: ResourceType;
  private nextIp = 2;
  private unsubscribe: (() => void) | undefined;
  private readonly crashBackoffMs: number;
  private readonly maxCrashBackoffMs: number;

  constructor(private readonly opts: KubeletOptions) {
    this.timers = new Timers(opts.clock);
    this.podsType = requireType(opts.store, 'pods');
    this.crashBackoffMs = opts.crashBackoffMs ?? 10_000;
    this.maxCrashBackoffMs = opts.maxCrashBackoffMs ?? 300_000;
  }

  start(): void {
    const { store } = this.opts;
    this.unsubscribe = store.onChange((type, ev) => {
      if (!isType(type, 'pods')) return;
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') return this.forget(key);
      const known = this.pods.get(key);
      if (known && known.uid !== ev.object.metadata.uid) this.forget(key);
      if (!this.pods.has(key)) {
        const pod = ev.object;
        // Scheduling writes to the store; do it outside the store's own write.
        this.timers.after(`${key}|schedule`, 0, () => this.schedule(key, pod.metadata.uid ?? ''));
      }
    });
    for (const pod of store.list(this.podsType, null).items) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      this.timers.after(`${key}|schedule`, 0, () => this.schedule(key, pod.metadata.uid ?? ''));
    }
  }

  /** The request handler of a running, serving pod; undefined if it serves nothing. */
  handler(namespace: string, name: string): Handler | undefined {
    return this.pods.get(`${namespace}/${name}`)?.handler;
  }

  close(): void {
    this.unsubscribe?.();
    this.timers.close();
    this.pods.clear();
  }

  private forget(key: string): void {
    this.pods.delete(key);
    this.timers.cancelPrefix(`${key}|`);
  }

  private schedule(key: string, uid: string): void {
    if (this.pods.has(key)) return;
    const [ns, name] = key.split('/') as [string, string];
    const pod = this.opts.store.tryGet(this.podsType, ns, name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    const containers = ((pod['spec'] as { containers?: Container[] } | undefined)?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      behaviour: behaviourOf(c.image ?? '', this.opts.images),
    }));
    const n = this.nextIp++;
    const restartPolicy = (pod['spec'] as { restartPolicy?: string } | undefined)?.restartPolicy ?? 'Always';
    const state: PodState = { key, uid, restartPolicy, exited: null, containers, restarts: 0, pullBackOff: false, handler: undefined, ip: `10.244.${(n >> 8) & 255}.${n & 255}`, startTime: this.opts.clock.now() };
    this.pods.set(key, state);
    this.opts.store.mutate(this.podsType, ns, name, (p) => {
      p['spec'] = { ...((p['spec'] as object | undefined) ?? {}), nodeName: NODE_NAME };
    });
    const scheduled = this.writeStatus(state, () => ({
      phase: 'Pending',
      conditions: [cond('PodScheduled', 'True', state.startTime)],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      startTime: isoSeconds(state.startTime),
      qosClass: qosClass(pod),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      })),
    }));
    if (scheduled) this.event(scheduled, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${NODE_NAME}`, 'default-scheduler');
    this.timers.after(`${key}|start`, this.opts.startDelayMs, () => this.startContainers(state));
  }

  private startContainers(state: PodState): void {
    const now = this.opts.clock.now();
    const pod = this.current(state);
    if (!pod) return;
    for (const c of state.containers) {
      switch (c.behaviour.kind) {
        case 'serve':
        case 'crash':
          this.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
          this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
          this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
          break;
        case 'pull':
          this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
          this.event(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`);
          this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
          break;
      }
    }
    const serving = state.containers.find((c) => c.behaviour.kind === 'serve');
    if (serving && serving.behaviour.kind === 'serve' && state.containers.every((c) => c.behaviour.kind === 'serve')) {
      state.handler = httpbin({ behaviour: serving.behaviour, random: forkRandom(this.opts.seed, state.key), clock: this.opts.clock });
    }
    this.writeStatus(state, () => this.runningStatus(state, now));
    if (this.runsToCompletion(state)) return this.scheduleExit(state);
    if (state.containers.some((c) => c.behaviour.kind === 'crash')) this.scheduleCrash(state);
    if (state.containers.some((c) => c.behaviour.kind === 'pull')) {
      this.timers.after(`${state.key}|pull`, this.crashBackoffMs, () => {
        const p = this.current(state);
        if (!p) return;
        for (const c of state.containers) {
          if (c.behaviour.kind !== 'pull') continue;
          this.event(p, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
          this.event(p, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        }
        state.pullBackOff = true;
        this.writeStatus(state, () => this.runningStatus(state, this.opts.clock.now()));
      });
    }
  }

  /** A Job's pod: every container runs to completion (a crashing one counts as a run that failed at once). */
  private runsToCompletion(state: PodState): boolean {
    return (state.restartPolicy === 'Never' || state.restartPolicy === 'OnFailure') && state.containers.every((c) => c.behaviour.kind !== 'pull');
  }

  private scheduleExit(state: PodState): void {
    const runMs = Math.max(0, ...state.containers.map((c) => (c.behaviour.kind === 'serve' ? c.behaviour.runMs : 0)));
    this.timers.after(`${state.key}|exit`, runMs, () => {
      const pod = this.current(state);
      if (!pod) return;
      const codes = state.containers.map((c) => (c.behaviour.kind === 'serve' ? c.behaviour.exitCode : c.behaviour.kind === 'crash' ? c.behaviour.exitCode : 1));
      const failed = codes.some((code) => code !== 0);
      if (failed && state.restartPolicy === 'OnFailure') {
        // The kubelet restarts the failed container in place, after the same doubling back-off.
        state.restarts++;
        for (const c of state.containers) this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${state.uid})`);
        this.writeStatus(state, () => this.runningStatus(state, this.opts.clock.now()));
        const backoff = Math.min(this.maxCrashBackoffMs, this.crashBackoffMs * 2 ** (state.restarts - 1));
        this.timers.after(`${state.key}|restart`, backoff, () => this.scheduleExit(state));
        return;
      }
      state.exited = codes;
      state.handler = undefined;
      this.writeStatus(state, () => this.completedStatus(state, this.opts.clock.now()));
    });
  }

  /** Succeeded or Failed: every container terminated with its exit code (Completed or Error). */
  private completedStatus(state: PodState, now: number): Record<string, unknown> {
    const codes = state.exited ?? [];
    const succeeded = codes.every((c) => c === 0);
    const containerStatuses = state.containers.map((c, i) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image.split(':')[0]}@sha256:${digest(c.image)}`,
      containerID: `containerd://${digest(state.uid + c.name + state.restarts)}`,
      ready: false,
      started: false,
      restartCount: state.restarts,
      state: { terminated: { exitCode: codes[i] ?? 0, reason: (codes[i] ?? 0) === 0 ? 'Completed' : 'Error', startedAt: isoSeconds(state.startTime), finishedAt: isoSeconds(now), containerID: `containerd://${digest(state.uid + c.name + state.restarts)}` } },
      lastState: {},
    }));
    const notReady = (type: string) => ({ ...cond(type, 'False', now), reason: 'PodCompleted' });
    return podStatus(state, succeeded ? 'Succeeded' : 'Failed', [cond('PodReadyToStartContainers', 'False', now), notReady('Ready'), notReady('ContainersReady')], containerStatuses);
  }

  /** A crashing container restarts after a doubling back-off, forever. */
  private scheduleCrash(state: PodState): void {
    state.restarts++;
    const pod = this.current(state);
    if (!pod) return;
    const [ns, name] = state.key.split('/') as [string, string];
    for (const c of state.containers) {
      if (c.behaviour.kind === 'crash') this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${name}_${ns}(${state.uid})`);
    }
    this.writeStatus(state, () => this.runningStatus(state, this.opts.clock.now()));
    const backoff = Math.min(this.maxCrashBackoffMs, this.crashBackoffMs * 2 ** (state.restarts - 1));
    this.timers.after(`${state.key}|crash`, backoff, () => this.scheduleCrash(state));
  }

  private runningStatus(state: PodState, now: number): Record<string, unknown> {
    const [ns, name] = state.key.split('/') as [string, string];
    const containerStatuses = state.containers.map((c) => {
      const base = { name: c.name, image: c.image, imageID: '', containerID: '' };
      switch (c.behaviour.kind) {
        case 'serve':
          return {
            ...base,
            imageID: `${c.image.split(':')[0]}@sha256:${digest(c.image)}`,
            containerID: `containerd://${digest(state.uid + c.name)}`,
            ready: true,
            started: true,
            restartCount: state.restarts,
            state: { running: { startedAt: isoSeconds(now) } },
            lastState: {},
          };
        case 'crash': {
          const backoff = Math.min(this.maxCrashBackoffMs, this.crashBackoffMs * 2 ** Math.max(0, state.restarts - 1));
          return {
            ...base,
            imageID: `${c.image.split(':')[0]}@sha256:${digest(c.image)}`,
            containerID: `containerd://${digest(state.uid + c.name + state.restarts)}`,
            ready: false,
            started: false,
            restartCount: state.restarts,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoff / 1000)}s restarting failed container=${c.name} pod=${name}_${ns}(${state.uid})` } },
            lastState: { terminated: { exitCode: c.behaviour.exitCode, reason: 'Error', startedAt: isoSeconds(now), finishedAt: isoSeconds(now), containerID: `containerd://${digest(state.uid + c.name + state.restarts)}` } },
          };
        }
        case 'pull':
          return {
            ...base,
            ready: false,
            started: false,
            restartCount: 0,
            state: {
              waiting:
                !state.pullBackOff
                  ? { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found` }
                  : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` },
            },
            lastState: {},
          };
      }
    });
    const allReady = containerStatuses.every((c) => c.ready);
    const notReady = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
    const anyStarted = state.containers.some((c) => c.behaviour.kind !== 'pull');
    const readyCond = allReady
      ? cond('Ready', 'True', now)
      : { ...cond('Ready', 'False', now), reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` };
    const containersReady = allReady
      ? cond('ContainersReady', 'True', now)
      : { ...cond('ContainersReady', 'False', now), reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` };
    return podStatus(state, anyStarted ? 'Running' : 'Pending', [cond('PodReadyToStartContainers', 'True', now), readyCond, containersReady], containerStatuses);
  }

  /** Replaces the pod status, keeping each condition's lastTransitionTime while its status holds. */
  private writeStatus(state: PodState, build: () => Record<string, unknown>): K8sObject | undefined {
    const pod = this.current(state);
    if (!pod) return undefined;
    const [ns, name] = state.key.split('/') as [string, string];
    const old = (pod['status'] ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime: string }[]; qosClass?: string };
    const next = build();
    const conditions = (next['conditions'] as { type: string; status: string; lastTransitionTime: string }[]).map((c) => {
      const prev = old.conditions?.find((o) => o.type === c.type);
      return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
    });
    return this.opts.store.mutate(this.podsType, ns, name, (p) => {
      p['status'] = { ...next, conditions, qosClass: next['qosClass'] ?? old.qosClass };
    }, { subresource: 'status' });
  }

  private current(state: PodState): K8sObject | undefined {
    const [ns, name] = state.key.split('/') as [string, string];
    const pod = this.opts.store.tryGet(this.podsType, ns, name);
    return pod && pod.metadata.uid === state.uid ? pod : undefined;
  }

  private event(pod: K8sObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet'): void {
    this.opts.events.record(
      { ...pod, apiVersion: 'v1', kind: 'Pod' },
      type,
      reason,
      message,
      component === 'kubelet' ? { component, host: NODE_NAME } : { component },
    );
  }
}

/** A started pod's status; `conditions` are [PodReadyToStartContainers, Ready, ContainersReady], Initialized and PodScheduled added in the kubelet's order. */
function podStatus(state: PodState, phase: string, conditions: Record<string, unknown>[], containerStatuses: unknown[]): Record<string, unknown> {
  const [readyToStart, ready, containersReady] = conditions;
  return {
    phase,
    conditions: [readyToStart, cond('Initialized', 'True', state.startTime), ready, containersReady, cond('PodScheduled', 'True', state.startTime)],
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP: state.ip,
    podIPs: [{ ip: state.ip }],
    startTime: isoSeconds(state.startTime),
    containerStatuses,
  };
}

function cond(type: string, status: 'True' | 'False', at: number): { type: string; status: string; lastProbeTime: null; lastTransitionTime: string } {
  return { type, status, lastProbeTime: null, lastTransitionTime: isoSeconds(at) };
}

function qosClass(pod: K8sObject): string {
  const containers = ((pod['spec'] as { containers?: { resources?: { requests?: object; limits?: object } }[] } | undefined)?.containers ?? []);
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0);
  return any ? 'Burstable' : 'BestEffort';
}

function digest(s: string): string {
  let out = '';
  for (let i = 0; out.length < 64; i++) out += fnv32a(`${s}#${i}`).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}
