/** Hand-built specs for analysis tests: the normalized shapes src/spec produces, defaults filled. */
import type { ResolvedMetric } from '../../src/analysis/types.js';
import type { Loc, Locator } from '../../src/manifests/issues.js';
import type { AnalysisTemplateSpec, MetricSpec, PrometheusSpec, TemplateArg } from '../../src/manifests/types.js';

export const loc: Loc = { file: 'analysis.yaml', line: 1, col: 1, path: '' };
export const source: Locator = { locAt: (path) => ({ ...loc, path }) };

export function prometheus(overrides: Partial<PrometheusSpec> = {}): PrometheusSpec {
  return {
    kind: 'prometheus',
    address: 'http://127.0.0.1:9090',
    query: 'vector(1)',
    timeoutMs: 30_000,
    insecure: false,
    headers: [],
    basicAuth: null,
    oauth2: null,
    rangeQuery: null,
    sigv4: null,
    ...overrides,
  };
}

export function metric(overrides: Partial<MetricSpec> = {}): MetricSpec {
  return {
    loc,
    source,
    name: 'success-rate',
    intervalMs: null,
    initialDelayMs: 0,
    count: null,
    successCondition: null,
    failureCondition: null,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    consecutiveSuccessLimit: 0,
    provider: prometheus(),
    templated: [],
    ...overrides,
  };
}

export function resolved(spec: Partial<MetricSpec> = {}, extra: Partial<Omit<ResolvedMetric, 'spec'>> = {}): ResolvedMetric {
  return { spec: metric(spec), dryRun: false, retention: 10, ...extra };
}

export function template(overrides: Partial<AnalysisTemplateSpec> = {}): AnalysisTemplateSpec {
  return {
    loc,
    source,
    kind: 'AnalysisTemplate',
    name: 'success-rate-analysis',
    namespace: 'apps',
    args: [],
    metrics: [metric()],
    dryRun: [],
    measurementRetention: [],
    templates: [],
    ...overrides,
  };
}

export function arg(name: string, source: TemplateArg['source'] = { kind: 'none' }): TemplateArg {
  return { loc, name, source };
}
