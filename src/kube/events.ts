/**
 * Kubernetes Events on the stable Deployment, one per run transition, so that `kubectl describe
 * deployment NAME-stable` and `kubectl get events` show the rollout's history. Repeats of the same
 * event are counted on the first one, as kubelet and controllers do. Best effort: a failure is
 * reported once through `warn` and never stops the run.
 */
import type { EventRecorder } from '../engine/ports.js';
import type { Clock } from '../util/clock.js';
import { messageOf } from '../util/errors.js';
import type { KubeClient, KubeObject } from './client.js';
import { deploymentName } from './deployment-spec.js';
import { isNotFound } from './errors.js';
import { markerLabels } from './ownership.js';
import { Deployments, Events } from './resources.js';

export interface EventRecorderOptions {
  client: KubeClient;
  namespace: string;
  rollout: string;
  clock: Clock;
  /** reportingInstance, e.g. the host name; cut to the API's 128 characters. */
  instance: string;
  warn?: (message: string) => void;
}

const COMPONENT = 'canary';
const MAX_MESSAGE = 1024;

export class KubeEventRecorder implements EventRecorder {
  private readonly target: string;
  /** The Deployment's uid once known (it may not exist yet on a first deploy). */
  private uid: string | null = null;
  private readonly counted = new Map<string, { name: string; count: number }>();
  private seq = 0;
  private warned = false;

  constructor(private readonly o: EventRecorderOptions) {
    this.target = deploymentName(o.rollout, 'stable');
  }

  async record(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    try {
      const now = new Date(this.o.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
      const key = `${type}\n${reason}\n${text}`;
      const seen = this.counted.get(key);
      if (seen && (await this.bump(seen, now))) return;
      const name = `${this.target}.${this.o.clock.now().toString(16)}${(this.seq++).toString(16).padStart(3, '0')}`;
      await this.o.client.create(Events, this.o.namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: this.o.namespace, labels: markerLabels(this.o.rollout) },
        involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.target, namespace: this.o.namespace, ...(await this.uidField()) },
        type,
        reason,
        message: text,
        source: { component: COMPONENT },
        reportingComponent: COMPONENT,
        reportingInstance: this.o.instance.slice(0, 128),
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
      });
      this.counted.set(key, { name, count: 1 });
    } catch (err) {
      if (this.warned) return;
      this.warned = true;
      this.o.warn?.(`cannot record Kubernetes Events on Deployment ${this.o.namespace}/${this.target} (the run goes on): ${messageOf(err)}`);
    }
  }

  /** Bumps the count of an event recorded before; false when it is gone (events expire). */
  private async bump(seen: { name: string; count: number }, now: string): Promise<boolean> {
    try {
      await this.o.client.patch(Events, this.o.namespace, seen.name, { type: 'merge', body: { count: seen.count + 1, lastTimestamp: now } });
      seen.count++;
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async uidField(): Promise<{ uid?: string }> {
    this.uid ??= (await this.o.client.tryGet<KubeObject>(Deployments, this.o.namespace, this.target))?.metadata.uid ?? null;
    return this.uid ? { uid: this.uid } : {};
  }
}
