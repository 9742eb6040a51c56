/** The MetricProvider the engine and `canary analyze` use: one adapter per provider kind. */
import type { ProviderSpec } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { PrometheusProvider, type PrometheusOptions } from './prometheus.js';
import type { MetricProvider, ProviderResult } from './provider.js';
import { WebProvider, type WebOptions } from './web.js';

export interface ProviderOptions {
  prometheus?: PrometheusOptions;
  web?: WebOptions;
}

export class Providers implements MetricProvider {
  readonly prometheus: PrometheusProvider;
  readonly web: WebProvider;

  constructor(options: ProviderOptions = {}) {
    this.prometheus = new PrometheusProvider(options.prometheus);
    this.web = new WebProvider(options.web);
  }

  measure(provider: ProviderSpec, signal: AbortSignal): Promise<ProviderResult> {
    switch (provider.kind) {
      case 'prometheus':
        return this.prometheus.measure(provider, signal);
      case 'web':
        return this.web.measure(provider, signal);
      default:
        return assertNever(provider, 'provider');
    }
  }
}

export function createMetricProvider(options: ProviderOptions = {}): Providers {
  return new Providers(options);
}
