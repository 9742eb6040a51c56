/**
 * The provider sections beyond Prometheus and web, as read from an AnalysisTemplate: Argo's field
 * names and defaults (pkg/apis/rollouts/v1alpha1/analysis_types.go), strings still holding
 * `{{args.x}}` until a run resolves them. Durations that may come from args stay Go duration text
 * ("5m") and are parsed when measured; lint parses the literal ones.
 */
import type { JsonObject } from './types.js';

/** Prometheus authentication.sigv4 (Amazon Managed Prometheus). */
export interface Sigv4Spec {
  /** null: the region of the AWS configuration (AWS_REGION, the profile's region). */
  region: string | null;
  /** A profile of the shared config/credentials files; null: AWS_PROFILE or `default`. */
  profile: string | null;
  /** A role to assume with the credentials found; null: sign with them directly. */
  roleArn: string | null;
}

/** Argo's job provider: a batch/v1 Job whose success or failure is the measurement. */
export interface JobMetricSpec {
  kind: 'job';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The JobSpec as written; the API server validates it when the Job is created. */
  spec: JsonObject;
}

export interface DatadogSpec {
  kind: 'datadog';
  /** Argo's default is v1. */
  apiVersion: 'v1' | 'v2';
  /** The query window ending now, Go duration text; default "5m". */
  interval: string;
  /** `query` (v1 or v2); null when `queries` is used. */
  query: string | null;
  /** v2 only: name -> query, referenced by `formula`. */
  queries: Record<string, string> | null;
  formula: string | null;
  /** v2 only: avg, min, max, sum, last, percentile, mean, l2norm, area; null = Argo's "last". */
  aggregator: string | null;
  /** The Secret holding api-key, app-key (and address); name null = env, then the `datadog` Secret. */
  secretRef: { name: string | null; namespaced: boolean };
  /** Go duration text; default "10s". */
  requestTimeout: string;
}

export interface NewRelicSpec {
  kind: 'newRelic';
  /** The Secret with the account's settings; null = `newrelic`. */
  profile: string | null;
  query: string;
  /** NRQL timeout in seconds; null = Argo's 5. */
  timeout: number | null;
}

export interface CloudWatchMetricStat {
  metric: { dimensions: { name: string; value: string }[]; metricName: string; namespace: string | null };
  /** Seconds (IntOrString). */
  period: number | string;
  stat: string;
  unit: string | null;
}

export interface CloudWatchQuery {
  id: string;
  expression: string | null;
  label: string | null;
  metricStat: CloudWatchMetricStat | null;
  period: number | string | null;
  returnData: boolean | null;
}

export interface CloudWatchSpec {
  kind: 'cloudWatch';
  /** The window ending now, Go duration text; default "5m". */
  interval: string;
  metricDataQueries: CloudWatchQuery[];
}

export interface GraphiteSpec {
  kind: 'graphite';
  address: string;
  /** The render API's query string, e.g. `target=sumSeries(a.b.*)&from=-5min`. */
  query: string;
}

export interface InfluxdbSpec {
  kind: 'influxdb';
  /** The Secret with authToken, org and address; null = `influxdb`. */
  profile: string | null;
  /** A Flux query. */
  query: string;
}

/** One metric the judge compares between baseline and canary. */
export interface JudgeMetric {
  name: string;
  /** A PromQL query with `{{scope}}` where each side's selector goes. */
  query: string;
  /** Which move fails the canary: increase (higher is worse), decrease, or either. */
  direction: 'increase' | 'decrease' | 'either';
  /** A critical metric that is not Pass fails the judgement on its own. */
  critical: boolean;
  /** Share of the score (relative to the other metrics' weights); default 1. */
  weight: number;
  /** Fewer samples than this on either side: NoData. Default 10. */
  minSamples: number;
  /** The shift tolerated, as a fraction of the shift's own size (Kayenta's 0.25). */
  tolerance: number;
  /** NaN samples: removed (default) or replaced by 0. */
  nanStrategy: 'remove' | 'replace';
  /**
   * Kayenta's mean-ratio effect size (canary mean / baseline mean): a High needs a ratio of at
   * least allowedIncrease, a Low at most allowedDecrease; a critical metric fails the judgement on
   * its own only past criticalIncrease / criticalDecrease. All default to 1 (any significant move).
   */
  effectSize: { allowedIncrease: number; allowedDecrease: number; criticalIncrease: number; criticalDecrease: number };
}

/** The built-in canary-versus-baseline judge (provider.plugin["canary/judge"]). */
export interface JudgeSpec {
  kind: 'judge';
  /** Prometheus address; null: --prometheus-address / ARGO_ROLLOUTS_PROMETHEUS_ADDRESS. */
  address: string | null;
  /** What `{{scope}}` becomes for each side, e.g. `pod_template_hash="abc"` or `deployment="x"`. */
  baseline: string;
  canary: string;
  /** The window the samples cover, ending now, Go duration text; default "5m". */
  lookback: string;
  /** Sample spacing, Go duration text; default "15s". */
  step: string;
  metrics: JudgeMetric[];
  /** Scores (0-100) at or above `pass` pass; at or above `marginal` are inconclusive; below fail. */
  thresholds: { pass: number; marginal: number };
  /** The confidence level of the shift's interval, 0.98 as Kayenta's judge. */
  confidence: number;
  /** Each Prometheus query's timeout. */
  timeoutMs: number;
  insecure: boolean;
}
