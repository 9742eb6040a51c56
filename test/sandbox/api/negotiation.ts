/**
 * Content negotiation: which representation the client asked for in `Accept`. kubectl asks for
 * server-side Tables and aggregated discovery with media-type parameters and falls back to plain
 * JSON in the same header, so the first acceptable entry wins, as on the real server.
 */

export type Output =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial'; version: 'v1' | 'v1beta1' }
  | { kind: 'discovery'; version: 'v2' | 'v2beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
  order: number;
}

export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || !header.trim()) return [{ type: '*/*', params: {}, q: 1, order: 0 }];
  return header
    .split(',')
    .map((part, order) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      }
      const q = params['q'] === undefined ? 1 : Number(params['q']);
      delete params['q'];
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((m) => m.type && m.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

export interface NegotiateOptions {
  /** Tables and partial metadata only make sense for reads of a resource. */
  allowTable?: boolean;
  /** Aggregated discovery is only served at /api and /apis. */
  allowDiscovery?: boolean;
  /** Watch streams are JSON only. */
  streaming?: boolean;
}

/** The representation to answer with, or undefined when nothing acceptable is served (406). */
export function negotiate(header: string | undefined, options: NegotiateOptions = {}): Output | undefined {
  for (const m of parseAccept(header)) {
    const json = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (m.type === 'application/yaml' && !options.streaming && !m.params['as']) return { kind: 'yaml' };
    if (!json) continue;
    const as = m.params['as'];
    if (as === undefined) return { kind: 'json' };
    const g = m.params['g'];
    const v = m.params['v'];
    if (options.allowTable && as === 'Table' && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) return { kind: 'table', version: v };
    if (options.allowTable && (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && g === 'meta.k8s.io' && (v === 'v1' || v === 'v1beta1')) {
      return { kind: 'partial', version: v };
    }
    if (options.allowDiscovery && as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) {
      return { kind: 'discovery', version: v };
    }
  }
  return undefined;
}

/** The media type of a request body without parameters (`application/json; charset=utf-8` -> `application/json`). */
export function bodyMediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
