/**
 * Linkerd proxy HTTP metrics (linkerd2-proxy linkerd/http/metrics, and the labels Prometheus adds
 * from the `linkerd-proxy` scrape job): `request_total` per target, `response_latency_ms` per
 * target + status_code, `response_total` per target + status_code + classification. One registry
 * holds the series of every meshed pod; each series carries its pod's `namespace`, `pod`,
 * `deployment` and `pod_template_hash`, as the scrape job's relabelling would add them.
 */

/** linkerd2-proxy's latency bounds in milliseconds (linkerd/metrics/src/latency.rs). */
export const LATENCY_BOUNDS_MS = [1, 10, 50, 100, 200, 300, 400, 500, 1000, 5000, 10000] as const;

export type Labels = Readonly<Record<string, string>>;

interface Histogram {
  buckets: number[]; // one per bound, non-cumulative; +Inf is the count
  sum: number;
  count: number;
}

interface Target {
  pod: string; // "namespace/name", for removal with the pod
  labels: Labels;
  requests: number;
  byStatus: Map<number, { latency: Histogram; success: number; failure: number }>;
}

export type Classification = 'success' | 'failure';

/** Linkerd's default HTTP classifier: a 5xx (or no response at all) is a failure. */
export function classify(status: number): Classification {
  return status >= 500 ? 'failure' : 'success';
}

export class LinkerdMetrics {
  private readonly targets = new Map<string, Target>();

  /** The request stream began (request_total). Returns the series key for `response`. */
  request(pod: string, labels: Labels): string {
    const key = seriesKey(labels);
    let t = this.targets.get(key);
    if (!t) {
      t = { pod, labels, requests: 0, byStatus: new Map() };
      this.targets.set(key, t);
    }
    t.requests++;
    return key;
  }

  /** The response stream ended (response_total, response_latency_ms). */
  response(key: string, status: number, latencyMs: number): void {
    const t = this.targets.get(key);
    if (!t) return; // the pod went away while the request was in flight
    let s = t.byStatus.get(status);
    if (!s) {
      s = { latency: { buckets: LATENCY_BOUNDS_MS.map(() => 0), sum: 0, count: 0 }, success: 0, failure: 0 };
      t.byStatus.set(status, s);
    }
    const i = LATENCY_BOUNDS_MS.findIndex((b) => latencyMs <= b);
    if (i >= 0) s.latency.buckets[i]!++;
    s.latency.sum += Math.round(latencyMs);
    s.latency.count++;
    if (classify(status) === 'failure') s.failure++;
    else s.success++;
  }

  /** A deleted pod's proxy is gone, and with it every series it exported. */
  removePod(pod: string): void {
    for (const [k, t] of this.targets) if (t.pod === pod) this.targets.delete(k);
  }

  /** Sum of response_total over series whose labels include `match` (tests and benchmarks). */
  responses(match: Labels, classification?: Classification, status?: number): number {
    let n = 0;
    for (const t of this.targets.values()) {
      if (!Object.entries(match).every(([k, v]) => t.labels[k] === v)) continue;
      for (const [code, s] of t.byStatus) {
        if (status !== undefined && code !== status) continue;
        n += classification === undefined ? s.success + s.failure : s[classification];
      }
    }
    return n;
  }

  /** Prometheus text exposition format 0.0.4, families in the order the proxy writes them. */
  exposition(): string {
    if (this.targets.size === 0) return '';
    const out: string[] = [];
    out.push('# HELP request_total Total count of HTTP requests.', '# TYPE request_total counter');
    for (const t of this.targets.values()) out.push(`request_total${fmt(t.labels)} ${t.requests}`);

    out.push(
      "# HELP response_latency_ms Elapsed times between a request's headers being received and its response stream completing",
      '# TYPE response_latency_ms histogram',
    );
    for (const t of this.targets.values()) {
      for (const [code, s] of t.byStatus) {
        const labels = { ...t.labels, status_code: String(code) };
        let cumulative = 0;
        LATENCY_BOUNDS_MS.forEach((bound, i) => {
          cumulative += s.latency.buckets[i]!;
          out.push(`response_latency_ms_bucket${fmt({ ...labels, le: String(bound) })} ${cumulative}`);
        });
        out.push(`response_latency_ms_bucket${fmt({ ...labels, le: '+Inf' })} ${s.latency.count}`);
        out.push(`response_latency_ms_sum${fmt(labels)} ${s.latency.sum}`);
        out.push(`response_latency_ms_count${fmt(labels)} ${s.latency.count}`);
      }
    }

    out.push('# HELP response_total Total count of HTTP responses.', '# TYPE response_total counter');
    for (const t of this.targets.values()) {
      for (const [code, s] of t.byStatus) {
        const labels = { ...t.labels, status_code: String(code) };
        if (s.success) out.push(`response_total${fmt({ ...labels, classification: 'success' })} ${s.success}`);
        if (s.failure) out.push(`response_total${fmt({ ...labels, classification: 'failure' })} ${s.failure}`);
      }
    }
    return out.join('\n') + '\n';
  }
}

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

function fmt(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${parts.join(',')}}`;
}
