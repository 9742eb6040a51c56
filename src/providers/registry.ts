/**
 * Every metric provider canary speaks, by the provider kind the manifest parser produces. Adding a
 * provider: a definition file in this folder and one entry here; the `satisfies` clause fails to
 * compile until the new kind has its entry, and its options join ProviderOptions by themselves.
 */
import type { ProviderSpec } from '../manifests/types.js';
import type { MetricAdapter, PingResult, ProviderDefinition, ProviderEnvironment, ProviderKind } from './definition.js';
import { cloudWatch } from './cloudwatch.js';
import { datadog } from './datadog.js';
import { graphite } from './graphite.js';
import { influxdb } from './influxdb.js';
import { job } from './job.js';
import { judge } from './judge/judge.js';
import { newRelic } from './newrelic.js';
import { prometheus } from './prometheus.js';
import type { MeasureContext, MetricProvider, ProviderResult } from '../analysis/provider.js';
import type { Permission } from '../kube/permissions.js';
import { web } from './web.js';

export const PROVIDERS = {
  prometheus,
  web,
  job,
  datadog,
  newRelic,
  cloudWatch,
  graphite,
  influxdb,
  judge,
} satisfies { readonly [K in ProviderKind]: ProviderDefinition<K, never> };

type OptionsOf<D> = D extends { create(shared: ProviderEnvironment, options: infer O): unknown } ? O : never;

/** Each provider's own options (e.g. `prometheus: { addressOverride }` from --prometheus-address). */
export type ProviderOptions = { [K in ProviderKind]?: OptionsOf<(typeof PROVIDERS)[K]> };

/** One preflight check: the first metric of each distinct provider endpoint. */
export interface ProviderProbe {
  /** The provider kind, as the check is named. */
  name: ProviderKind;
  endpoint: string;
  run(signal: AbortSignal): Promise<PingResult>;
}

/** A definition reached through a kind known only at run time. */
interface Erased {
  endpoint(spec: ProviderSpec, options: unknown): string | null;
  describe(spec: ProviderSpec, options: unknown): string;
  readonly decides?: string;
  permissions(spec: ProviderSpec, namespace: string, env: NodeJS.ProcessEnv): Permission[];
  create(shared: ProviderEnvironment, options: unknown): MetricAdapter<ProviderSpec>;
}

// The registry's type ties each kind to its spec and options; indexing it by a run-time kind loses that link.
const erased = (kind: ProviderKind): Erased => PROVIDERS[kind] as unknown as Erased;

/** The MetricProvider port over every registered provider, plus their preflight. */
export class MetricProviders implements MetricProvider {
  private readonly adapters = new Map<ProviderKind, MetricAdapter<ProviderSpec>>();

  constructor(
    private readonly shared: ProviderEnvironment,
    private readonly options: ProviderOptions = {},
  ) {}

  /** Takes one measurement with the provider of the spec's kind. */
  measure(spec: ProviderSpec, signal: AbortSignal, context: MeasureContext): Promise<ProviderResult> {
    return this.adapter(spec.kind).measure(spec, signal, context);
  }

  /** What a metric measures, for `canary analyze --dry-run`. */
  describe(spec: ProviderSpec): string {
    return erased(spec.kind).describe(spec, this.optionsOf(spec.kind));
  }

  /** The Kubernetes permissions measuring these metrics needs in `namespace` (Jobs, credentials Secrets). */
  permissions(specs: readonly ProviderSpec[], namespace: string): Permission[] {
    const seen = new Set<string>();
    return specs
      .flatMap((s) => erased(s.kind).permissions(s, namespace, this.shared.env))
      .filter((p) => {
        const key = `${p.verb} ${p.group} ${p.resource} ${p.subresource ?? ''} ${p.namespace}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }

  /** Where each metric's requests go, as far as known before args are resolved (for service-proxy permissions). */
  endpoints(specs: readonly ProviderSpec[]): string[] {
    return [...new Set(specs.map((s) => erased(s.kind).endpoint(s, this.optionsOf(s.kind))).filter((e): e is string => e !== null))];
  }

  /** One ping per distinct (kind, endpoint); metrics whose endpoint is known only once args are resolved are not pinged. */
  probes(specs: readonly ProviderSpec[]): ProviderProbe[] {
    const seen = new Set<string>();
    const out: ProviderProbe[] = [];
    for (const spec of specs) {
      const endpoint = erased(spec.kind).endpoint(spec, this.optionsOf(spec.kind));
      if (endpoint === null || seen.has(`${spec.kind} ${endpoint}`)) continue;
      seen.add(`${spec.kind} ${endpoint}`);
      out.push({ name: spec.kind, endpoint, run: (signal) => this.adapter(spec.kind).ping(spec, signal) });
    }
    return out;
  }

  private adapter(kind: ProviderKind): MetricAdapter<ProviderSpec> {
    let a = this.adapters.get(kind);
    if (!a) {
      a = erased(kind).create(this.shared, this.optionsOf(kind));
      this.adapters.set(kind, a);
    }
    return a;
  }

  private optionsOf(kind: ProviderKind): unknown {
    return this.options[kind] ?? {};
  }
}

/** What a metric measures, for `canary analyze --dry-run`: no provider is built for it. */
export function describeProvider(spec: ProviderSpec, options: ProviderOptions = {}): string {
  return erased(spec.kind).describe(spec, options[spec.kind] ?? {});
}

/** How a provider that decides the phase itself decides it (its metrics' conditions are not evaluated); null for the others. */
export function providerDecides(spec: ProviderSpec): string | null {
  return erased(spec.kind).decides ?? null;
}
