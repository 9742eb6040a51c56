/**
 * core/v1 Events as the controllers and the kubelet emit them, so that `kubectl describe` and
 * `kubectl get events` tell the same story as on a real cluster. Repeats of the same event are
 * folded into one object with a growing `count`, like client-go's event correlator.
 */
import type { Clock } from '../../../src/util/clock.js';
import type { ObjectStore } from '../store/store.js';
import type { K8sObject } from '../store/types.js';
import { isoSeconds } from './deployments/shapes.js';
import { servedType } from './resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

/** Events kept per recorder; the real API server expires them after an hour. */
const MAX_EVENTS = 2000;

export class EventRecorder {
  private readonly folded = new Map<string, string>(); // correlation key -> event name
  private readonly names: string[] = [];
  private seq = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
  ) {}

  record(involved: K8sObject, type: EventType, reason: string, message: string, source: EventSource): void {
    const eventsType = servedType(this.store, 'events');
    const ns = involved.metadata.namespace;
    if (!eventsType || !ns) return;
    const now = isoSeconds(this.clock.now());
    const key = `${involved.metadata.uid}|${type}|${reason}|${message}|${source.component}`;
    const existing = this.folded.get(key);
    if (existing) {
      const current = this.store.tryGet(eventsType, ns, existing);
      if (current) {
        this.store.mutate(eventsType, ns, existing, (e) => {
          e['count'] = ((e['count'] as number | undefined) ?? 1) + 1;
          e['lastTimestamp'] = now;
        });
        return;
      }
    }
    // Event names are "<object>.<hex>" on a real cluster; a counter keeps them unique and ordered.
    const name = `${involved.metadata.name}.${(this.clock.now() * 1000 + this.seq++).toString(16)}`;
    this.store.create(eventsType, ns, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: ns,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.folded.set(key, name);
    this.names.push(`${ns}/${name}`);
    if (this.names.length > MAX_EVENTS) this.expire(eventsType);
  }

  private expire(eventsType: NonNullable<ReturnType<typeof servedType>>): void {
    const old = this.names.splice(0, this.names.length - MAX_EVENTS);
    for (const full of old) {
      const [ns, name] = full.split('/') as [string, string];
      if (this.store.tryGet(eventsType, ns, name)) this.store.delete(eventsType, ns, name);
    }
    for (const [k, v] of this.folded) if (old.some((o) => o.endsWith(`/${v}`))) this.folded.delete(k);
  }
}
