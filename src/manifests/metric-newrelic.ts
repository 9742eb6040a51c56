/** provider.newRelic (Argo's NewRelicMetric): an NRQL query run through NerdGraph. */
import type { Reader } from './reader.js';
import type { NewRelicSpec } from './types.js';

export function readNewRelic(r: Reader): NewRelicSpec | null {
  const n = r.object({ known: ['profile', 'query', 'timeout'] });
  if (!n) return null;
  const query = n.field('query').string({ required: true });
  const timeout = n.field('timeout').int({ min: 0 });
  if (query === null) return null;
  return { kind: 'newRelic', profile: n.field('profile').string() || null, query, timeout };
}
