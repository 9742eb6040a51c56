/** AnalysisTemplate / ClusterAnalysisTemplate -> AnalysisTemplateSpec, with Argo's metric defaults. */
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { readCloudWatch } from './metric-cloudwatch.js';
import { readDatadog } from './metric-datadog.js';
import { readGraphite } from './metric-graphite.js';
import { readInfluxdb } from './metric-influxdb.js';
import { readJob } from './metric-job.js';
import { readNewRelic } from './metric-newrelic.js';
import { readPlugin } from './metric-plugin.js';
import { readPrometheus, readWeb } from './providers.js';
import { Reader } from './reader.js';
import { readDryRun, readRetention, readTemplateRef } from './rollout-analysis.js';
import type { SourceDoc } from './source.js';
import type { AnalysisTemplateSpec, MetricSpec, NumberField, ProviderSpec, TemplateArg, TemplatedNumber, TemplateRef } from './types.js';

/** IntOrString fields of a metric and their bounds (Argo's validation). */
export const NUMBER_RULES = {
  count: { min: 0, intOrString: true },
  failureLimit: { min: -1, intOrString: true },
  inconclusiveLimit: { min: 0, intOrString: true },
  consecutiveErrorLimit: { min: 0, intOrString: true },
  consecutiveSuccessLimit: { min: 0, intOrString: true },
} as const;

export const METRIC_DEFAULTS = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  consecutiveSuccessLimit: 0,
} as const;

const OTHER_PROVIDER = (name: string) =>
  `the ${name} provider is not supported: canary measures with prometheus, web, job, datadog, newRelic, cloudWatch, graphite, influxdb or its judge plugin (canary/judge)`;

/** Argo's provider fields canary reads, each with its section's reader. */
const PROVIDER_READERS: Readonly<Record<string, (r: Reader) => ProviderSpec | null>> = {
  prometheus: readPrometheus,
  web: readWeb,
  job: readJob,
  datadog: readDatadog,
  newRelic: readNewRelic,
  cloudWatch: readCloudWatch,
  graphite: readGraphite,
  influxdb: readInfluxdb,
  plugin: readPlugin,
};

export function readAnalysisTemplate(doc: SourceDoc, issues: Issue[], kind: AnalysisTemplateSpec['kind']): AnalysisTemplateSpec | null {
  const root = Reader.root(doc, issues).object({
    known: ['apiVersion', 'kind', 'metadata', 'spec'],
    ignored: { status: 'output only' },
  });
  if (!root) return null;
  const meta = readMetadata(root, kind);
  if (kind === 'ClusterAnalysisTemplate' && meta?.namespace) {
    root.field('metadata').field('namespace').warn('a ClusterAnalysisTemplate is cluster-scoped: its namespace is ignored');
  }
  const spec = root.field('spec').object({ known: ['args', 'metrics', 'dryRun', 'measurementRetention', 'templates'] }, { required: true });
  if (!spec || !meta) return null;

  const args: TemplateArg[] = [];
  const argNames = new Set<string>();
  for (const item of spec.field('args').list()) {
    const arg = readTemplateArg(item);
    if (!arg) continue;
    if (argNames.has(arg.name)) item.field('name').error(`duplicate arg "${arg.name}"`);
    argNames.add(arg.name);
    args.push(arg);
  }
  const metrics: MetricSpec[] = [];
  const metricNames = new Set<string>();
  const metricList = spec.field('metrics').list();
  for (const item of metricList) {
    const m = readMetric(item);
    if (!m) continue;
    if (metricNames.has(m.name)) item.field('name').error(`duplicate metric name "${m.name}": metric names must be unique`);
    metricNames.add(m.name);
    metrics.push(m);
  }
  const templates: TemplateRef[] = [];
  for (const t of spec.field('templates').list()) {
    const ref = readTemplateRef(t);
    if (ref) templates.push(ref);
  }
  if (!spec.field('metrics').present && templates.length === 0) {
    spec.error('a template needs metrics (or templates to include)');
  }
  return {
    loc: root.loc(),
    source: root.doc,
    kind,
    name: meta.name,
    namespace: kind === 'ClusterAnalysisTemplate' ? null : meta.namespace,
    args,
    metrics,
    dryRun: readDryRun(spec.field('dryRun')),
    measurementRetention: readRetention(spec.field('measurementRetention')),
    templates,
  };
}

function readTemplateArg(item: Reader): TemplateArg | null {
  const a = item.object({ known: ['name', 'value', 'valueFrom'] });
  if (!a) return null;
  const name = a.field('name').string({ required: true });
  if (name === null) return null;
  const loc = a.loc();
  if (a.field('value').present && a.field('valueFrom').present) {
    a.error(`arg "${name}": set value or valueFrom, not both`);
    return null;
  }
  if (a.field('value').present) {
    const value = a.field('value').scalarString();
    return value === null ? null : { loc, name, source: { kind: 'value', value } };
  }
  const from = a.field('valueFrom');
  if (!from.present) return { loc, name, source: { kind: 'none' } };
  const vf = from.object({ known: ['secretKeyRef', 'fieldRef'] });
  if (!vf) return null;
  if (vf.field('secretKeyRef').present) {
    const s = vf.field('secretKeyRef').object({ known: ['name', 'key'] });
    const secretName = s?.field('name').string({ required: true });
    const key = s?.field('key').string({ required: true });
    return secretName && key ? { loc, name, source: { kind: 'secretKeyRef', secretName, key } } : null;
  }
  if (vf.field('fieldRef').present) {
    const f = vf.field('fieldRef').object({ known: ['fieldPath'] });
    const fieldPath = f?.field('fieldPath').string({ required: true });
    return fieldPath ? { loc, name, source: { kind: 'fieldRef', fieldPath } } : null;
  }
  vf.error('set secretKeyRef or fieldRef');
  return null;
}

function readMetric(item: Reader): MetricSpec | null {
  const m = item.object({
    known: [
      'name',
      'interval',
      'initialDelay',
      'count',
      'successCondition',
      'failureCondition',
      'failureLimit',
      'inconclusiveLimit',
      'consecutiveErrorLimit',
      'consecutiveSuccessLimit',
      'provider',
    ],
  });
  if (!m) return null;
  const name = m.field('name').string({ required: true });
  const provider = readProvider(m.field('provider'));
  const templated: TemplatedNumber[] = [];
  // A placeholder is kept as text (the field keeps its default) and parsed once args are resolved.
  const number = (field: NumberField, read: (r: Reader) => number | null): number | null => {
    const text = m.field(field).templated();
    if (text === null) return read(m.field(field));
    templated.push({ field, text });
    return null;
  };
  const intervalMs = number('interval', (r) => r.duration());
  const initialDelayMs = number('initialDelay', (r) => r.duration({ allowZero: true })) ?? 0;
  const count = number('count', (r) => r.int(NUMBER_RULES.count));
  const failureLimit = number('failureLimit', (r) => r.int(NUMBER_RULES.failureLimit)) ?? METRIC_DEFAULTS.failureLimit;
  const inconclusiveLimit = number('inconclusiveLimit', (r) => r.int(NUMBER_RULES.inconclusiveLimit)) ?? METRIC_DEFAULTS.inconclusiveLimit;
  const consecutiveErrorLimit = number('consecutiveErrorLimit', (r) => r.int(NUMBER_RULES.consecutiveErrorLimit)) ?? METRIC_DEFAULTS.consecutiveErrorLimit;
  const consecutiveSuccessLimit = number('consecutiveSuccessLimit', (r) => r.int(NUMBER_RULES.consecutiveSuccessLimit)) ?? METRIC_DEFAULTS.consecutiveSuccessLimit;
  const successCondition = m.field('successCondition').string();
  const failureCondition = m.field('failureCondition').string();
  if (name === null || provider === null) return null;
  return {
    loc: m.loc(),
    source: m.doc,
    name,
    intervalMs,
    initialDelayMs,
    count: count === 0 ? null : count,
    successCondition: successCondition?.trim() ? successCondition : null,
    failureCondition: failureCondition?.trim() ? failureCondition : null,
    failureLimit,
    inconclusiveLimit,
    consecutiveErrorLimit,
    consecutiveSuccessLimit,
    provider,
    templated,
  };
}

function readProvider(r: Reader): ProviderSpec | null {
  const p = r.object(
    {
      known: Object.keys(PROVIDER_READERS),
      unsupported: {
        kayenta: OTHER_PROVIDER('Kayenta'),
        wavefront: OTHER_PROVIDER('Wavefront'),
        skywalking: OTHER_PROVIDER('SkyWalking'),
      },
    },
    { required: true },
  );
  if (!p) return null;
  const set = Object.keys(PROVIDER_READERS).filter((k) => p.field(k).present);
  if (set.length === 0) {
    const value = p.value as Record<string, unknown>;
    if (Object.keys(value).length === 0) p.error(`no provider specified: set one of ${Object.keys(PROVIDER_READERS).join(', ')}`);
    return null;
  }
  if (set.length > 1) {
    p.error('multiple providers specified: a metric queries exactly one provider');
    return null;
  }
  return PROVIDER_READERS[set[0]!]!(p.field(set[0]!));
}
