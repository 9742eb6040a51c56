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
  /**
   * The pod selector and template (metadata + spec) exactly as written, copied into the
   * Deployments. null only with workloadRef when the referenced Deployment is not among the files:
   * `canary run` reads them from the cluster (a ResolvedRollout).
   */
  selector: LabelSelector | null;
  template: JsonObject | null;
  /** spec.workloadRef: the Deployment the template and selector come from; null when written inline. */
  workloadRef: WorkloadRef | null;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  progressDeadlineMs: number;
  progressDeadlineAbort: boolean;
  strategy: RolloutStrategy;
}

/** A Rollout whose selector and pod template are known (written inline, or read from the workloadRef's Deployment). */
export type ResolvedRollout = RolloutSpec & { selector: LabelSelector; template: JsonObject };

export function isResolved(r: RolloutSpec): r is ResolvedRollout {
  return r.selector !== null && r.template !== null;
}

/**
 * spec.workloadRef (apps/v1 Deployment). scaleDown, as Argo: never (the default) leaves the
 * Deployment alone; onsuccess scales it to 0 once the first deploy is healthy; progressively
 * scales it down by as many pods as the first deploy has ready, and to 0 once healthy.
 */
export interface WorkloadRef {
  loc: Loc;
  name: string;
  scaleDown: 'never' | 'onsuccess' | 'progressively';
}

/**
 * The Rollout's strategy. Every place that must treat the strategies differently switches on
 * `kind` (assertNever), so a new strategy fails to compile until each has learnt it.
 */
export type RolloutStrategy = CanaryStrategy | BlueGreenStrategy;
export type StrategyKind = RolloutStrategy['kind'];

export interface CanaryStrategy {
  kind: 'canary';
  canaryService: string | null;
  stableService: string | null;
  trafficRouting: TrafficRouting;
  /**
   * trafficRouting.managedRoutes: the header and mirror routes the steps may set, in Argo's order
   * (kept here, beside the router, so each router kind's variant need not carry it).
   */
  managedRoutes: ManagedRouteName[];
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

/**
 * strategy.blueGreen, with Argo's defaults. The new revision runs in the canary Deployment (the
 * preview stack), the active one in the stable Deployment; activeService is the stable track's
 * Service, previewService the canary track's.
 */
export interface BlueGreenStrategy {
  kind: 'blueGreen';
  activeService: string;
  previewService: string | null;
  /** null: the preview stack runs at spec.replicas. */
  previewReplicaCount: number | null;
  /** Default true; false pauses before the switch until `canary promote`. */
  autoPromotionEnabled: boolean;
  /** With auto-promotion: how long to pause before the switch; 0 = no pause. */
  autoPromotionMs: number;
  prePromotionAnalysis: AnalysisRef | null;
  postPromotionAnalysis: AnalysisRef | null;
  /** How long the previous revision keeps its pods after the active Service left it (default 30 s). */
  scaleDownDelayMs: number;
  /** null: no limit. 0: the previous revision is scaled down at once (no delay). */
  scaleDownDelayRevisionLimit: number | null;
  /** 0 means: keep the aborted preview's pods. */
  abortScaleDownDelayMs: number;
  maxUnavailable: IntOrPercent;
  activeMetadata: PodMetadata | null;
  previewMetadata: PodMetadata | null;
}

export type TrafficRouting =
  | { kind: 'smi'; loc: Loc; rootService: string | null; trafficSplitName: string | null }
  /** headerRoutes: the routes that get header and mirror rules (`httpRoute`, and `httpRoutes` with useHeaderRoutes). */
  | { kind: 'gatewayAPI'; loc: Loc; httpRoutes: string[]; headerRoutes: string[]; namespace: string | null }
  | { kind: 'istio'; loc: Loc; virtualServices: IstioVirtualService[]; destinationRule: IstioDestinationRule | null }
  | { kind: 'nginx'; loc: Loc; stableIngresses: string[]; annotationPrefix: string; additionalIngressAnnotations: Record<string, string>; canaryIngressAnnotations: Record<string, string> }
  | { kind: 'traefik'; loc: Loc; weightedTraefikServiceName: string }
  | { kind: 'none' };

/** trafficRouting.istio.virtualService(s)[]: `name` may be `name.namespace`; empty selectors mean "the only route of that kind". */
export interface IstioVirtualService {
  name: string;
  routes: string[];
  tlsRoutes: { port: number | null; sniHosts: string[] }[];
  tcpRoutes: { port: number | null }[];
}

/** trafficRouting.istio.destinationRule: subset-level splitting. */
export interface IstioDestinationRule {
  name: string;
  canarySubsetName: string;
  stableSubsetName: string;
  additionalSubsetNames: string[];
}

/**
 * One step. Argo lets setCanaryScale share a step with setWeight, pause or a route step (only
 * setWeight, pause, experiment and analysis exclude each other): such a step is read as its
 * setWeight, pause or route step with `canaryScale` set, and scales the canary as a setCanaryScale
 * step would. A header or mirror route may also share a step with any of them: it is carried in
 * `routes` and written when the step begins, as Argo's reconciler sets a step's routes before its
 * weight; the step completes as its main kind says (routes/routeChanges).
 */
export type Step =
  | { kind: 'setWeight'; loc: Loc; weight: number; canaryScale?: CanaryScale; routes?: RouteChange[] }
  /** durationMs null = wait until `canary promote`. */
  | { kind: 'pause'; loc: Loc; durationMs: number | null; canaryScale?: CanaryScale; routes?: RouteChange[] }
  | { kind: 'analysis'; loc: Loc; analysis: AnalysisRef; routes?: RouteChange[] }
  | { kind: 'setCanaryScale'; loc: Loc; scale: CanaryScale }
  | (HeaderRouteChange & { canaryScale?: CanaryScale; routes?: RouteChange[] })
  | (MirrorRouteChange & { canaryScale?: CanaryScale; routes?: RouteChange[] })
  | { kind: 'experiment'; loc: Loc; experiment: ExperimentStep; routes?: RouteChange[] };

/** match null: the step removes the route (Argo's setHeaderRoute without match). */
export interface HeaderRouteChange {
  kind: 'setHeaderRoute';
  loc: Loc;
  name: string;
  match: HeaderRouteMatch[] | null;
}

/** match null: the step removes the route. percentage: of the matched requests, mirrored (default 100). */
export interface MirrorRouteChange {
  kind: 'setMirrorRoute';
  loc: Loc;
  name: string;
  percentage: number;
  match: RequestMatch[] | null;
}

/** A header or mirror route a step sets or removes, as the step itself or beside its main kind. */
export type RouteChange = HeaderRouteChange | MirrorRouteChange;

export interface ManagedRouteName {
  loc: Loc;
  name: string;
}

/** Argo's StringMatch: exactly one of exact, prefix or regex. */
export interface StringMatch {
  kind: 'exact' | 'prefix' | 'regex';
  value: string;
}

/** setHeaderRoute.match[]: all of them must hold for a request to go to the canary. */
export interface HeaderRouteMatch {
  headerName: string;
  headerValue: StringMatch;
}

/** setMirrorRoute.match[]: one of them must hold; within one, every field set must. */
export interface RequestMatch {
  method: StringMatch | null;
  path: StringMatch | null;
  headers: { name: string; value: StringMatch }[];
}

/**
 * Argo's RolloutExperimentStep: Deployments of the stable or canary pod template that run beside the
 * rollout's own while analyses judge them. durationMs counts from when every template is available.
 */
export interface ExperimentStep {
  durationMs: number | null;
  templates: ExperimentTemplate[];
  analyses: ExperimentAnalysis[];
}

export interface ExperimentTemplate {
  loc: Loc;
  name: string;
  specRef: 'stable' | 'canary';
  /** Argo's default: 1. */
  replicas: number;
  /** The template's Service: null when none; '' for the default name (the Deployment's). */
  service: string | null;
  /** The template's selector (matchLabels and matchExpressions); null: the Rollout's selector. */
  selector: LabelSelector | null;
  /** Where the selector is written (lint checks the pods' labels against it); null without one. */
  selectorLoc: Loc | null;
  metadata: PodMetadata | null;
  /** Argo's template weight: the share of traffic its Service gets while the experiment runs; null: none. */
  weight: { value: number; loc: Loc } | null;
}

export interface ExperimentAnalysis {
  loc: Loc;
  name: string;
  ref: AnalysisRef;
  requiredForCompletion: boolean;
}

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
  | JobMetricSpec
  | DatadogSpec
  | NewRelicSpec
  | CloudWatchSpec
  | GraphiteSpec
  | InfluxdbSpec
  | JudgeSpec;

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
import type { CloudWatchSpec, DatadogSpec, GraphiteSpec, InfluxdbSpec, JobMetricSpec, JudgeSpec, NewRelicSpec, Sigv4Spec } from './provider-specs.js';

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
  oauth2: OAuth2Spec | null;
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
  /** authentication.oauth2: a client-credentials token sent as `Authorization: Bearer`. */
  oauth2: OAuth2Spec | null;
}

/** Argo's OAuth2Config (Prometheus and web authentication.oauth2). */
export interface OAuth2Spec {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
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

/** apps/v1 Deployment documents: what a Rollout's workloadRef may name, for lint's checks. */
export interface DeploymentSpec {
  loc: Loc;
  source: Locator;
  name: string;
  namespace: string | null;
  replicas: number;
  selector: LabelSelector;
  template: JsonObject;
}

/** Everything read from the files given on the command line. */
/** v1 ConfigMap argo-rollouts-notification-configmap: Argo's notification services (src/notify reads `data`). */
export interface NotificationConfigSpec {
  loc: Loc;
  name: string;
  namespace: string | null;
  data: Record<string, string>;
}

export interface SpecSet {
  rollouts: RolloutSpec[];
  templates: AnalysisTemplateSpec[];
  services: ServiceSpec[];
  deployments: DeploymentSpec[];
  /** argo-rollouts-notification-configmap, when the files hold it. */
  notificationConfigs: NotificationConfigSpec[];
  /** Files that were read, in order. */
  files: string[];
}
