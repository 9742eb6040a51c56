/**
 * One runner per rollout: a coordination.k8s.io/v1 Lease `NAME-canary-lock`. Every write is a
 * replace carrying the resourceVersion read, so of two runners starting at once exactly one wins
 * and the other learns who. A Lease not renewed for its duration is stale and can be taken over.
 *
 * Duration 25 s, renewed every 15 s (on the injected Clock). The duration is what a person waits,
 * at most, after a runner was killed before `canary abort` can roll back by itself (issue 15 asks
 * for less than 30 s; abort notices within a second more). The renewal period is what a waiting
 * runner costs the API server: 4 writes a minute, out of its budget of 10 requests a minute
 * (docs/benchmarks.md). The 10 s between them leave room for a failed renewal to be retried every
 * second before the Lease runs out, as client-go's leader election keeps its renew deadline at two
 * thirds of the lease.
 */
import type { LeaseHolder, Lock } from '../engine/ports.js';
import type { Clock } from '../util/clock.js';
import { UnreachableError } from '../util/errors.js';
import type { KubeClient, KubeObject } from './client.js';
import { isConflict, isNotFound } from './errors.js';
import { markerLabels } from './ownership.js';
import { Leases } from './resources.js';

export interface LeaseLockOptions {
  client: KubeClient;
  namespace: string;
  rollout: string;
  /** holderIdentity (see identity.ts). */
  identity: string;
  clock: Clock;
  /** Default 25 s. */
  durationSeconds?: number;
  /** Default 15 s (at most the duration less 5 s, at least a third of it). */
  renewSeconds?: number;
}

export const LEASE_DURATION_SECONDS = 25;
export const LEASE_RENEW_SECONDS = 15;

type Lease = KubeObject & {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
};

export function leaseName(rollout: string): string {
  return `${rollout}-canary-lock`;
}

export class LeaseLock implements Lock {
  readonly identity: string;
  private readonly name: string;
  private readonly durationSeconds: number;
  private readonly renewMs: number;
  /** The Lease as this runner last wrote it; null when not held. */
  private held: Lease | null = null;

  constructor(private readonly o: LeaseLockOptions) {
    this.identity = o.identity;
    this.name = leaseName(o.rollout);
    this.durationSeconds = o.durationSeconds ?? LEASE_DURATION_SECONDS;
    const renew = o.renewSeconds ?? Math.min(LEASE_RENEW_SECONDS, this.durationSeconds - 5);
    this.renewMs = Math.max(renew, this.durationSeconds / 3) * 1000;
  }

  async acquire(finished?: string): Promise<{ taken: true; previous: LeaseHolder | null } | { taken: false; holder: LeaseHolder }> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const lease = await this.read();
      const now = this.o.clock.now();
      const holder = lease ? holderOf(lease, this.durationSeconds) : null;
      if (holder && holder.identity !== this.identity && holder.identity !== finished && !isStale(holder, now)) return { taken: false, holder };
      const previous = holder && holder.identity !== this.identity ? holder : null;
      try {
        this.held = lease ? await this.write(this.claimed(lease, now)) : await this.o.client.create<Lease>(Leases, this.o.namespace, this.fresh(now));
        return { taken: true, previous };
      } catch (err) {
        if (!isConflict(err)) throw err; // 409: another runner wrote it first; read who
      }
    }
    const holder = await this.holder();
    if (holder && holder.identity !== this.identity) return { taken: false, holder };
    throw new UnreachableError(`Lease ${this.o.namespace}/${this.name}: still changing after 3 attempts to take it`, { retryable: true });
  }

  hold(signal: AbortSignal, onLost: (holder: LeaseHolder | null) => void): void {
    const every = this.renewMs;
    void (async () => {
      let renewedAt = this.o.clock.now();
      let wait = every;
      while (!signal.aborted && this.held) {
        await this.o.clock.sleep(wait, signal);
        if (signal.aborted || !this.held) return;
        const now = this.o.clock.now();
        try {
          this.held = await this.write({ ...this.held, spec: { ...this.held.spec, renewTime: microTime(now) } });
          renewedAt = now;
          wait = every;
        } catch (err) {
          if (signal.aborted) return;
          if (isConflict(err) || isNotFound(err)) {
            const lease = await this.read().catch(() => undefined);
            if (lease === undefined) continue;
            const holder = lease ? holderOf(lease, this.durationSeconds) : null;
            // Our own renewal landed though its answer was lost: carry on from it.
            if (lease && holder?.identity === this.identity) {
              this.held = lease;
              continue;
            }
            this.held = null;
            return onLost(holder);
          }
          // Unreachable: keep trying, but once the Lease has expired another runner may hold it.
          if (this.o.clock.now() - renewedAt >= this.durationSeconds * 1000) {
            this.held = null;
            return onLost(null);
          }
          wait = Math.min(every, 1_000);
        }
      }
    })();
  }

  async release(): Promise<void> {
    const mine = this.held;
    this.held = null;
    if (!mine) return;
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const lease = await this.read();
        if (!lease || lease.spec?.holderIdentity !== this.identity) return;
        const { holderIdentity: _gone, ...spec } = lease.spec;
        try {
          await this.write({ ...lease, spec });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    } catch {
      // Best effort: an unreleased Lease goes stale after its duration.
    }
  }

  async holder(): Promise<LeaseHolder | null> {
    const lease = await this.read();
    return lease ? holderOf(lease, this.durationSeconds) : null;
  }

  private read(): Promise<Lease | null> {
    return this.o.client.tryGet<Lease>(Leases, this.o.namespace, this.name);
  }

  private write(lease: Lease): Promise<Lease> {
    return this.o.client.replace<Lease>(Leases, this.o.namespace, this.name, lease);
  }

  private fresh(now: number): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.o.namespace, labels: markerLabels(this.o.rollout) },
      spec: { holderIdentity: this.identity, leaseDurationSeconds: this.durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
    };
  }

  private claimed(lease: Lease, now: number): Lease {
    const spec = lease.spec ?? {};
    const same = spec.holderIdentity === this.identity;
    return {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: same && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (same ? 0 : 1),
      },
    };
  }
}

function holderOf(lease: Lease, defaultSeconds: number): LeaseHolder | null {
  const identity = lease.spec?.holderIdentity;
  if (!identity) return null;
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
  return { identity, renewedAt: Number.isNaN(renewed) ? null : renewed, durationMs: (lease.spec?.leaseDurationSeconds ?? defaultSeconds) * 1000 };
}

/** Not renewed within its duration (or never): its holder is gone. */
function isStale(h: LeaseHolder, now: number): boolean {
  return h.renewedAt === null || now - h.renewedAt > h.durationMs;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
