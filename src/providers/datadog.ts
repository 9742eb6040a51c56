/**
 * Argo's Datadog provider. v1: `GET <site>/api/v1/query?from&to&query` (Datadog's "Query
 * timeseries points"), the last point of the first series as the result. v2: `POST
 * <site>/api/v2/query/scalar` ("Query scalar data across multiple products") with the queries, the
 * formula and the aggregator (default last); the first number column is the result, a float64, or
 * []float64 when the query is grouped (`by {tag}`), with the groups in metadata. No data is a nil
 * result (conditions use `default(result, 0)`), as in Argo. Keys: the metric's secretRef, else
 * DD_API_KEY/DD_APP_KEY (and DD_ADDRESS), else the `datadog` Secret, in the Rollout's namespace.
 */
import { parseGoDuration } from '../expr/go-duration.js';
import type { DatadogSpec } from '../manifests/types.js';
import { parseHttpUrl } from './call.js';
import type { ProviderDefinition, ProviderEnvironment } from './definition.js';
import { formatSample, formatSamples } from './format-float.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { failed, measured } from './results.js';
import { envValues, hideCredentials, readSecretKeys } from './settings.js';
import { ProviderTransport } from './transport.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ProviderResult } from '../analysis/provider.js';
import { readScalarColumns, type ScalarAnswer } from './datadog-scalar.js';

const DEFAULT_SITE = 'https://api.datadoghq.com';
const SECRET = 'datadog';
const KEYS = ['api-key', 'app-key', 'address'] as const;
const ENV = { 'api-key': 'DD_API_KEY', 'app-key': 'DD_APP_KEY', address: 'DD_ADDRESS' } as const;

export const datadog: ProviderDefinition<'datadog', Record<string, never>> = {
  kind: 'datadog',
  endpoint: (spec) => `datadog (${spec.secretRef.name ? `Secret ${spec.secretRef.name}` : `DD_API_KEY or Secret ${SECRET}`})`,
  describe: (spec) => {
    const q = spec.query !== null ? `query: ${spec.query}` : `queries: ${Object.entries(spec.queries ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}; formula: ${spec.formula ?? '(none)'}`;
    return `datadog ${spec.apiVersion} over the last ${spec.interval}${spec.aggregator ? `, aggregator ${spec.aggregator}` : ''}\n  ${q}`;
  },
  permissions: (spec, namespace, env) =>
    spec.secretRef.name?.includes('{{') || (!spec.secretRef.name && keysInEnv(env)) ? [] : permissionsFor('', 'secrets', ['get'], namespace, `Datadog keys (Secret ${spec.secretRef.name ?? SECRET})`),
  create: (env) => {
    const transport = new ProviderTransport(env);
    return {
      measure: (spec, signal) => measureDatadog(env, transport, spec, signal),
      ping: async (spec, signal) => {
        const problem = await pingWithRetries(() => validateKey(env, transport, spec, signal), env.clock, signal);
        return problem ? { ok: false, message: problem, hint: `check the Datadog keys (DD_API_KEY and DD_APP_KEY, or the ${spec.secretRef.name ?? SECRET} Secret's api-key and app-key)` } : { ok: true, message: 'the API key is valid' };
      },
    };
  },
};

type Keys = { ok: true; apiKey: string; appKey: string; site: string } | { ok: false; message: string };

/** DD_API_KEY and DD_APP_KEY (DD_ADDRESS), when both keys are set. */
function keysInEnv(processEnv: NodeJS.ProcessEnv): Extract<Keys, { ok: true }> | null {
  const e = envValues(processEnv, ENV);
  return e['api-key'] && e['app-key'] ? { ok: true, apiKey: e['api-key'], appKey: e['app-key'], site: e['address'] || DEFAULT_SITE } : null;
}

/** Argo's finders: the named Secret only; otherwise the environment, then the `datadog` Secret. */
async function keys(env: ProviderEnvironment, spec: DatadogSpec): Promise<Keys> {
  const fromEnv = spec.secretRef.name ? null : keysInEnv(env.env);
  if (fromEnv) return fromEnv;
  const name = spec.secretRef.name ?? SECRET;
  const s = await readSecretKeys(env.secrets, env.namespace, name, KEYS);
  if (s.ok && s.values['api-key'] && s.values['app-key']) return { ok: true, apiKey: s.values['api-key'], appKey: s.values['app-key'], site: s.values['address'] || DEFAULT_SITE };
  const why = s.ok ? `Secret ${env.namespace}/${name} has no api-key and app-key` : s.message;
  return { ok: false, message: `failed to find the credentials for datadog metrics provider: ${why}${spec.secretRef.name ? '' : ', and DD_API_KEY and DD_APP_KEY are not set'}` };
}

async function measureDatadog(env: ProviderEnvironment, transport: ProviderTransport, spec: DatadogSpec, signal: AbortSignal): Promise<ProviderResult> {
  const k = await keys(env, spec);
  if (!k.ok) return failed(k.message);
  const window = seconds(spec.interval, 'interval');
  const timeout = seconds(spec.requestTimeout, 'requestTimeout');
  if (typeof window === 'string') return failed(window);
  if (typeof timeout === 'string') return failed(timeout);
  const site = parseHttpUrl(k.site);
  if (!site) return failed(`Datadog address from the credentials is not an http(s) URL`);
  const now = Math.floor(env.clock.now() / 1000);
  const from = now - Math.trunc(window);
  const headers = { 'Content-Type': 'application/json', 'DD-API-KEY': k.apiKey, 'DD-APPLICATION-KEY': k.appKey };
  const label = `Datadog ${k.site.replace(/\/+$/, '')}`;
  const hints = { tls: 'Datadog is reached with the system\'s trusted CAs', timeout: (after: string) => `no answer within ${after} (requestTimeout)` };
  const sent =
    spec.apiVersion === 'v1'
      ? await transport.send(label, site, { method: 'GET', path: '/api/v1/query', params: { from: String(from), query: spec.query ?? '', to: String(now) }, headers, timeoutMs: timeout * 1000, insecure: false }, signal, hints)
      : await transport.send(label, site, { method: 'POST', path: '/api/v2/query/scalar', body: JSON.stringify(scalarRequest(spec, from, now)), headers, timeoutMs: timeout * 1000, insecure: false }, signal, hints);
  const hide = (m: string) => hideCredentials(m, [k.apiKey, k.appKey]);
  const { reply } = sent;
  if (!reply.ok) return failed(hide(reply.message), {}, reply.transient);
  if (reply.status === 401 || reply.status === 403) return failed(hide(`${sent.label}: received authentication error response code: ${reply.status} ${reply.body}`));
  if (reply.status !== 200) return failed(hide(`${sent.label}: received non 2xx response code: ${reply.status} ${reply.body}`), {}, reply.transient);
  return spec.apiVersion === 'v1' ? readV1(sent.label, reply.body) : fromScalar(sent.label, readScalarColumns(reply.body));
}

/** Argo's v2 body: every query with data_source metrics and the aggregator, the formula if any; times in ms. */
function scalarRequest(spec: DatadogSpec, from: number, to: number): unknown {
  const queries = spec.query !== null ? { query: spec.query } : (spec.queries ?? {});
  const aggregator = spec.aggregator ?? 'last';
  return {
    data: {
      type: 'scalar_request',
      attributes: {
        from: from * 1000,
        to: to * 1000,
        queries: Object.entries(queries).map(([name, query]) => ({ aggregator, data_source: 'metrics', name, query })),
        formulas: spec.formula ? [{ formula: spec.formula }] : [],
      },
    },
  };
}

/** `{"series": [{"pointlist": [[ts, value], ...]}, ...]}`: the last point of the first series. */
function readV1(label: string, body: string): ProviderResult {
  let doc: { series?: unknown };
  try {
    doc = JSON.parse(body) as { series?: unknown };
  } catch (err) {
    return failed(`${label}: Could not parse JSON body: ${(err as Error).message}`);
  }
  const series = doc?.series ?? [];
  if (!Array.isArray(series)) return failed(`${label}: Could not parse JSON body: series is not a list`);
  const first = series[0] as { pointlist?: unknown } | undefined;
  const points = first?.pointlist ?? [];
  if (!Array.isArray(points)) return failed(`${label}: Could not parse JSON body: pointlist is not a list`);
  if (series.length === 0 || points.length === 0) {
    return measured(null, JSON.stringify(series.map((s: { pointlist?: unknown }) => ({ pointlist: s?.pointlist ?? null }))));
  }
  const last = points.at(-1) as unknown;
  if (!Array.isArray(last) || last.length !== 2) return failed(`${label}: Datapoint does not have 2 values`);
  // Go decodes a JSON null into a float64 as 0.
  const value = last[1] === null ? 0 : Number(last[1]);
  if (Number.isNaN(value)) return failed(`${label}: Could not parse JSON body: ${JSON.stringify(last[1])} is not a number`);
  return measured(value, formatSample(value));
}

function fromScalar(label: string, answer: ScalarAnswer): ProviderResult {
  if (!answer.ok) return failed(`${label}: ${answer.message}`);
  if (answer.values.length === 0) return measured(null, '[]');
  if (!answer.grouped) return measured(answer.values[0]!, formatSample(answer.values[0]!));
  return measured(answer.values, formatSamples(answer.values), answer.metadata);
}

/** Datadog's "Validate API key" (GET /api/v1/validate): no query is run before the release. */
async function validateKey(env: ProviderEnvironment, transport: ProviderTransport, spec: DatadogSpec, signal: AbortSignal): Promise<ProviderResult> {
  const k = await keys(env, spec);
  if (!k.ok) return failed(k.message);
  const site = parseHttpUrl(k.site);
  if (!site) return failed('Datadog address from the credentials is not an http(s) URL');
  const { label, reply } = await transport.send(`Datadog ${k.site.replace(/\/+$/, '')}`, site, { method: 'GET', path: '/api/v1/validate', headers: { 'DD-API-KEY': k.apiKey }, timeoutMs: PING_TIMEOUT_MS, insecure: false }, signal, { tls: 'Datadog is reached with the system\'s trusted CAs' });
  if (!reply.ok) return failed(hideCredentials(reply.message, [k.apiKey]), {}, reply.transient);
  if (reply.status !== 200) return failed(hideCredentials(`${label}: the API key was refused: ${reply.status} ${reply.body}`, [k.apiKey]), {}, reply.transient);
  return measured(true, 'true');
}

/** A Go duration in seconds, or the message saying why it is not one. */
function seconds(text: string, field: string): number | string {
  const d = parseGoDuration(text);
  if (!d.ok) return `datadog ${field} "${text}": ${d.message}`;
  if (d.nanoseconds <= 0) return `datadog ${field} "${text}" must be a positive duration`;
  return d.nanoseconds / 1e9;
}
