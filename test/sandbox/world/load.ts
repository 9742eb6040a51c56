/**
 * A load generator in the manner of slow_cooker: a client Deployment calls a Service at a steady
 * rate through the mesh, so its proxy's outbound metrics carry `deployment="<client>"`. It counts
 * what the users received, per backend Service and over time, which is the blast radius of a bad
 * release. Always bounded: it stops by itself after `maxRequests` or `durationMs`.
 */
import { systemClock, type Clock } from '../../../src/util/clock.js';
import type { Mesh, MeshResult } from './mesh/mesh.js';

export interface LoadOptions {
  mesh: Mesh;
  clock?: Clock;
  from: { namespace: string; deployment: string };
  to: { namespace: string; service: string; port?: number };
  rps: number;
  /** Request path, default `/get`. */
  path?: string;
  /** Host header, default the Service's cluster name; an Ingress host sends the load through ingress-nginx. */
  host?: string;
  method?: string;
  /**
   * A share (0-1) of the requests carries these headers (a tagged cohort, e.g. `X-Canary: yes`),
   * spread evenly: request n is tagged when floor(n x share) moves. Counted apart in `tagged`.
   */
  tag?: { share: number; headers: Record<string, string> };
  /** Stop after this many requests (default: one hour's worth at the starting rate). */
  maxRequests?: number;
  /** Stop after this long (default one hour). */
  durationMs?: number;
  /** Requests beyond this many in flight are dropped and counted (default 256). */
  maxInFlight?: number;
  /** Scheduling granularity (default 20 ms). */
  tickMs?: number;
  /** Width of one timeline bucket (default 1 s) and how many are kept (default 3600). */
  bucketMs?: number;
  maxBuckets?: number;
}

export interface Tally {
  ok: number;
  failed: number;
}

export interface TimelineBucket extends Tally {
  /** Bucket start, ms since the epoch. */
  t: number;
  byBackend: Record<string, Tally>;
}

export type StopReason = 'stopped' | 'max-requests' | 'duration';

export interface LoadStats extends Tally {
  /** Requests that left the client (ok + failed + in flight). */
  sent: number;
  inFlight: number;
  /** Requests not sent because the client Deployment had no Ready pod. */
  noSource: number;
  /** Requests not sent because maxInFlight was reached. */
  dropped: number;
  /**
   * Requests sent by a client pod without a Linkerd proxy (its namespace was not annotated
   * `linkerd.io/inject: enabled` when it started): they bypass TrafficSplits and HTTPRoutes.
   */
  unmeshed: number;
  /** Outcome per backend Service actually reached (`myapp-canary`); `(none)` when no backend answered. */
  byBackend: Record<string, Tally>;
  /** The tagged requests alone (LoadOptions.tag), by backend Service. */
  tagged: { sent: number; byBackend: Record<string, Tally> };
  byStatus: Record<string, number>;
  timeline: TimelineBucket[];
  rps: number;
  running: boolean;
  stopReason?: StopReason;
}

/** What a user counts as a failure: a 5xx, or no HTTP answer at all. */
export function failed(result: MeshResult): boolean {
  switch (result.outcome) {
    case 'response':
    case 'no-endpoints':
    case 'no-backend':
      return result.status >= 500;
    case 'unresolved':
      return true;
    case 'no-source':
      return false;
  }
}

export class LoadGenerator {
  private readonly clock: Clock;
  private readonly abort = new AbortController();
  private readonly s: LoadStats;
  private readonly maxRequests: number;
  private readonly durationMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private startedAt = 0;
  /** Every request attempted, sent or not: what maxRequests bounds. */
  private attempts = 0;
  private resolveDone!: (s: LoadStats) => void;
  /** Resolves with the final stats once the generator stopped and every request finished. */
  readonly done: Promise<LoadStats>;

  constructor(private readonly opts: LoadOptions) {
    if (!(opts.rps > 0)) throw new Error(`load: rps must be > 0, got ${opts.rps}`);
    this.clock = opts.clock ?? systemClock;
    this.durationMs = opts.durationMs ?? 3_600_000;
    this.maxRequests = opts.maxRequests ?? Math.ceil(opts.rps * 3600);
    if (opts.tag && !(opts.tag.share >= 0 && opts.tag.share <= 1)) throw new Error(`load: tag.share must be within 0-1, got ${opts.tag.share}`);
    this.s = { sent: 0, ok: 0, failed: 0, inFlight: 0, noSource: 0, dropped: 0, unmeshed: 0, byBackend: {}, tagged: { sent: 0, byBackend: {} }, byStatus: {}, timeline: [], rps: opts.rps, running: false };
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  start(): this {
    if (this.loop) return this;
    this.s.running = true;
    this.startedAt = this.clock.now();
    this.loop = this.run();
    return this;
  }

  setRate(rps: number): void {
    if (!(rps > 0)) throw new Error(`load: rps must be > 0, got ${rps}`);
    this.s.rps = rps;
  }

  /** Stops sending, aborts what is in flight, and waits until every request has ended. */
  async stop(): Promise<LoadStats> {
    this.finish('stopped');
    if (!this.loop) {
      this.s.running = false;
      this.resolveDone(this.stats());
    }
    return this.done;
  }

  stats(): LoadStats {
    return structuredClone({ ...this.s, inFlight: this.inFlight.size });
  }

  private finish(reason: StopReason): void {
    if (this.abort.signal.aborted) return;
    this.s.stopReason = reason;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    const tick = this.opts.tickMs ?? 20;
    let last = this.clock.now();
    let credit = 1; // the first request goes out at once
    while (!this.abort.signal.aborted) {
      const now = this.clock.now();
      if (now - this.startedAt >= this.durationMs) {
        this.finish('duration');
        break;
      }
      // A stalled event loop must not turn into a burst: at most one second of credit.
      credit = Math.min(credit + ((now - last) * this.s.rps) / 1000, Math.max(1, this.s.rps));
      last = now;
      while (credit >= 1 && !this.abort.signal.aborted) {
        credit -= 1;
        if (this.attempts >= this.maxRequests) {
          this.finish('max-requests');
          break;
        }
        this.fire();
      }
      await this.clock.sleep(tick, this.abort.signal);
    }
    await Promise.all([...this.inFlight]);
    this.s.running = false;
    this.resolveDone(this.stats());
  }

  private fire(): void {
    const n = this.attempts++;
    if (this.inFlight.size >= (this.opts.maxInFlight ?? 256)) {
      this.s.dropped++;
      return;
    }
    const tag = this.opts.tag;
    const tagged = !!tag && Math.floor((n + 1) * tag.share) > Math.floor(n * tag.share);
    const p: Promise<void> = this.opts.mesh
      .request({
        from: this.opts.from,
        namespace: this.opts.to.namespace,
        service: this.opts.to.service,
        ...(this.opts.to.port !== undefined ? { port: this.opts.to.port } : {}),
        method: this.opts.method ?? 'GET',
        path: this.opts.path ?? '/get',
        ...(tagged || this.opts.host !== undefined ? { headers: { ...(this.opts.host !== undefined ? { host: this.opts.host } : {}), ...(tagged ? tag.headers : {}) } } : {}),
        signal: this.abort.signal,
      })
      .then((r) => this.record(r, tagged))
      .finally(() => this.inFlight.delete(p));
    if (tagged) this.s.tagged.sent++;
    this.s.sent++;
    this.inFlight.add(p);
  }

  private record(r: MeshResult, tagged: boolean): void {
    if (r.outcome === 'no-source') {
      // Nothing left the client after all.
      this.s.sent--;
      if (tagged) this.s.tagged.sent--;
      this.s.noSource++;
      return;
    }
    if ((r.outcome === 'response' || r.outcome === 'no-endpoints') && !r.meshedClient) this.s.unmeshed++;
    const bad = failed(r);
    const backend = r.outcome === 'response' || r.outcome === 'no-endpoints' ? r.backend.service : '(none)';
    const status = r.outcome === 'unresolved' ? 'unresolved' : String(r.status);
    bump(this.s, bad);
    bump((this.s.byBackend[backend] ??= { ok: 0, failed: 0 }), bad);
    if (tagged) bump((this.s.tagged.byBackend[backend] ??= { ok: 0, failed: 0 }), bad);
    this.s.byStatus[status] = (this.s.byStatus[status] ?? 0) + 1;
    const width = this.opts.bucketMs ?? 1000;
    const t = this.startedAt + Math.floor((this.clock.now() - this.startedAt) / width) * width;
    let bucket = this.s.timeline[this.s.timeline.length - 1];
    if (!bucket || bucket.t !== t) {
      bucket = { t, ok: 0, failed: 0, byBackend: {} };
      this.s.timeline.push(bucket);
      const max = this.opts.maxBuckets ?? 3600;
      if (this.s.timeline.length > max) this.s.timeline.splice(0, this.s.timeline.length - max);
    }
    bump(bucket, bad);
    bump((bucket.byBackend[backend] ??= { ok: 0, failed: 0 }), bad);
  }
}

function bump(t: Tally, bad: boolean): void {
  if (bad) t.failed++;
  else t.ok++;
}
