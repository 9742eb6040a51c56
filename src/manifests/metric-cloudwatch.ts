/**
 * provider.cloudWatch (Argo's CloudWatchMetric): GetMetricData queries. Each query has an id and
 * either an expression or a metricStat (CloudWatch refuses anything else), checked here.
 */
import { readGoDuration } from './go-duration-field.js';
import type { Reader } from './reader.js';
import type { CloudWatchMetricStat, CloudWatchQuery, CloudWatchSpec } from './types.js';

export function readCloudWatch(r: Reader): CloudWatchSpec | null {
  const c = r.object({ known: ['interval', 'metricDataQueries'] });
  if (!c) return null;
  const interval = readGoDuration(c.field('interval'), '5m', { positive: true });
  const queries: CloudWatchQuery[] = [];
  const items = c.field('metricDataQueries').list({ required: true });
  if (c.field('metricDataQueries').present && items.length === 0) c.field('metricDataQueries').error('list at least one query');
  const ids = new Set<string>();
  for (const item of items) {
    const q = readQuery(item);
    if (!q) continue;
    if (ids.has(q.id)) item.field('id').error(`duplicate id "${q.id}": GetMetricData needs unique ids`);
    ids.add(q.id);
    queries.push(q);
  }
  if (queries.length !== items.length) return null;
  return { kind: 'cloudWatch', interval, metricDataQueries: queries };
}

function readQuery(item: Reader): CloudWatchQuery | null {
  const q = item.object({ known: ['id', 'expression', 'label', 'metricStat', 'period', 'returnData'] });
  if (!q) return null;
  const id = q.field('id').string({ required: true });
  const expression = q.field('expression').string() || null;
  const metricStat = readMetricStat(q.field('metricStat'));
  if (expression === null && !q.field('metricStat').present) q.error('set expression or metricStat');
  if (expression !== null && q.field('metricStat').present) q.field('metricStat').error('set expression or metricStat, not both', 'key');
  const period = intOrString(q.field('period'));
  const returnData = q.field('returnData').present ? q.field('returnData').bool(true) : null;
  if (id === null || (expression === null && metricStat === null)) return null;
  return { id, expression, label: q.field('label').string() || null, metricStat, period, returnData };
}

function readMetricStat(r: Reader): CloudWatchMetricStat | null {
  const s = r.object({ known: ['metric', 'period', 'stat', 'unit'] });
  if (!s) return null;
  const m = s.field('metric').object({ known: ['dimensions', 'metricName', 'namespace'] }, { required: true });
  const metricName = m?.field('metricName').string({ required: true }) ?? null;
  const namespace = m?.field('namespace').string() || null;
  const dimensions: { name: string; value: string }[] = [];
  for (const d of m?.field('dimensions').list() ?? []) {
    const dim = d.object({ known: ['name', 'value'] });
    const name = dim?.field('name').string({ required: true });
    const value = dim?.field('value').scalarString({ required: true });
    if (name && value !== null && value !== undefined) dimensions.push({ name, value });
  }
  const period = intOrString(s.field('period'));
  if (!s.field('period').present) s.field('period').error('required field is missing: the granularity in seconds, e.g. 60', 'key');
  const stat = s.field('stat').string({ required: true });
  if (metricName === null || period === null || stat === null) return null;
  return { metric: { dimensions, metricName, namespace }, period, stat, unit: s.field('unit').string() || null };
}

/** An IntOrString number of seconds; a placeholder is kept as text. */
function intOrString(r: Reader): number | string | null {
  if (!r.present) return null;
  const text = r.templated();
  if (text !== null) return text;
  return r.int({ min: 1, intOrString: true });
}
