/**
 * The cluster's workload machinery in one handle: Deployment, ReplicaSet and Job controllers and
 * the kubelet, all reacting to the store and sharing one clock and one event recorder.
 */
import { systemClock, type Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import { EventRecorder } from '../events.js';
import { imageTable, type ImageTable } from '../images.js';
import { forkRandom } from '../random.js';
import type { Admit } from '../resources.js';
import type { Log } from '../scheduler.js';
import { JobController } from '../jobs/job-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { Kubelet } from './kubelet.js';
import { ReplicaSetController } from './replicaset-controller.js';

export interface WorkloadsOptions {
  store: ObjectStore;
  clock?: Clock;
  /** Image profiles on top of the built-in table. */
  images?: ImageTable;
  seed?: number;
  /** Time from pod creation to Ready (default 200 ms). */
  podStartDelayMs?: number;
  crashBackoffMs?: number;
  log?: Log;
  /** Defaulting for the ReplicaSets and Pods the controllers create. */
  admit?: Admit;
  /**
   * Run the Deployment and ReplicaSet controllers (default true). False: the kubelet alone, for a
   * store that mirrors a real control plane whose own controllers do that work (test/cluster).
   */
  controllers?: boolean;
  /** The Job controller's first back-off before replacing a failed pod (default 10 s). */
  jobBackoffMs?: number;
}

export interface Workloads {
  kubelet: Kubelet;
  events: EventRecorder;
  /** True while a controller has queued work (tests wait for a quiet cluster). */
  busy(): boolean;
  close(): void;
}

export function startWorkloads(opts: WorkloadsOptions): Workloads {
  const clock = opts.clock ?? systemClock;
  const seed = opts.seed ?? 42;
  const log = opts.log ?? ((m: string) => process.stderr.write(`sandbox: ${m}\n`));
  const events = new EventRecorder(opts.store, clock);
  const kubelet = new Kubelet({
    store: opts.store,
    clock,
    events,
    images: imageTable(opts.images),
    seed,
    startDelayMs: opts.podStartDelayMs ?? 200,
    ...(opts.crashBackoffMs !== undefined ? { crashBackoffMs: opts.crashBackoffMs } : {}),
  });
  const admit = opts.admit ?? (() => undefined);
  kubelet.start();
  if (opts.controllers === false) return { kubelet, events, busy: () => false, close: () => kubelet.close() };
  const replicaSets = new ReplicaSetController({ store: opts.store, clock, events, random: forkRandom(seed, 'pod-names'), log, admit });
  const deployments = new DeploymentController({ store: opts.store, clock, events, log, admit });
  const jobs = new JobController({ store: opts.store, clock, events, random: forkRandom(seed, 'job-pods'), log, admit, ...(opts.jobBackoffMs !== undefined ? { backoffMs: opts.jobBackoffMs } : {}) });
  replicaSets.start();
  deployments.start();
  jobs.start();
  return {
    kubelet,
    events,
    busy: () => deployments.busy() || replicaSets.busy() || jobs.busy(),
    close() {
      jobs.close();
      deployments.close();
      replicaSets.close();
      kubelet.close();
    },
  };
}
