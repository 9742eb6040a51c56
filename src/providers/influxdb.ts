/**
 * Argo's InfluxDB provider: a Flux query through InfluxDB's v2 query API (`POST
 * <address>/api/v2/query?org=<org>`, `Authorization: Token <authToken>`, a JSON body with the
 * query and the annotated-CSV dialect, as influxdb-client-go sends it); every record's `_value`
 * is the result ([]interface{}), printed as Go prints it (`[1 6.6]`). No record is an Error, as in
 * Argo. The address, token and org come from the `influxdb` Secret (or the metric's `profile`) in
 * the Rollout's namespace, or from INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG.
 */
import { formatValue } from '../expr/index.js';
import type { InfluxdbSpec } from '../manifests/types.js';
import { parseHttpUrl } from './call.js';
import type { ProviderDefinition, ProviderEnvironment } from './definition.js';
import { readAnnotatedCsv } from './flux-csv.js';
import { looksLikeHtml, snippet } from './http.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { failed, measured } from './results.js';
import { envValues, hideCredentials, readSecretKeys } from './settings.js';
import { ProviderTransport } from './transport.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ProviderResult } from '../analysis/provider.js';

const TIMEOUT_MS = 30_000;
const SECRET = 'influxdb';
const KEYS = ['authToken', 'org', 'address'] as const;
const ENV = { authToken: 'INFLUX_TOKEN', org: 'INFLUX_ORG', address: 'INFLUX_HOST' } as const;
const DIALECT = { annotations: ['datatype', 'group', 'default'], delimiter: ',', header: true };

export const influxdb: ProviderDefinition<'influxdb', Record<string, never>> = {
  kind: 'influxdb',
  endpoint: (spec) => `influxdb (${spec.profile ? `Secret ${spec.profile}` : `INFLUX_HOST or Secret ${SECRET}`})`,
  describe: (spec) => `influxdb (${spec.profile ? `Secret ${spec.profile}` : `INFLUX_HOST/INFLUX_TOKEN/INFLUX_ORG, or Secret ${SECRET}`})\n  query: ${spec.query}`,
  permissions: (spec, namespace, env) => (spec.profile?.includes('{{') || (!spec.profile && settingsInEnv(env)) ? [] : permissionsFor('', 'secrets', ['get'], namespace, `InfluxDB settings (Secret ${spec.profile ?? SECRET})`)),
  create: (env) => {
    const transport = new ProviderTransport(env);
    return {
      measure: (spec, signal) => measureInflux(env, transport, spec, signal, TIMEOUT_MS),
      ping: async (spec, signal) => {
        const ping = { ...spec, query: 'import "array"\narray.from(rows: [{_value: 1}])' };
        const problem = await pingWithRetries(() => measureInflux(env, transport, ping, signal, PING_TIMEOUT_MS), env.clock, signal);
        return problem ? { ok: false, message: problem, hint: `check the ${spec.profile ?? SECRET} Secret (authToken, org, address) or INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG` } : { ok: true, message: 'the query API answers' };
      },
    };
  },
};

type Settings = { ok: true; authToken: string; org: string; address: string; from: string } | { ok: false; message: string };

/** INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG, when all three are set. */
function settingsInEnv(processEnv: NodeJS.ProcessEnv): Extract<Settings, { ok: true }> | null {
  const e = envValues(processEnv, ENV);
  return e['authToken'] && e['org'] && e['address'] ? { ok: true, authToken: e['authToken'], org: e['org'], address: e['address'], from: 'INFLUX_HOST/INFLUX_TOKEN/INFLUX_ORG' } : null;
}

/** The metric's profile Secret; without one, the environment when complete, else the `influxdb` Secret. */
async function settings(env: ProviderEnvironment, spec: InfluxdbSpec): Promise<Settings> {
  const fromEnv = spec.profile ? null : settingsInEnv(env.env);
  if (fromEnv) return fromEnv;
  const name = spec.profile ?? SECRET;
  const s = await readSecretKeys(env.secrets, env.namespace, name, KEYS);
  if (!s.ok) {
    const where = spec.profile ? '' : ', and INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG are not all set';
    return { ok: false, message: `InfluxDB settings not found: ${s.message}${where}` };
  }
  const missing = KEYS.filter((k) => !s.values[k]);
  if (missing.length) return { ok: false, message: `InfluxDB settings: Secret ${env.namespace}/${name} has no ${missing.join(', ')} (it needs authToken, org and address)` };
  return { ok: true, authToken: s.values['authToken']!, org: s.values['org']!, address: s.values['address']!, from: `Secret ${name}` };
}

async function measureInflux(env: ProviderEnvironment, transport: ProviderTransport, spec: InfluxdbSpec, signal: AbortSignal, timeoutMs: number): Promise<ProviderResult> {
  const s = await settings(env, spec);
  if (!s.ok) return failed(s.message);
  const address = parseHttpUrl(s.address);
  if (!address) return failed(`InfluxDB address from ${s.from} is not an http(s) URL`);
  const { label, reply } = await transport.send(
    `InfluxDB ${s.address.replace(/\/+$/, '')}`,
    address,
    {
      method: 'POST',
      path: '/api/v2/query',
      params: { org: s.org },
      body: JSON.stringify({ query: spec.query, type: 'flux', dialect: DIALECT }),
      headers: { Authorization: `Token ${s.authToken}`, 'Content-Type': 'application/json', Accept: 'application/csv' },
      timeoutMs,
      insecure: false,
    },
    signal,
    { tls: 'InfluxDB is reached with the system\'s trusted CAs' },
  );
  const hide = (m: string) => hideCredentials(m, [s.authToken]);
  if (!reply.ok) return failed(hide(reply.message), {}, reply.transient);
  if (reply.status < 200 || reply.status >= 300) return failed(hide(`${label}: ${httpError(reply.status, reply.statusText, reply.contentType, reply.body)}`), {}, reply.transient);
  const answer = readAnnotatedCsv(reply.body);
  if (!answer.ok) return failed(hide(`${label}: flux query failed: ${answer.message}`));
  const values = answer.records.map((r) => r['_value'] ?? null);
  if (values.length === 0) return failed(`${label}: no results returned from flux query`);
  return measured(values, formatValue(values), {}, { json: true });
}

/** InfluxDB's JSON error (`{"code": "invalid", "message": "..."}`) as the Go client words it, or the body. */
function httpError(status: number, statusText: string, contentType: string, body: string): string {
  try {
    const doc = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof doc.code === 'string' && typeof doc.message === 'string') return `${status} ${doc.code}: ${doc.message}`;
  } catch {
    // not JSON: quoted below
  }
  if (looksLikeHtml(contentType, body)) return `${status} ${statusText} (an HTML page, not the InfluxDB API)`;
  return `${status} ${statusText}${body.trim() ? `: ${snippet(body)}` : ''}`;
}
