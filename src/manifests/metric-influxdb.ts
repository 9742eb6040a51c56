/** provider.influxdb (Argo's InfluxdbMetric): a Flux query; the address and token come from a Secret. */
import type { Reader } from './reader.js';
import type { InfluxdbSpec } from './types.js';

export function readInfluxdb(r: Reader): InfluxdbSpec | null {
  const i = r.object({ known: ['profile', 'query'] });
  if (!i) return null;
  const query = i.field('query').string({ required: true });
  if (query === null) return null;
  return { kind: 'influxdb', profile: i.field('profile').string() || null, query };
}
