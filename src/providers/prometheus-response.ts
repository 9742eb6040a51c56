/**
 * The Prometheus HTTP API's JSON, turned into what conditions see (Argo processResponse): a scalar
 * is a number, a vector one number per series ([] when empty), a matrix every sample of every
 * series flattened. Errors quote Prometheus (`400 bad_data: ...`). Pure.
 */
import { formatSample, formatSamples, parseSample } from './format-float.js';
import { looksLikeHtml, snippet } from './http.js';

export type QueryAnswer =
  | { ok: true; value: number | number[]; valueText: string; warnings: string[] }
  | { ok: false; message: string };

export function readQueryResponse(status: number, statusText: string, contentType: string, body: string): QueryAnswer {
  const parsed = parseJson(body);
  if (status < 200 || status >= 300) return { ok: false, message: httpError(status, statusText, contentType, body, parsed) };
  if (!parsed.ok) {
    if (looksLikeHtml(contentType, body)) {
      return { ok: false, message: `${status}: expected JSON from the Prometheus HTTP API, got an HTML page: is the address pointing at Prometheus?` };
    }
    return { ok: false, message: `response is not valid JSON (${parsed.message}): ${JSON.stringify(snippet(body, 80))}` };
  }
  const doc = parsed.value as ApiResponse;
  if (doc?.status === 'error') return { ok: false, message: `${status} ${doc.errorType ?? 'error'}: ${doc.error ?? ''}` };
  if (doc?.status !== 'success' || typeof doc.data !== 'object' || doc.data === null) {
    return { ok: false, message: `unexpected response: ${JSON.stringify(snippet(body, 80))}` };
  }
  const warnings = Array.isArray(doc.warnings) ? doc.warnings.map(String) : [];
  const samples = readData(doc.data);
  if (!samples.ok) return samples;
  const valueText = typeof samples.value === 'number' ? formatSample(samples.value) : formatSamples(samples.value);
  return { ok: true, value: samples.value, valueText, warnings };
}

/** Argo's form of warnings metadata: `"w1", "w2"`. */
export function formatWarnings(warnings: readonly string[]): string {
  return warnings.map((w) => `"${w}"`).join(', ');
}

interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: unknown[];
  data?: { resultType?: string; result?: unknown };
}

type Samples = { ok: true; value: number | number[] } | { ok: false; message: string };

function readData(data: NonNullable<ApiResponse['data']>): Samples {
  const { resultType, result } = data;
  switch (resultType) {
    case 'scalar': {
      const v = Array.isArray(result) ? parseSample(result[1]) : null;
      return v === null ? malformed('scalar') : { ok: true, value: v };
    }
    case 'vector': {
      if (!Array.isArray(result)) return malformed('vector');
      const out: number[] = [];
      for (const series of result as { value?: unknown[]; histogram?: unknown }[]) {
        if (series?.histogram !== undefined) return nativeHistogram();
        const v = Array.isArray(series?.value) ? parseSample(series.value[1]) : null;
        if (v === null) return malformed('vector');
        out.push(v);
      }
      return { ok: true, value: out };
    }
    case 'matrix': {
      if (!Array.isArray(result)) return malformed('matrix');
      const out: number[] = [];
      for (const series of result as { values?: unknown[][]; histograms?: unknown }[]) {
        if (series?.histograms !== undefined && series.values === undefined) return nativeHistogram();
        for (const pair of series?.values ?? []) {
          const v = Array.isArray(pair) ? parseSample(pair[1]) : null;
          if (v === null) return malformed('matrix');
          out.push(v);
        }
      }
      return { ok: true, value: out };
    }
    default:
      return { ok: false, message: `Prometheus metric type not supported: the query returned ${resultType ?? 'no result type'}; use a query that returns a scalar, vector or matrix` };
  }
}

function malformed(type: string): Samples {
  return { ok: false, message: `malformed ${type} in the response` };
}

function nativeHistogram(): Samples {
  return { ok: false, message: 'the query returned native histogram samples: wrap it in histogram_quantile(), histogram_sum() or similar to get numbers' };
}

type Json = { ok: true; value: unknown } | { ok: false; message: string };

function parseJson(body: string): Json {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** An HTTP error: Prometheus' own error JSON, a Kubernetes Status from the service proxy, or a body quoted. */
function httpError(status: number, statusText: string, contentType: string, body: string, parsed: Json): string {
  if (parsed.ok && parsed.value && typeof parsed.value === 'object') {
    const doc = parsed.value as ApiResponse & { kind?: string; reason?: string; message?: string };
    if (doc.status === 'error' && (doc.errorType || doc.error)) return `${status} ${doc.errorType ?? 'error'}: ${doc.error ?? ''}`;
    if (doc.kind === 'Status' && doc.message) return `${status} ${doc.reason ?? statusText}: ${doc.message}`;
  }
  if (looksLikeHtml(contentType, body)) return `${status} ${statusText} (an HTML page, not the Prometheus API)`;
  const text = snippet(body);
  return text ? `${status} ${statusText}: ${text}` : `${status} ${statusText}`;
}
