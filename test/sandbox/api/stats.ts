/**
 * Request accounting: counts by verb and by resource (benchmarks report API requests per minute
 * by verb) and a capped log of recent requests for debugging tests.
 */

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Kubernetes verb (watch included) or, for non-resource requests, the lower-case HTTP method. */
  verb: string;
  /** 'deployments.apps', 'deployments.apps/status', 'services/proxy'; '' for non-resource requests. */
  resource: string;
  status: number;
  /** Until the answer was complete (for a watch: until the stream ended). */
  ms: number;
  /** Why the answer is what it is, when that is not obvious (injected fault, patch failure detail). */
  note?: string;
}

export interface StatsSnapshot {
  since: string;
  elapsedMs: number;
  total: number;
  byVerb: Record<string, number>;
  /** resource -> verb -> count. */
  byResource: Record<string, Record<string, number>>;
  byStatus: Record<string, number>;
  /** Requests per minute by verb over the elapsed time. */
  perMinuteByVerb: Record<string, number>;
}

export class Stats {
  private since = Date.now();
  private total = 0;
  private byVerb: Record<string, number> = {};
  private byResource: Record<string, Record<string, number>> = {};
  private byStatus: Record<string, number> = {};
  private readonly entries: RequestLogEntry[] = [];

  constructor(private readonly logLimit = 1000) {}

  /** Counted when a request arrives (so cut watches and dropped connections count too). */
  count(verb: string, resource: string): void {
    this.total++;
    this.byVerb[verb] = (this.byVerb[verb] ?? 0) + 1;
    const key = resource || '(non-resource)';
    const r = (this.byResource[key] ??= {});
    r[verb] = (r[verb] ?? 0) + 1;
  }

  /** Logged when the answer is complete. */
  log(entry: RequestLogEntry): void {
    this.byStatus[String(entry.status)] = (this.byStatus[String(entry.status)] ?? 0) + 1;
    this.entries.push(entry);
    if (this.entries.length > this.logLimit) this.entries.splice(0, this.entries.length - this.logLimit);
  }

  snapshot(): StatsSnapshot {
    const elapsedMs = Date.now() - this.since;
    const minutes = Math.max(elapsedMs, 1) / 60000;
    const perMinuteByVerb: Record<string, number> = {};
    for (const [verb, n] of Object.entries(this.byVerb)) perMinuteByVerb[verb] = n / minutes;
    return {
      since: new Date(this.since).toISOString(),
      elapsedMs,
      total: this.total,
      byVerb: { ...this.byVerb },
      byResource: structuredClone(this.byResource),
      byStatus: { ...this.byStatus },
      perMinuteByVerb,
    };
  }

  /** The most recent requests, oldest first. */
  requests(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  reset(): void {
    this.since = Date.now();
    this.total = 0;
    this.byVerb = {};
    this.byResource = {};
    this.byStatus = {};
    this.entries.length = 0;
  }
}
