/**
 * What a metric provider is to canary: an adapter that takes measurements and can be pinged before
 * a run, built from what every provider shares (the clock, how to reach in-cluster addresses, the
 * environment) plus its own options. One definition per provider kind the manifest parser
 * produces, registered in registry.ts.
 */
import type { ProviderSpec } from '../manifests/types.js';
import type { Clock } from '../util/clock.js';
import type { Via } from './endpoint.js';
import type { ProviderResult } from '../analysis/provider.js';
import type { ServiceProxy } from '../kube/service-proxy.js';

/** `prometheus`, `web`: the kinds the manifest parser produces. */
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
  /** Where a provider reads its credentials (API keys, tokens). */
  env: NodeJS.ProcessEnv;
}

/** Preflight's answer for one provider endpoint: what answered, or what is wrong and what to do. */
export type PingResult = { ok: true; message: string } | { ok: false; message: string; hint: string };

export interface MetricAdapter<S> {
  /** One measurement; query, HTTP and parse failures are `{ ok: false }`. Rejects only when `signal` aborts. */
  measure(spec: S, signal: AbortSignal): Promise<ProviderResult>;
  /** Preflight for a metric as written (its args not resolved yet): can the provider be reached? No side effects. Rejects only when `signal` aborts. */
  ping(spec: S, signal: AbortSignal): Promise<PingResult>;
}

export interface ProviderDefinition<K extends ProviderKind, O> {
  readonly kind: K;
  /** Where this metric's requests go, as far as known before its args are resolved; null when not known yet (a placeholder) or unset. */
  endpoint(spec: ProviderSpecOf<K>, options: O): string | null;
  create(shared: ProviderEnvironment, options: O): MetricAdapter<ProviderSpecOf<K>>;
}
