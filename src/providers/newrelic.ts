/**
 * Argo's New Relic provider: an NRQL query through NerdGraph (`POST <nerdgraph>/graphql` with the
 * user's key in `API-Key`, the query `actor { account(id) { nrql(query, timeout) { results } } }`
 * as newrelic-client-go sends it). One result row is the result (a map: `result.count`), several
 * are a list; an empty row or no row is an Error, as in Argo. Settings: the `newrelic` Secret (or
 * the metric's `profile`) with personal-api-key, account-id, region, base-url-nerdgraph; on a
 * workstation NEW_RELIC_API_KEY, NEW_RELIC_ACCOUNT_ID, NEW_RELIC_REGION (and
 * NEW_RELIC_BASE_URL_NERDGRAPH, the Secret's last key as a variable).
 */
import { goJson } from '../expr/index.js';
import type { NewRelicSpec } from '../manifests/types.js';
import { parseHttpUrl } from './call.js';
import type { ProviderDefinition, ProviderEnvironment } from './definition.js';
import { looksLikeHtml, snippet } from './http.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { failed, measured } from './results.js';
import { envValues, hideCredentials, readSecretKeys } from './settings.js';
import { ProviderTransport } from './transport.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ProviderResult } from '../analysis/provider.js';

const SECRET = 'newrelic';
const KEYS = ['personal-api-key', 'account-id', 'region', 'base-url-nerdgraph'] as const;
const ENV = {
  'personal-api-key': 'NEW_RELIC_API_KEY',
  'account-id': 'NEW_RELIC_ACCOUNT_ID',
  region: 'NEW_RELIC_REGION',
  'base-url-nerdgraph': 'NEW_RELIC_BASE_URL_NERDGRAPH',
} as const;
const DEFAULT_NRQL_TIMEOUT_S = 5;
/** The NerdGraph endpoint of each region newrelic-client-go knows. */
const NERDGRAPH: Readonly<Record<string, string>> = {
  us: 'https://api.newrelic.com/graphql',
  eu: 'https://api.eu.newrelic.com/graphql',
  staging: 'https://staging-api.newrelic.com/graphql',
  local: 'http://localhost:3000/graphql',
};
const NRQL = `query (
  $query: Nrql!,
  $accountId: Int!,
  $timeout: Seconds!
)
{
  actor {
    account(id: $accountId) {
      nrql(query: $query, timeout: $timeout) {
        results
      }
    }
  }
}
`;
const ACCOUNT = 'query ($accountId: Int!) { actor { account(id: $accountId) { id } } }';

export const newRelic: ProviderDefinition<'newRelic', Record<string, never>> = {
  kind: 'newRelic',
  endpoint: (spec) => `newRelic (${spec.profile ? `Secret ${spec.profile}` : `NEW_RELIC_API_KEY or Secret ${SECRET}`})`,
  describe: (spec) => `newRelic (${spec.profile ? `Secret ${spec.profile}` : `NEW_RELIC_API_KEY/NEW_RELIC_ACCOUNT_ID, or Secret ${SECRET}`})\n  query: ${spec.query}`,
  permissions: (spec, namespace, env) => (spec.profile?.includes('{{') || (!spec.profile && accountInEnv(env)) ? [] : permissionsFor('', 'secrets', ['get'], namespace, `New Relic settings (Secret ${spec.profile ?? SECRET})`)),
  create: (env) => {
    const transport = new ProviderTransport(env);
    return {
      measure: (spec, signal) => measureNrql(env, transport, spec, signal),
      ping: async (spec, signal) => {
        const problem = await pingWithRetries(() => nerdGraph(env, transport, spec, ACCOUNT, {}, PING_TIMEOUT_MS, signal).then((r) => (r.ok ? measured(true, 'true') : r.result)), env.clock, signal);
        return problem ? { ok: false, message: problem, hint: `check the ${spec.profile ?? SECRET} Secret (personal-api-key, account-id, region) or NEW_RELIC_API_KEY and NEW_RELIC_ACCOUNT_ID` } : { ok: true, message: 'NerdGraph answers for the account' };
      },
    };
  },
};

type Account = { ok: true; apiKey: string; accountId: number; url: string } | { ok: false; message: string };

/** NEW_RELIC_API_KEY and NEW_RELIC_ACCOUNT_ID (with the region and base URL variables), when both are set. */
function accountInEnv(processEnv: NodeJS.ProcessEnv): Record<string, string> | null {
  const values = envValues(processEnv, ENV);
  return values['personal-api-key'] && values['account-id'] ? values : null;
}

async function account(env: ProviderEnvironment, spec: NewRelicSpec): Promise<Account> {
  let values: Record<string, string> = (spec.profile ? null : accountInEnv(env.env)) ?? {};
  let from = 'NEW_RELIC_API_KEY/NEW_RELIC_ACCOUNT_ID';
  if (!values['personal-api-key'] || !values['account-id']) {
    const name = spec.profile ?? SECRET;
    const s = await readSecretKeys(env.secrets, env.namespace, name, KEYS);
    if (!s.ok) return { ok: false, message: `New Relic settings not found: ${s.message}${spec.profile ? '' : ', and NEW_RELIC_API_KEY and NEW_RELIC_ACCOUNT_ID are not set'}` };
    values = s.values;
    from = `Secret ${env.namespace}/${name}`;
  }
  if (!values['personal-api-key'] || !values['account-id']) return { ok: false, message: `account ID or personal API key not found in ${from}` };
  const accountId = Number(values['account-id']);
  if (!/^\d+$/.test(values['account-id'].trim())) return { ok: false, message: `could not parse account ID from ${from}: not a number` };
  const region = (values['region'] || 'us').toLowerCase();
  const url = values['base-url-nerdgraph'] || NERDGRAPH[region];
  if (!url) return { ok: false, message: `${from}: region "${values['region']}" is not one of us, eu, staging` };
  return { ok: true, apiKey: values['personal-api-key'], accountId, url };
}

type GraphAnswer = { ok: true; data: unknown } | { ok: false; result: ProviderResult };

async function nerdGraph(env: ProviderEnvironment, transport: ProviderTransport, spec: NewRelicSpec, query: string, variables: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<GraphAnswer> {
  const a = await account(env, spec);
  if (!a.ok) return { ok: false, result: failed(a.message) };
  const url = parseHttpUrl(a.url);
  if (!url) return { ok: false, result: failed(`New Relic NerdGraph address ${a.url} is not an http(s) URL`) };
  const base = new URL(url.origin);
  const { label, reply } = await transport.send(
    `New Relic ${a.url}`,
    base,
    { method: 'POST', path: url.pathname, body: JSON.stringify({ query, variables: { accountId: a.accountId, ...variables } }), headers: { 'Content-Type': 'application/json', 'API-Key': a.apiKey }, timeoutMs, insecure: false },
    signal,
    { tls: 'NerdGraph is reached with the system\'s trusted CAs' },
  );
  const hide = (m: string) => hideCredentials(m, [a.apiKey]);
  if (!reply.ok) return { ok: false, result: failed(hide(reply.message), {}, reply.transient) };
  const doc = parseGraphQl(reply.body);
  if (reply.status < 200 || reply.status >= 300) {
    const detail = doc?.errors?.length ? doc.errors.map((e) => String(e?.message ?? '')).join(', ') : looksLikeHtml(reply.contentType, reply.body) ? '(an HTML page)' : snippet(reply.body);
    return { ok: false, result: failed(hide(`${label}: ${reply.status} ${reply.statusText}${detail ? `: ${detail}` : ''}`), {}, reply.transient) };
  }
  if (!doc) return { ok: false, result: failed(`${label}: the answer is not JSON: ${JSON.stringify(snippet(reply.body, 80))}`) };
  if (Array.isArray(doc.errors) && doc.errors.length > 0) return { ok: false, result: failed(hide(`${label}: ${doc.errors.map((e) => String(e?.message ?? 'error')).join(', ')}`)) };
  return { ok: true, data: doc.data };
}

async function measureNrql(env: ProviderEnvironment, transport: ProviderTransport, spec: NewRelicSpec, signal: AbortSignal): Promise<ProviderResult> {
  const timeout = spec.timeout ?? DEFAULT_NRQL_TIMEOUT_S;
  const metadata = { ResolvedNewRelicQuery: spec.query };
  // The HTTP deadline leaves NerdGraph its NRQL timeout and some room.
  const answer = await nerdGraph(env, transport, spec, NRQL, { query: spec.query, timeout }, (timeout + 10) * 1000, signal);
  if (!answer.ok) return { ...answer.result, metadata };
  const results = (answer.data as { actor?: { account?: { nrql?: { results?: unknown } } } } | null)?.actor?.account?.nrql?.results;
  if (!Array.isArray(results) || results.length === 0) return failed('no results returned from NRQL query', metadata);
  const value = results.length === 1 ? results[0] : results;
  if (results.length === 1 && (value === null || typeof value !== 'object' || Object.keys(value).length === 0)) return failed('no results returned from NRQL query', metadata);
  return measured(value, goJson(value), metadata, { json: true });
}

/** A GraphQL answer: `{ "data": ..., "errors": [{ "message": ... }] }`; null when the body is not JSON. */
function parseGraphQl(body: string): { data?: unknown; errors?: { message?: unknown }[] } | null {
  try {
    const doc: unknown = JSON.parse(body);
    return doc !== null && typeof doc === 'object' ? (doc as { data?: unknown; errors?: { message?: unknown }[] }) : null;
  } catch {
    return null;
  }
}
