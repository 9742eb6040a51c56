/**
 * The normalized, typed model of the Argo Rollouts manifests canary reads.
 * Produced once by src/manifests (defaults filled, durations in ms); the engine never sees "30s".
 * Strings in conditions and provider fields may still hold `{{args.x}}` placeholders: they are
 * resolved per run by src/analysis/args.ts, because secret values must be read at run time.
 */
import type { Loc, Locator } from './issues.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values?: string[] }[];
}

/** Either an absolute count or a percentage ("25%"), as Kubernetes IntOrString. */
export type IntOrPercent = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

export interface PodMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RolloutSpec {
  loc: Loc;
  source: Locator;
  name: string;
  /** metadata.namespace; null when the manifest leaves it to -n / the context. */
  namespace: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  replicas: number;
  selector: LabelSelector;
  /** The pod template (metadata + spec) exactly as written; copied into the Deployments. */
  template: JsonObject;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  progressDeadlineMs: number;
  progressDeadlineAbort: boolean;
  canary: CanaryStrategy;
}

export interface CanaryStrategy {
  canaryService: string | null;
  stableService: string | null;
  trafficRouting: TrafficRouting;
  steps: Step[];
  /** Background analysis; null when the Rollout has none. */
  analysis: BackgroundAnalysis | null;
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  scaleDownDelayMs: number;
  /** 0 means: keep the aborted canary's pods. */
  abortScaleDownDelayMs: number;
  dynamicStableScale: boolean;
  minPodsPerReplicaSet: number;
  canaryMetadata: PodMetadata | null;
  stableMetadata: PodMetadata | null;
}

export type TrafficRouting =
  | { kind: 'smi'; loc: Loc; rootService: string | null; trafficSplitName: string | null }
  | { kind: 'gatewayAPI'; loc: Loc; httpRoutes: string[]; namespace: string | null }
  | { kind: 'none' };

/**
 * One step. Argo lets setCanaryScale share a step with setWeight or pause (only setWeight, pause,
 * experiment and analysis exclude each other): such a step is read as its setWeight or pause with
 * `canaryScale` set, and scales the canary as a setCanaryScale step would.
 */
export type Step =
  | { kind: 'setWeight'; loc: Loc; weight: number; canaryScale?: CanaryScale }
  /** durationMs null = wait until `canary promote`. */
  | { kind: 'pause'; loc: Loc; durationMs: number | null; canaryScale?: CanaryScale }
  | { kind: 'analysis'; loc: Loc; analysis: AnalysisRef }
  | { kind: 'setCanaryScale'; loc: Loc; scale: CanaryScale };

export type StepKind = Step['kind'];

export type CanaryScale =
  | { kind: 'replicas'; replicas: number }
  | { kind: 'weight'; weight: number }
  | { kind: 'matchTrafficWeight' };

export interface TemplateRef {
  loc: Loc;
  templateName: string;
  clusterScope: boolean;
}

export interface DryRunRule {
  loc: Loc;
  /** A regular expression matched against metric names (Argo: Go regexp.MatchString, unanchored). */
  metricName: string;
}

export interface RetentionRule {
  loc: Loc;
  metricName: string;
  limit: number;
}

/** A Rollout's reference to analysis: a step's `analysis` or the background one. */
export interface AnalysisRef {
  loc: Loc;
  templates: TemplateRef[];
  args: RolloutArg[];
  dryRun: DryRunRule[];
  measurementRetention: RetentionRule[];
}

export interface BackgroundAnalysis extends AnalysisRef {
  startingStep: number;
}

export interface RolloutArg {
  loc: Loc;
  name: string;
  source:
    | { kind: 'value'; value: string }
    | { kind: 'podTemplateHash'; which: 'Stable' | 'Latest' }
    | { kind: 'fieldRef'; fieldPath: string };
}

export interface TemplateArg {
  loc: Loc;
  name: string;
  source:
    | { kind: 'none' } // must be supplied by the Rollout or --arg
    | { kind: 'value'; value: string }
    | { kind: 'secretKeyRef'; secretName: string; key: string }
    | { kind: 'fieldRef'; fieldPath: string };
}

export interface AnalysisTemplateSpec {
  loc: Loc;
  source: Locator;
  kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  name: string;
  /** null for ClusterAnalysisTemplate, or when the manifest leaves it to -n. */
  namespace: string | null;
  args: TemplateArg[];
  metrics: MetricSpec[];
  dryRun: DryRunRule[];
  measurementRetention: RetentionRule[];
  /** Composition: other templates whose metrics and args this one includes. */
  templates: TemplateRef[];
}

export interface MetricSpec {
  loc: Loc;
  source: Locator;
  name: string;
  /** null: a single measurement (unless count > 1, which validation rejects without an interval). */
  intervalMs: number | null;
  initialDelayMs: number;
  /** null when unset; see effectiveCount in src/analysis. */
  count: number | null;
  successCondition: string | null;
  failureCondition: string | null;
  /** -1 disables the failure limit (only together with consecutiveSuccessLimit > 0). */
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  /** 0 = disabled. */
  consecutiveSuccessLimit: number;
  provider: ProviderSpec;
  /**
   * Numeric fields written as `{{args.x}}`: their text, resolved and parsed per run (the field above
   * holds its default until then). Empty once resolved.
   */
  templated: TemplatedNumber[];
}

export type NumberField = 'interval' | 'initialDelay' | 'count' | 'failureLimit' | 'inconclusiveLimit' | 'consecutiveErrorLimit' | 'consecutiveSuccessLimit';

export interface TemplatedNumber {
  field: NumberField;
  text: string;
}

export type ProviderSpec =
  | PrometheusSpec
  | WebSpec
  | DatadogSpec
  | NewRelicSpec
  | CloudWatchSpec
  | GraphiteSpec
  | InfluxdbSpec;

export type {
  CloudWatchMetricStat,
  CloudWatchQuery,
  CloudWatchSpec,
  DatadogSpec,
  GraphiteSpec,
  InfluxdbSpec,
  JobMetricSpec,
  JudgeMetric,
  JudgeSpec,
  NewRelicSpec,
  Sigv4Spec,
} from './provider-specs.js';
import type { CloudWatchSpec, DatadogSpec, GraphiteSpec, InfluxdbSpec, NewRelicSpec, Sigv4Spec } from './provider-specs.js';

export interface HeaderSpec {
  key: string;
  value: string;
}

export interface PrometheusSpec {
  kind: 'prometheus';
  /** null: fall back to ARGO_ROLLOUTS_PROMETHEUS_ADDRESS / --prometheus-address. */
  address: string | null;
  query: string;
  timeoutMs: number;
  insecure: boolean;
  headers: HeaderSpec[];
  basicAuth: { username: string; password: string } | null;
  oauth2: { tokenUrl: string; clientId: string; clientSecret: string; scopes: string[] } | null;
  /** Range query; start/end are time expressions such as `now() - duration("5m")`. */
  rangeQuery: { start: string; end: string; stepMs: number } | null;
  /** authentication.sigv4 (Amazon Managed Prometheus): requests are signed with AWS credentials. */
  sigv4: Sigv4Spec | null;
}

export interface WebSpec {
  kind: 'web';
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: HeaderSpec[];
  /** Raw body, or jsonBody serialized; at most one of the two is set. */
  body: string | null;
  jsonBody: JsonValue | null;
  timeoutMs: number;
  /** e.g. `{$.data.ok}`; null = the whole JSON response. */
  jsonPath: string | null;
  insecure: boolean;
}

export interface ServiceSpec {
  loc: Loc;
  source: Locator;
  name: string;
  namespace: string | null;
  selector: Record<string, string>;
  ports: { name: string | null; port: number; targetPort: number | string | null; protocol: string }[];
  /** The document as written, for `run --apply-services`. */
  manifest: JsonObject;
}

/** Everything read from the files given on the command line. */
export interface SpecSet {
  rollouts: RolloutSpec[];
  templates: AnalysisTemplateSpec[];
  services: ServiceSpec[];
  /** Files that were read, in order. */
  files: string[];
}
