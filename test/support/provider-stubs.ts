/**
 * Stubs of each metric provider's API for examples/providers/, shared by the in-process CLI test
 * (test/commands/analyze-providers.test.ts) and the built binary's (test/e2e/analyze/providers.test.ts).
 * A stub answers only a request in the vendor's documented form (method, path, query parameters,
 * headers, body) and a 400 naming what differs otherwise, so a good answer proves the request too:
 * - Datadog API reference, Metrics, "Query scalar data across multiple products":
 *   `POST /api/v2/query/scalar`, `DD-API-KEY` and `DD-APPLICATION-KEY`, a `scalar_request` body;
 *   a `scalar_response` of columns.
 * - New Relic NerdGraph ("Introduction to New Relic NerdGraph", "NRQL queries via NerdGraph"):
 *   `POST /graphql` with the user key in `API-Key`, a JSON `query` and `variables`;
 *   `data.actor.account.nrql.results`.
 * - Amazon CloudWatch API Reference, GetMetricData (Query protocol, "Making API requests"): a form
 *   POST of `Action=GetMetricData&Version=2010-08-01`, SigV4-signed for `monitoring`; a
 *   `GetMetricDataResponse`.
 * - Graphite "The Render URL API": `GET /render?target=...&format=json`; a list of
 *   `{target, datapoints: [[value, timestamp]]}`.
 * - InfluxDB v2 API reference, "Query data" (`POST /api/v2/query?org=...`, `Authorization: Token
 *   ...`, a JSON body with `query` and `type: flux`); annotated CSV.
 * - Amazon Managed Service for Prometheus User Guide, QueryMetrics: `GET
 *   /workspaces/<id>/api/v1/query`, SigV4-signed for `aps`; Prometheus's HTTP API answer.
 * In `broken` mode each answers 503 quoting back every credential it was sent, as a careless proxy
 * might: the CLI must still print none of them (`secrets`).
 */
import type http from 'node:http';
import { errorXml, KEY, validSignature, xml } from '../providers/aws/aws-stub.js';
import { json, type Recorded } from '../providers/test-server.js';

export type StubMode = 'good' | 'bad' | 'broken';

export interface ProviderStub {
  /** examples/providers/<file> */
  file: string;
  /** `--arg` values; `{server}` is the stub's URL. */
  args: string[];
  env: (serverUrl: string) => NodeJS.ProcessEnv;
  /** The same credentials in the Secret Argo's docs name (keys as Argo reads them), for a run against a cluster. */
  secret?: (serverUrl: string) => { name: string; stringData: Record<string, string> };
  /** Values that must never appear in canary's output. */
  secrets: string[];
  /** null when the request is as documented, else what differs. */
  check: (req: Recorded) => string | null;
  answer: (mode: 'good' | 'bad', req: Recorded, res: http.ServerResponse) => void;
  /** The 503 of `broken` mode, quoting `echo` (the credentials received). */
  unavailable: (echo: string, res: http.ServerResponse) => void;
}

const DD = { api: 'dd-api-0123456789abcdef', app: 'dd-app-0123456789abcdef0123' };
const NR_KEY = 'NRAK-0123456789ABCDEFGHIJKLMNOP';
const INFLUX_TOKEN = 'influx-token-0123456789==';
const AWS_SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789';
const CW_NS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

const header = (req: Recorded, name: string) => (req.headers[name] === undefined ? undefined : String(req.headers[name]));
const expectEqual = (what: string, got: unknown, want: unknown) => (JSON.stringify(got) === JSON.stringify(want) ? null : `${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
const first = (...problems: (string | null)[]) => problems.find((p) => p !== null) ?? null;
const parsed = (body: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
};
const jsonUnavailable = (echo: string, res: http.ServerResponse) => json(res, 503, { errors: [`service unavailable (request had ${echo})`] });

export const PROVIDER_STUBS: Record<string, ProviderStub> = {
  datadog: {
    file: 'datadog.yaml',
    args: ['service-name=checkout'],
    env: (url) => ({ DD_API_KEY: DD.api, DD_APP_KEY: DD.app, DD_ADDRESS: url }),
    secret: (url) => ({ name: 'datadog', stringData: { 'api-key': DD.api, 'app-key': DD.app, address: url } }),
    secrets: [DD.api, DD.app],
    check: (req) => {
      const body = parsed(req.body) as { data?: { type?: string; attributes?: { from?: unknown; to?: unknown; queries?: { data_source?: string; name?: string; query?: string; aggregator?: string }[]; formulas?: unknown } } } | null;
      const a = body?.data?.attributes;
      return first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'POST /api/v2/query/scalar'),
        expectEqual('keys', [header(req, 'dd-api-key'), header(req, 'dd-application-key')], [DD.api, DD.app]),
        expectEqual('Content-Type', header(req, 'content-type'), 'application/json'),
        expectEqual('data.type', body?.data?.type, 'scalar_request'),
        typeof a?.from === 'number' && typeof a.to === 'number' && a.to - a.from === 300_000 ? null : `from/to: expected epoch milliseconds 5m apart, got ${JSON.stringify([a?.from, a?.to])}`,
        expectEqual('queries', (a?.queries ?? []).map((q) => [q.data_source, q.name, q.aggregator, q.query?.startsWith('sum:trace.http.request.')]).sort(), [['metrics', 'errors', 'sum', true], ['metrics', 'hits', 'sum', true]]),
        expectEqual('formulas', a?.formulas, [{ formula: 'errors / hits' }]),
      );
    },
    answer: (m, _req, res) => json(res, 200, { data: { type: 'scalar_response', attributes: { columns: [{ name: 'errors / hits', type: 'number', values: [m === 'good' ? 0.01 : 0.2], meta: { unit: null } }] } } }),
    unavailable: jsonUnavailable,
  },
  newRelic: {
    file: 'newrelic.yaml',
    args: ['application-name=checkout'],
    env: (url) => ({ NEW_RELIC_API_KEY: NR_KEY, NEW_RELIC_ACCOUNT_ID: '1234567', NEW_RELIC_BASE_URL_NERDGRAPH: `${url}/graphql` }),
    secret: (url) => ({ name: 'newrelic', stringData: { 'personal-api-key': NR_KEY, 'account-id': '1234567', 'base-url-nerdgraph': `${url}/graphql` } }),
    secrets: [NR_KEY],
    check: (req) => {
      const body = parsed(req.body) as { query?: string; variables?: { accountId?: unknown; query?: string; timeout?: unknown } } | null;
      return first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'POST /graphql'),
        expectEqual('API-Key', header(req, 'api-key'), NR_KEY),
        expectEqual('Content-Type', header(req, 'content-type'), 'application/json'),
        /nrql\(query: \$query, timeout: \$timeout\) \{\s*results\s*\}/.test(body?.query ?? '') ? null : `query: not an nrql query: ${JSON.stringify(body?.query)}`,
        expectEqual('variables', [body?.variables?.accountId, body?.variables?.timeout, body?.variables?.query?.includes("appName = 'checkout'")], [1234567, 5, true]),
      );
    },
    answer: (m, _req, res) => json(res, 200, { data: { actor: { account: { nrql: { results: [{ errorRate: m === 'good' ? 0.5 : 12 }] } } } } }),
    unavailable: (echo, res) => json(res, 503, { errors: [{ message: `service unavailable (request had ${echo})` }] }),
  },
  cloudWatch: {
    file: 'cloudwatch.yaml',
    args: ['load-balancer=app/checkout/50dc6c495c0c9188'],
    env: (url) => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_SESSION_TOKEN, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: url }),
    secrets: [KEY.secretAccessKey, AWS_SESSION_TOKEN],
    check: (req) => {
      const form = new URLSearchParams(req.body);
      return first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'POST /'),
        expectEqual('Content-Type', header(req, 'content-type'), 'application/x-www-form-urlencoded; charset=utf-8'),
        expectEqual('Action and Version', [form.get('Action'), form.get('Version')], ['GetMetricData', '2010-08-01']),
        expectEqual('X-Amz-Security-Token', header(req, 'x-amz-security-token'), AWS_SESSION_TOKEN),
        validSignature(req, { [KEY.accessKeyId]: KEY.secretAccessKey }) ? null : 'SigV4 signature does not match',
        expectEqual('queries', [1, 2, 3].map((i) => form.get(`MetricDataQueries.member.${i}.Id`)), ['rate', 'errors', 'requests']),
        expectEqual('dimension', form.get('MetricDataQueries.member.2.MetricStat.Metric.Dimensions.member.1.Value'), 'app/checkout/50dc6c495c0c9188'),
      );
    },
    answer: (m, _req, res) =>
      xml(
        res,
        200,
        `<GetMetricDataResponse xmlns="${CW_NS}"><GetMetricDataResult><MetricDataResults><member><Id>rate</Id><Label>rate</Label><StatusCode>Complete</StatusCode><Timestamps><member>2026-01-01T12:00:00Z</member></Timestamps><Values><member>${m === 'good' ? 0.001 : 0.07}</member></Values></member></MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>5ac0f1e5-0cfb-4eb6-8aae-d0df1e3c35a4</RequestId></ResponseMetadata></GetMetricDataResponse>`,
      ),
    unavailable: (echo, res) => xml(res, 503, errorXml('ServiceUnavailable', `service unavailable (request had ${echo})`, CW_NS)),
  },
  graphite: {
    file: 'graphite.yaml',
    args: ['service-name=checkout', 'graphite-address={server}'],
    env: () => ({}),
    secrets: [],
    check: (req) =>
      first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'GET /render'),
        expectEqual('format', req.query.get('format'), 'json'),
        expectEqual('from and until', [req.query.get('from'), req.query.get('until')], ['-5min', 'now']),
        /^summarize\(asPercent\(sumSeries\(stats\.timers\.httpServerRequests\.app\.checkout\.status\.5\*\.count\),/.test(req.query.get('target') ?? '') ? null : `target: ${JSON.stringify(req.query.get('target'))}`,
      ),
    answer: (m, _req, res) => json(res, 200, [{ target: 'summarize(asPercent(...))', tags: { name: 'summarize' }, datapoints: [[m === 'good' ? 0.4 : 9.5, 1767268500], [null, 1767268800]] }]),
    unavailable: jsonUnavailable,
  },
  influxdb: {
    file: 'influxdb.yaml',
    args: ['service-name=checkout'],
    env: (url) => ({ INFLUX_HOST: url, INFLUX_TOKEN: INFLUX_TOKEN, INFLUX_ORG: 'acme' }),
    secret: (url) => ({ name: 'influxdb', stringData: { authToken: INFLUX_TOKEN, org: 'acme', address: url } }),
    secrets: [INFLUX_TOKEN],
    check: (req) => {
      const body = parsed(req.body) as { query?: string; type?: string } | null;
      return first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'POST /api/v2/query'),
        expectEqual('org', req.query.get('org'), 'acme'),
        expectEqual('Authorization', header(req, 'authorization'), `Token ${INFLUX_TOKEN}`),
        expectEqual('Content-Type', header(req, 'content-type'), 'application/json'),
        expectEqual('type', body?.type, 'flux'),
        body?.query?.includes('r.service == "checkout"') ? null : `query: ${JSON.stringify(body?.query)}`,
      );
    },
    answer: (m, _req, res) => {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.end(`#datatype,string,long,long\r\n#group,false,false,false\r\n#default,_result,,\r\n,result,table,_value\r\n,,0,${m === 'good' ? 2 : 40}\r\n\r\n`);
    },
    unavailable: (echo, res) => json(res, 503, { code: 'unavailable', message: `service unavailable (request had ${echo})` }),
  },
  'prometheus (sigv4)': {
    file: 'amazon-managed-prometheus.yaml',
    args: ['service-name=checkout', 'workspace-url={server}/workspaces/ws-1'],
    env: () => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_SESSION_TOKEN }),
    secrets: [KEY.secretAccessKey, AWS_SESSION_TOKEN],
    check: (req) =>
      first(
        expectEqual('method and path', `${req.method} ${req.path}`, 'GET /workspaces/ws-1/api/v1/query'),
        req.query.get('query')?.includes('service="checkout"') ? null : `query: ${JSON.stringify(req.query.get('query'))}`,
        expectEqual('X-Amz-Security-Token', header(req, 'x-amz-security-token'), AWS_SESSION_TOKEN),
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request, /.test(header(req, 'authorization') ?? '') ? null : `Authorization: not signed for aps in eu-west-1: ${header(req, 'authorization')}`,
        validSignature(req, { [KEY.accessKeyId]: KEY.secretAccessKey }) ? null : 'SigV4 signature does not match',
      ),
    answer: (m, _req, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1767268800, m === 'good' ? '0.999' : '0.9'] }] } }),
    unavailable: (echo, res) => json(res, 503, { status: 'error', errorType: 'unavailable', error: `service unavailable (request had ${echo})` }),
  },
};

/** The handler for one stub in one mode: a documented request gets the mode's answer. */
export function stubHandler(stub: ProviderStub, mode: StubMode): (req: Recorded, res: http.ServerResponse) => void {
  return (req, res) => {
    if (mode === 'broken') {
      const sent = ['authorization', 'dd-api-key', 'dd-application-key', 'api-key', 'x-amz-security-token'].filter((h) => req.headers[h] !== undefined).map((h) => `${h}: ${String(req.headers[h])}`);
      return stub.unavailable(sent.join(', ') || 'no credentials', res);
    }
    const problem = stub.check(req);
    if (problem) return json(res, 400, { error: `not a documented request: ${problem}` });
    stub.answer(mode, req, res);
  };
}

/** `--arg` flags for a stub at `serverUrl`. */
export function stubArgs(stub: ProviderStub, serverUrl: string): string[] {
  return stub.args.flatMap((a) => ['--arg', a.replace('{server}', serverUrl)]);
}
