/** `{{args.name}}` placeholders in the strings of a metric (Argo substitutes them into the whole metric). */
import { SCOPE_PLACEHOLDER } from './metric-plugin.js';
import type { JsonValue, MetricSpec, ProviderSpec } from './types.js';
import { assertNever } from '../util/assert-never.js';

export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface Placeholder {
  /** The text inside the braces, trimmed: `args.service-name`. */
  expression: string;
  /** The arg name when the placeholder is `args.<name>`, else null (an unknown placeholder). */
  arg: string | null;
  /** Which field of the metric it sits in, e.g. `provider.prometheus.query`. */
  field: string;
}

export function placeholdersOf(metric: MetricSpec): Placeholder[] {
  const out: Placeholder[] = [];
  for (const [field, text] of metricStrings(metric)) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      const expression = m[1]!;
      const arg = /^args\.([A-Za-z0-9_.-]+)$/.exec(expression)?.[1] ?? null;
      out.push({ expression, arg, field });
    }
  }
  return out;
}

/** Every user-written string of a metric with its field path. */
export function metricStrings(metric: MetricSpec): [string, string][] {
  const out: [string, string][] = [];
  if (metric.successCondition) out.push(['successCondition', metric.successCondition]);
  if (metric.failureCondition) out.push(['failureCondition', metric.failureCondition]);
  for (const t of metric.templated) out.push([t.field, t.text]);
  providerStrings(metric.provider, out);
  return out;
}

function providerStrings(p: ProviderSpec, out: [string, string][]): void {
  switch (p.kind) {
    case 'prometheus': {
      const base = 'provider.prometheus';
      if (p.address) out.push([`${base}.address`, p.address]);
      out.push([`${base}.query`, p.query]);
      p.headers.forEach((h, i) => out.push([`${base}.headers[${i}].value`, h.value]));
      if (p.basicAuth) {
        out.push([`${base}.authentication.basicAuth.username`, p.basicAuth.username]);
        out.push([`${base}.authentication.basicAuth.password`, p.basicAuth.password]);
      }
      if (p.oauth2) {
        out.push([`${base}.authentication.oauth2.tokenUrl`, p.oauth2.tokenUrl]);
        out.push([`${base}.authentication.oauth2.clientId`, p.oauth2.clientId]);
        out.push([`${base}.authentication.oauth2.clientSecret`, p.oauth2.clientSecret]);
      }
      if (p.rangeQuery) {
        out.push([`${base}.rangeQuery.start`, p.rangeQuery.start]);
        out.push([`${base}.rangeQuery.end`, p.rangeQuery.end]);
      }
      return;
    }
    case 'web': {
      const base = 'provider.web';
      out.push([`${base}.url`, p.url]);
      p.headers.forEach((h, i) => out.push([`${base}.headers[${i}].value`, h.value]));
      if (p.body) out.push([`${base}.body`, p.body]);
      if (p.jsonBody !== null) jsonStrings(p.jsonBody, `${base}.jsonBody`, out);
      if (p.jsonPath) out.push([`${base}.jsonPath`, p.jsonPath]);
      return;
    }
    case 'job': {
      for (const [k, v] of Object.entries(p.labels)) out.push([`provider.job.metadata.labels.${k}`, v]);
      for (const [k, v] of Object.entries(p.annotations)) out.push([`provider.job.metadata.annotations.${k}`, v]);
      jsonStrings(p.spec, 'provider.job.spec', out);
      return;
    }
    case 'judge': {
      // {{scope}} is the judge's own placeholder, filled per side when it measures.
      const { kind: _kind, metrics, ...fields } = p;
      jsonStrings(fields as unknown as JsonValue, 'provider.plugin["canary/judge"]', out);
      metrics.forEach((m, i) => {
        out.push([`provider.plugin["canary/judge"].metrics[${i}].name`, m.name]);
        out.push([`provider.plugin["canary/judge"].metrics[${i}].query`, m.query.replace(SCOPE_PLACEHOLDER, '')]);
      });
      return;
    }
    // Read under Argo's own field names: the spec's fields are the manifest's.
    case 'datadog':
    case 'newRelic':
    case 'cloudWatch':
    case 'graphite':
    case 'influxdb': {
      const { kind, ...fields } = p;
      jsonStrings(fields as unknown as JsonValue, `provider.${kind}`, out);
      return;
    }
    default:
      assertNever(p, 'provider');
  }
}

function jsonStrings(v: JsonValue, path: string, out: [string, string][]): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => jsonStrings(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonStrings(x, `${path}.${k}`, out);
}
