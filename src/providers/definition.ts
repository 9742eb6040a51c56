/**
 * What a metric provider is to canary: an adapter that takes measurements and can be pinged before
 * a run, built from what every provider shares (the clock, how to reach in-cluster addresses, the
 * environment, the cluster's Secrets and API) plus its own options. One definition per provider
 * kind the manifest parser produces, registered in registry.ts.
 */
import type { ProviderSpec } from '../manifests/types.js';
import type { Clock } from '../util/clock.js';
import type { Via } from './endpoint.js';
import type { MeasureContext, ProviderResult } from '../analysis/provider.js';
import type { SecretReader } from '../analysis/secrets.js';
import type { KubeClient } from '../kube/client.js';
import type { Permission } from '../kube/permissions.js';
import type { ServiceProxy } from '../kube/service-proxy.js';

/** `prometheus`, `web`, `datadog`...: the kinds the manifest parser produces. */
export type ProviderKind = ProviderSpec['kind'];
export type ProviderSpecOf<K extends ProviderKind> = Extract<ProviderSpec, { kind: K }>;

/** What every provider is built with. */
export interface ProviderEnvironment {
  clock: Clock;
  /** auto: in-cluster addresses that do not resolve here go through the API server's service proxy. */
  via: Via;
  /** Absent without a kubeconfig (e.g. `canary analyze` with no cluster). */
  serviceProxy?: ServiceProxy;
  /** Whether a host name resolves on this machine; defaults to a DNS lookup. */
  resolvesHost?: (host: string) => Promise<boolean>;
  /** Where a provider reads its credentials from on a workstation (API keys, AWS settings). */
  env: NodeJS.ProcessEnv;
  /** The Rollout's (or `canary analyze`'s) namespace: provider Secrets are read there, Jobs run there. */
  namespace?: string;
  /** The cluster's Secrets (Datadog, New Relic, InfluxDB credentials); absent without a cluster. */
  secrets?: SecretReader;
  /** The cluster's API (the job provider's Jobs); absent without a cluster. */
  kube?: KubeClient;
  /** Names the objects a provider creates (Jobs) after the Rollout, e.g. `myapp`. */
  owner?: string;
}

/** Preflight's answer for one provider endpoint: what answered, or what is wrong and what to do. */
export type PingResult = { ok: true; message: string } | { ok: false; message: string; hint: string };

export interface MetricAdapter<S> {
  /** One measurement; query, HTTP and parse failures are `{ ok: false }`. Rejects only when `signal` aborts. */
  measure(spec: S, signal: AbortSignal, context: MeasureContext): Promise<ProviderResult>;
  /** Preflight for a metric as written (its args not resolved yet): can the provider be reached? No side effects. Rejects only when `signal` aborts. */
  ping(spec: S, signal: AbortSignal): Promise<PingResult>;
}

export interface ProviderDefinition<K extends ProviderKind, O> {
  readonly kind: K;
  /** Where this metric's requests go, as far as known before its args are resolved; null when not known yet (a placeholder) or unset. */
  endpoint(spec: ProviderSpecOf<K>, options: O): string | null;
  /** What the metric measures, for `canary analyze --dry-run`: `datadog v2 avg:x{*} over 5m`. */
  describe(spec: ProviderSpecOf<K>, options: O): string;
  /** Set when the provider decides the phase itself (a Job, the judge): how, for messages; the conditions are not evaluated. */
  readonly decides?: string;
  /**
   * The Kubernetes permissions measuring needs in `namespace` (a Job's, a credentials Secret's), for
   * preflight and examples/rbac.yaml; `env` is the process environment (credentials found there need no Secret).
   */
  permissions(spec: ProviderSpecOf<K>, namespace: string, env: NodeJS.ProcessEnv): Permission[];
  create(shared: ProviderEnvironment, options: O): MetricAdapter<ProviderSpecOf<K>>;
}
