/**
 * Argo's Graphite provider: the render API (`GET <address>/render?<query>&format=json`, as
 * Graphite's Render URL API documents it), the first series' non-null datapoints as the result
 * ([]float64). As Argo: whitespace is removed from the query, which is re-encoded the way Go's
 * url.Values encodes it; no series or no datapoints is an Error; the value prints `%f`.
 */
import type { GraphiteSpec } from '../manifests/types.js';
import { parseHttpUrl } from './call.js';
import type { ProviderDefinition } from './definition.js';
import { looksLikeHtml, snippet } from './http.js';
import { formatFixed } from './format-float.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { failed, measured } from './results.js';
import { ProviderTransport } from './transport.js';
import type { ProviderResult } from '../analysis/provider.js';

const TIMEOUT_MS = 10_000;
const HINTS = { tls: 'Graphite is reached with the system\'s trusted CAs' };

export const graphite: ProviderDefinition<'graphite', Record<string, never>> = {
  kind: 'graphite',
  endpoint: (spec) => (spec.address.includes('{{') ? null : spec.address),
  // The query as sent: Argo removes its whitespace.
  describe: (spec) => `graphite ${spec.address}\n  query: ${spec.query.replace(/\s+/g, '')}`,
  permissions: () => [],
  create: (env) => {
    const transport = new ProviderTransport(env);
    const measure = (spec: GraphiteSpec, signal: AbortSignal, timeoutMs = TIMEOUT_MS) => measureGraphite(transport, spec, signal, timeoutMs);
    return {
      measure: (spec, signal) => measure(spec, signal),
      ping: async (spec, signal) => {
        const problem = await pingWithRetries(() => measure({ ...spec, query: 'target=constantLine(1)&from=-1min' }, signal, PING_TIMEOUT_MS), env.clock, signal);
        return problem ? { ok: false, message: problem, hint: 'check the address' } : { ok: true, message: `${spec.address} answers` };
      },
    };
  },
};

async function measureGraphite(transport: ProviderTransport, spec: GraphiteSpec, signal: AbortSignal, timeoutMs: number): Promise<ProviderResult> {
  const address = parseHttpUrl(spec.address);
  if (!address) return failed(`Graphite address ${spec.address} is not a valid URL`);
  const text = spec.query.replace(/\s+/g, '');
  // Go's url.Parse("./render?" + query) cuts a fragment at "#" and refuses a bad escape in it.
  const hash = text.indexOf('#');
  if (hash >= 0 && badEscape(text.slice(hash + 1))) {
    return failed(`Graphite query: parse "./render?${text}": invalid URL escape "${badEscape(text.slice(hash + 1))}"`);
  }
  const query = goQuery(hash >= 0 ? text.slice(0, hash) : text);
  query.set('format', ['json']);
  const { label, reply } = await transport.send(
    `Graphite ${spec.address.replace(/\/+$/, '')}`,
    address,
    { method: 'GET', path: '/render', rawQuery: encodeGoQuery(query), headers: { Accept: 'application/json' }, timeoutMs, insecure: false },
    signal,
    HINTS,
  );
  if (!reply.ok) return failed(reply.message, {}, reply.transient);
  if (reply.status >= 400) {
    const detail = looksLikeHtml(reply.contentType, reply.body) ? '(an HTML page)' : snippet(reply.body);
    return failed(`${label}: error response: ${reply.status} ${reply.statusText}${detail ? `: ${detail}` : ''}`, {}, reply.transient);
  }
  const series = readSeries(reply.body);
  if (!series.ok) return failed(`${label}: ${series.message}`);
  if (series.points.length === 0) return failed(`${label}: no values found`);
  const values = series.points.filter((v): v is number => v !== null);
  // Argo prints each value with %f.
  return measured(values, `[${values.map((v) => formatFixed(v, 6)).join(',')}]`);
}

type Series = { ok: true; points: (number | null)[] } | { ok: false; message: string };

/** `[{"target": "...", "datapoints": [[value, timestamp], ...]}, ...]`: the first target's values (null where Graphite has none). */
function readSeries(body: string): Series {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `the answer is not the render API's JSON (${(err as Error).message}): ${JSON.stringify(snippet(body, 80))}` };
  }
  if (!Array.isArray(doc)) return { ok: false, message: `expected a list of series, got ${JSON.stringify(snippet(body, 80))}` };
  if (doc.length === 0) return { ok: true, points: [] };
  const datapoints = (doc[0] as { datapoints?: unknown })?.datapoints;
  if (!Array.isArray(datapoints)) return { ok: true, points: [] };
  const points: (number | null)[] = [];
  for (const p of datapoints) {
    if (!Array.isArray(p) || p.length !== 2) return { ok: false, message: `error unmarshaling data point: ${JSON.stringify(p)}` };
    const [v, ts] = p as unknown[];
    if (ts !== null && typeof ts !== 'number' && !(typeof ts === 'string' && /^[-+]?\d+$/.test(ts))) {
      return { ok: false, message: typeof ts === 'string' ? `strconv.ParseInt: parsing ${JSON.stringify(ts)}: invalid syntax` : `error unmarshaling timestamp: ${JSON.stringify(ts)}` };
    }
    if (v === null) points.push(null);
    else if (typeof v === 'number') points.push(v);
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) points.push(Number(v));
    else return { ok: false, message: `error unmarshaling value: ${JSON.stringify(v)}` };
  }
  return { ok: true, points };
}

/** The first malformed %-escape in `text` (`%^&`), or null. */
function badEscape(text: string): string | null {
  const m = /%(?![0-9a-fA-F]{2}).{0,2}/.exec(text);
  return m ? m[0] : null;
}

/** Go's url.ParseQuery as URL.Query() uses it: pairs that do not decode (or hold ';') are dropped. */
function goQuery(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of text.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    try {
      const key = decodeURIComponent(k.replace(/\+/g, ' '));
      const value = decodeURIComponent(v.replace(/\+/g, ' '));
      out.set(key, [...(out.get(key) ?? []), value]);
    } catch {
      continue;
    }
  }
  return out;
}

/** Go's url.Values.Encode: keys sorted, QueryEscape (space as +, only A-Z a-z 0-9 - _ . ~ kept). */
function encodeGoQuery(q: Map<string, string[]>): string {
  const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
  return [...q.keys()]
    .sort()
    .flatMap((k) => q.get(k)!.map((v) => `${escape(k)}=${escape(v)}`))
    .join('&');
}
