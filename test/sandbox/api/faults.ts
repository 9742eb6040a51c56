/**
 * Fault injection for reliability tests: latency, error answers (500, 429 with Retry-After, 409,
 * 503), dropped connections and cut watch streams, each limited by a filter. Every random choice
 * comes from one seeded PRNG, so a run with the same seed and the same request sequence fails the
 * same requests.
 */

export interface FaultFilter {
  /** Kubernetes verbs (get, list, watch, create, update, patch, delete, deletecollection); non-resource requests use the HTTP method. */
  verbs?: string[];
  /** Plain resource names ('deployments', 'configmaps', 'services'); a subresource matches as 'services/proxy'. */
  resources?: string[];
  namespaces?: string[];
  /** true: only watch requests; false: only other requests. */
  watch?: boolean;
}

/** What a fault filter is matched against. */
export interface RequestFacts {
  verb: string;
  resource: string;
  subresource: string;
  namespace: string;
  watch: boolean;
  /** Resource requests only; discovery, health and version requests are never faulted. */
  isResource: boolean;
}

export type Fault =
  | { kind: 'latency'; ms: number | { min: number; max: number }; share?: number; match?: FaultFilter }
  | { kind: 'status'; code: 500 | 503; share: number; match?: FaultFilter }
  | { kind: 'status'; code: 429; share: number; retryAfterSeconds?: number; match?: FaultFilter }
  | { kind: 'status'; code: 409; share: number; match?: FaultFilter }
  | { kind: 'drop'; share: number; match?: FaultFilter }
  | { kind: 'cut-watches'; everyMs: number; match?: FaultFilter };

/** What the server does to one request. */
export interface FaultPlan {
  delayMs: number;
  action: { kind: 'none' } | { kind: 'drop' } | { kind: 'status'; code: 500 | 503 | 409 } | { kind: 'status'; code: 429; retryAfterSeconds: number };
}

export type WatchCutter = (match: FaultFilter | undefined) => number;

export class Faults {
  private readonly faults = new Map<number, Fault>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;
  private random: () => number;
  /** Set by the server: cuts the open watch streams that match, returns how many. */
  cutter: WatchCutter = () => 0;

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  /** Restart the PRNG: the same seed and request sequence reproduces the same faults. */
  seed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** Adds a fault; returns a function that removes it. */
  add(fault: Fault): () => void {
    validate(fault);
    const id = this.nextId++;
    this.faults.set(id, structuredClone(fault));
    if (fault.kind === 'cut-watches') {
      const timer = setInterval(() => this.cutter(fault.match), fault.everyMs);
      timer.unref();
      this.timers.set(id, timer);
    }
    return () => this.remove(id);
  }

  latency(ms: number | { min: number; max: number }, match?: FaultFilter, share = 1): () => void {
    return this.add({ kind: 'latency', ms, share, ...(match ? { match } : {}) });
  }

  /** A share (0..1) of matching requests answered 500 InternalError. */
  internalErrors(share: number, match?: FaultFilter): () => void {
    return this.add({ kind: 'status', code: 500, share, ...(match ? { match } : {}) });
  }

  /** A share of matching requests answered 429 with `Retry-After: retryAfterSeconds`, as API Priority and Fairness does. */
  tooManyRequests(share: number, retryAfterSeconds = 1, match?: FaultFilter): () => void {
    return this.add({ kind: 'status', code: 429, share, retryAfterSeconds, ...(match ? { match } : {}) });
  }

  /** A share of matching requests answered 409 Conflict (a write that lost a race). */
  conflicts(share: number, match?: FaultFilter): () => void {
    return this.add({ kind: 'status', code: 409, share, ...(match ? { match } : {}) });
  }

  /** A share of matching requests whose connection is destroyed before any answer. */
  dropConnections(share: number, match?: FaultFilter): () => void {
    return this.add({ kind: 'drop', share, ...(match ? { match } : {}) });
  }

  /** Cut matching open watch streams every `everyMs`. */
  cutWatchesEvery(everyMs: number, match?: FaultFilter): () => void {
    return this.add({ kind: 'cut-watches', everyMs, ...(match ? { match } : {}) });
  }

  /** Cut matching open watch streams now; returns how many were cut. */
  cutWatchesNow(match?: FaultFilter): number {
    return this.cutter(match);
  }

  get active(): Fault[] {
    return [...this.faults.values()].map((f) => structuredClone(f));
  }

  clear(): void {
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    this.faults.clear();
  }

  /** Decide the fate of one request (draws from the PRNG once per matching fault with a share). */
  plan(facts: RequestFacts): FaultPlan {
    const plan: FaultPlan = { delayMs: 0, action: { kind: 'none' } };
    if (!facts.isResource) return plan;
    for (const f of this.faults.values()) {
      if (!filterMatches(f.match, facts)) continue;
      switch (f.kind) {
        case 'latency':
          if (this.hit(f.share ?? 1)) plan.delayMs += typeof f.ms === 'number' ? f.ms : f.ms.min + this.random() * (f.ms.max - f.ms.min);
          break;
        case 'status':
          if (this.hit(f.share) && plan.action.kind === 'none') {
            plan.action = f.code === 429 ? { kind: 'status', code: 429, retryAfterSeconds: f.retryAfterSeconds ?? 1 } : { kind: 'status', code: f.code };
          }
          break;
        case 'drop':
          if (this.hit(f.share) && plan.action.kind === 'none') plan.action = { kind: 'drop' };
          break;
        case 'cut-watches':
          break;
      }
    }
    return plan;
  }

  private hit(share: number): boolean {
    const draw = this.random();
    return draw < share;
  }

  private remove(id: number): void {
    const t = this.timers.get(id);
    if (t) clearInterval(t);
    this.timers.delete(id);
    this.faults.delete(id);
  }
}

export function filterMatches(f: FaultFilter | undefined, facts: Omit<RequestFacts, 'isResource'>): boolean {
  if (!f) return true;
  if (f.verbs && !f.verbs.includes(facts.verb)) return false;
  if (f.resources) {
    const full = facts.subresource ? `${facts.resource}/${facts.subresource}` : facts.resource;
    if (!f.resources.includes(full) && !(facts.subresource === '' && f.resources.includes(facts.resource))) return false;
  }
  if (f.namespaces && !f.namespaces.includes(facts.namespace)) return false;
  if (f.watch !== undefined && f.watch !== facts.watch) return false;
  return true;
}

function validate(f: Fault): void {
  if ('share' in f && f.share !== undefined && (f.share < 0 || f.share > 1)) throw new Error(`fault share must be within 0..1, got ${f.share}`);
  if (f.kind === 'cut-watches' && !(f.everyMs > 0)) throw new Error(`cut-watches needs everyMs > 0, got ${f.everyMs}`);
  if (f.kind === 'latency' && typeof f.ms !== 'number' && f.ms.max < f.ms.min) throw new Error('latency range max < min');
}

/** A small, fast, seedable PRNG (mulberry32): reproducible fault sequences. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
