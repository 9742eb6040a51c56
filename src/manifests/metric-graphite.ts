/** provider.graphite (Argo's GraphiteMetric): the render API at an address. */
import { checkUrl } from './providers.js';
import type { Reader } from './reader.js';
import type { GraphiteSpec } from './types.js';

export function readGraphite(r: Reader): GraphiteSpec | null {
  const g = r.object({ known: ['address', 'query'] });
  if (!g) return null;
  const address = g.field('address').string({ required: true });
  if (address !== null && !address.includes('{{')) checkUrl(g.field('address'), address, 'http://graphite.monitoring.svc:8080');
  const query = g.field('query').string({ required: true });
  if (address === null || query === null) return null;
  return { kind: 'graphite', address, query };
}
