/**
 * provider.datadog (Argo's DatadogMetric), with the checks Argo makes when it builds the provider
 * (validateIncomingProps) reported at lint time instead of as a measurement error.
 */
import { readGoDuration } from './go-duration-field.js';
import type { Reader } from './reader.js';
import type { DatadogSpec } from './types.js';

const AGGREGATORS = ['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area'];

export function readDatadog(r: Reader): DatadogSpec | null {
  const d = r.object({ known: ['interval', 'query', 'queries', 'formula', 'apiVersion', 'aggregator', 'secretRef', 'requestTimeout'] });
  if (!d) return null;
  const apiVersionRaw = d.field('apiVersion').string() ?? 'v1';
  if (apiVersionRaw !== 'v1' && apiVersionRaw !== 'v2') d.field('apiVersion').error(`"${apiVersionRaw}" is not a Datadog API version: use v1 or v2`);
  const apiVersion = apiVersionRaw === 'v2' ? 'v2' : 'v1';
  const query = d.field('query').string() || null;
  const queries = readQueries(d.field('queries'));
  const formula = d.field('formula').string() || null;
  const aggregator = d.field('aggregator').string() || null;
  if (aggregator !== null && !AGGREGATORS.includes(aggregator)) d.field('aggregator').error(`"${aggregator}" is not an aggregator: use one of ${AGGREGATORS.join(', ')}`);

  if (query === null && queries === null) d.error('set query, or queries with a formula (apiVersion v2)');
  if (query !== null && queries !== null) d.field('queries').error('set query or queries, not both', 'key');
  if (apiVersion === 'v1' && query === null && queries !== null) {
    d.field('queries').error('queries need apiVersion: v2 (v1 only takes a single query)', 'key');
  }
  if (formula !== null && queries === null) d.field('formula').error('a formula combines named queries: set queries', 'key');
  if (formula === null && queries !== null && Object.keys(queries).length > 1) {
    d.field('queries').error('several queries need a formula that combines them (Datadog would return one column per query, in no set order)', 'key');
  }
  if (apiVersion === 'v1' && aggregator !== null) d.field('aggregator').error('aggregator is a v2 setting: set apiVersion: v2 or remove it', 'key');

  let secretRef: DatadogSpec['secretRef'] = { name: null, namespaced: false };
  const s = d.field('secretRef').object({ known: ['name', 'namespaced'] });
  if (s) {
    secretRef = { name: s.field('name').string() || null, namespaced: s.field('namespaced').bool(false) };
    if (secretRef.namespaced && secretRef.name === null) s.error('secretRef.namespaced needs secretRef.name');
  }
  return {
    kind: 'datadog',
    apiVersion,
    interval: readGoDuration(d.field('interval'), '5m', { positive: true }),
    query,
    queries,
    formula,
    aggregator,
    secretRef,
    requestTimeout: readGoDuration(d.field('requestTimeout'), '10s', { positive: true }),
  };
}

function readQueries(r: Reader): Record<string, string> | null {
  if (!r.present) return null;
  const map = r.stringMap();
  return Object.keys(map).length > 0 ? map : null;
}
