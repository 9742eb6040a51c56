/**
 * The Datadog provider against a stub of Datadog's API on 127.0.0.1, answering as Datadog's API
 * reference documents "Query timeseries points" (v1: `GET /api/v1/query?from&to&query`, a
 * `series` of `pointlist`s), "Query scalar data across multiple products" (v2: `POST
 * /api/v2/query/scalar`, a `scalar_request` body; `data.attributes.columns` of number and group
 * columns) and "Validate API key" (`GET /api/v1/validate`), with the `DD-API-KEY` and
 * `DD-APPLICATION-KEY` headers. The tables are Argo's (argoproj/argo-rollouts
 * metricproviders/datadog/datadogV1_test.go TestRunSuite, datadogV2_test.go TestRunSuiteV2).
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';
import type { ProviderResult } from '../../src/analysis/provider.js';
import { datadog } from '../../src/providers/datadog.js';
import type { DatadogSpec } from '../../src/manifests/types.js';
import { systemClock } from '../../src/util/clock.js';
import { FakeClock } from '../support/fake-clock.js';
import { CTX, expectError, expectOk, never, providerEnv } from './provider-env.js';
import { startServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const API_KEY = '0123456789abcdef0123456789abcdef';
const APP_KEY = '0123456789abcdef0123456789abcdef01234567';
/** Argo's tests fix unixNow at 1599076435. */
const NOW_S = 1599076435;

const v1 = (overrides: Partial<DatadogSpec> = {}): DatadogSpec => ({
  kind: 'datadog', apiVersion: 'v1', interval: '5m', query: 'avg:kubernetes.cpu.user.total{*}', queries: null, formula: null, aggregator: null,
  secretRef: { name: null, namespaced: false }, requestTimeout: '10s', ...overrides,
});
const v2 = (overrides: Partial<DatadogSpec> = {}) => v1({ apiVersion: 'v2', ...overrides });
const env = (extra: Parameters<typeof providerEnv>[0] = {}) =>
  providerEnv({ clock: new FakeClock(NOW_S * 1000), secretData: { 'apps/datadog': { 'api-key': API_KEY, 'app-key': APP_KEY, address: server.url } }, ...extra });
const measure = (s: DatadogSpec, e = env()) => datadog.create(e, {}).measure(s, never, CTX);
const answer = (status: number, body: string) =>
  server.handle((_req, res) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
const phase = (r: ProviderResult, successCondition: string, failureCondition: string | null = null) =>
  r.ok ? evaluateResult(r.value, { successCondition, failureCondition }, NOW_S * 1000) : { phase: 'Error', message: r.message };

describe('datadog provider v1 (Datadog "Query timeseries points" stub)', () => {
  const points = '{"status":"ok","series":[{"pointlist":[[1598867910000,0.0020008318672513122],[1598867925000,0.0003332881882246533]]}]}';

  it('GETs /api/v1/query for the interval ending now, with the keys in headers; the last point is the result', async () => {
    answer(200, points);
    const r = expectOk(await measure(v1({ interval: '10m' })));
    expect([r.value, r.valueText]).toEqual([0.0003332881882246533, '0.0003332881882246533']);
    expect(phase(r, 'result < 0.001', 'result >= 0.001')).toMatchObject({ phase: 'Successful' });
    const req = server.requests[0]!;
    expect([req.method, req.path]).toEqual(['GET', '/api/v1/query']);
    expect(Object.fromEntries(req.query)).toEqual({ from: String(NOW_S - 600), to: String(NOW_S), query: 'avg:kubernetes.cpu.user.total{*}' });
    expect([req.headers['dd-api-key'], req.headers['dd-application-key'], req.headers['content-type']]).toEqual([API_KEY, APP_KEY, 'application/json']);
  });

  it.each([
    ['last value does not match: Failed', points.replace('0.0003332881882246533', '0.006121378742186943'), 'result < 0.001', 'result >= 0.001', 'Failed', '0.006121378742186943'],
    ['success with default and data', points, 'default(result, 0) < 0.05', null, 'Successful', '0.0003332881882246533'],
    ['error with no default and no data', '{"status":"ok","series":[]}', 'result < 0.05', null, 'Error', '[]'],
    ['success with default and no data', '{"status":"ok","series":[]}', 'default(result, 0) < 0.05', null, 'Successful', '[]'],
    ['failure with bad default and no data', '{"status":"ok","series":[]}', 'default(result, 1) < 0.05', null, 'Failed', '[]'],
    ['success with bad default and good data', points.replace('0.0003332881882246533', '0.006121378742186943'), 'default(result, 1) < 0.05', null, 'Successful', '0.006121378742186943'],
    ['a series without points is no data too', '{"status":"ok","series":[{"pointlist":[]}]}', 'default(result, 0) < 0.05', null, 'Successful', '[{"pointlist":[]}]'],
  ])('%s (TestRunSuite)', async (_name, body, success, failure, expected, valueText) => {
    answer(200, body);
    const r = expectOk(await measure(v1()));
    expect(r.valueText).toBe(valueText);
    expect(phase(r, success, failure).phase).toBe(expected);
  });

  it.each([
    ['an invalid request', 400, '{"status":"error","error":"error messsage"}', 'received non 2xx response code: 400 {"status":"error","error":"error messsage"}'],
    ['an authentication issue', 401, '{"errors": ["No authenticated user."]}', 'received authentication error response code: 401 {"errors": ["No authenticated user."]}'],
    ['a non-array series', 200, '{"status":"ok","series":"invalid"}', 'Could not parse JSON body: series is not a list'],
    ['a data point without two values', 200, '{"series":[{"pointlist":[[1]]}]}', 'Datapoint does not have 2 values'],
  ])('Error on %s (TestRunSuite)', async (_name, status, body, message) => {
    answer(status, body);
    expect(expectError(await measure(v1()))).toBe(`Datadog ${server.url}: ${message}`);
  });
});

describe('datadog provider v2 (Datadog "Query scalar data across multiple products" stub)', () => {
  const scalar = (values: string) => `{"data": {"type": "scalar_response", "attributes": {"columns": [ {"name": "a", "type": "number", "values": ${values}, "meta": {"unit": null}}]}}}`;

  it('POSTs a scalar_request with the queries, the formula and the default aggregator "last", times in ms', async () => {
    answer(200, scalar('[0.0006444881882246533]'));
    const r = expectOk(await measure(v2({ query: null, queries: { a: 'avg:error_requests{*}', b: 'avg:total_requests{*}' }, formula: 'a/b' })));
    expect(r.valueText).toBe('0.0006444881882246533');
    const req = server.requests[0]!;
    expect([req.method, req.path]).toEqual(['POST', '/api/v2/query/scalar']);
    expect(JSON.parse(req.body)).toEqual({
      data: {
        type: 'scalar_request',
        attributes: {
          from: (NOW_S - 300) * 1000,
          to: NOW_S * 1000,
          queries: [
            { aggregator: 'last', data_source: 'metrics', name: 'a', query: 'avg:error_requests{*}' },
            { aggregator: 'last', data_source: 'metrics', name: 'b', query: 'avg:total_requests{*}' },
          ],
          formulas: [{ formula: 'a/b' }],
        },
      },
    });
  });

  it('a single query is named "query", with the aggregator given', async () => {
    answer(200, scalar('[1]'));
    expectOk(await measure(v2({ aggregator: 'sum' })));
    expect(JSON.parse(server.requests[0]!.body).data.attributes).toMatchObject({ queries: [{ aggregator: 'sum', data_source: 'metrics', name: 'query', query: 'avg:kubernetes.cpu.user.total{*}' }], formulas: [] });
  });

  it.each([
    ['simple scalar query', scalar('[0.0006332881882246533]'), 'result < 0.001', 'result >= 0.001', 'Successful', '0.0006332881882246533'],
    ['value does not match condition then fail', scalar('[0.006121374442186943]'), 'result < 0.001', 'result >= 0.001', 'Failed', '0.006121374442186943'],
    ['error with no default and no data', scalar('[]'), 'result < 0.05', null, 'Error', '[]'],
    ['success with default and no data', scalar('[]'), 'default(result, 0) < 0.05', null, 'Successful', '[]'],
    ['fail when bad default and no data', scalar('[]'), 'default(result, 1) < 0.05', null, 'Failed', '[]'],
    ['legacy columns without a type', '{"data": {"attributes": {"columns": [ {"values": [0.0003332881882246533]}]}}}', 'result < 0.001', null, 'Successful', '0.0003332881882246533'],
    ['success bad default and good data', scalar('[0.006721378742186999]'), 'default(result, 1) < 0.05', null, 'Successful', '0.006721378742186999'],
  ])('%s (TestRunSuiteV2)', async (_name, body, success, failure, expected, valueText) => {
    answer(200, body);
    const r = expectOk(await measure(v2()));
    expect(r.valueText).toBe(valueText);
    expect(phase(r, success, failure).phase).toBe(expected);
  });

  it.each([
    [
      'grouped query evaluated with max',
      '[{"name": "resource_name", "type": "group", "values": [["GET /a"], ["GET /b"], ["GET /c"]]}, {"name": "query1", "type": "number", "values": [0.01, 0.087, 0.04]}]',
      'max(result) < 0.05', 'Failed', '[0.01,0.087,0.04]', '[{"name":"GET /a","value":0.01},{"name":"GET /b","value":0.087},{"name":"GET /c","value":0.04}]',
    ],
    [
      'single-group query stays a slice',
      '[{"name": "resource_name", "type": "group", "values": [["GET /a"]]}, {"name": "query1", "type": "number", "values": [0.087]}]',
      'max(result) < 0.05', 'Failed', '[0.087]', '[{"name":"GET /a","value":0.087}]',
    ],
    [
      'multi-tag grouped query',
      '[{"name": "env", "type": "group", "values": [["prod"], ["prod"]]}, {"name": "resource_name", "type": "group", "values": [["GET /a"], ["GET /b"]]}, {"name": "query1", "type": "number", "values": [0.01, 0.02]}]',
      'max(result) < 0.05', 'Successful', '[0.01,0.02]', '[{"name":"prod,GET /a","value":0.01},{"name":"prod,GET /b","value":0.02}]',
    ],
    [
      'null values are groups without data, skipped with their labels',
      '[{"name": "host", "type": "group", "values": [["a"], ["b"], ["c"]]}, {"name": "query1", "type": "number", "values": [0.01, null, 0.03]}]',
      'all(result, # < 0.05)', 'Successful', '[0.01,0.03]', '[{"name":"a","value":0.01},{"name":"c","value":0.03}]',
    ],
    [
      'grouped query passes with all',
      '[{"name": "resource_name", "type": "group", "values": [["a"], ["b"], ["c"]]}, {"name": "query1", "type": "number", "values": [0.01, 0.02, 0.03]}]',
      'all(result, # < 0.05)', 'Successful', '[0.01,0.02,0.03]', '[{"name":"a","value":0.01},{"name":"b","value":0.02},{"name":"c","value":0.03}]',
    ],
    [
      'multi-tag keeps every dimension',
      '[{"name": "region", "type": "group", "values": [["us-east"], ["us-east"], ["us-west"]]}, {"name": "host", "type": "group", "values": [["host-a"], ["host-b"], ["host-c"]]}, {"name": "query1", "type": "number", "values": [0.01, 0.09, 0.02]}]',
      'max(result) < 0.05', 'Failed', '[0.01,0.09,0.02]', '[{"name":"us-east,host-a","value":0.01},{"name":"us-east,host-b","value":0.09},{"name":"us-west,host-c","value":0.02}]',
    ],
  ])('%s (TestRunSuiteV2)', async (_name, columns, success, expected, valueText, groups) => {
    answer(200, `{"data": {"attributes": {"columns": ${columns}}}}`);
    const r = expectOk(await measure(v2()));
    expect([r.valueText, r.metadata]).toEqual([valueText, { groups }]);
    expect(phase(r, success).phase).toBe(expected);
  });

  it.each([
    ['values that are not a list', '{"data": {"attributes": {"columns": [{"values": "invalid"}]}}}', 'Could not parse JSON body: the values of column "" are not a list'],
    ['errors in the query', '{"data": {"attributes": {"columns": []}, "errors": "bad query"}}', 'There were errors in your query: bad query'],
    ['datadog returns errors', '{"data": {"errors": "query exceeded the maximum allowed time range"}}', 'There were errors in your query: query exceeded the maximum allowed time range'],
    ['non-numeric value in number column errors', '{"data": {"attributes": {"columns": [{"name": "query1", "type": "number", "values": [1, "oops"]}]}}}', 'could not parse numeric value "\\"oops\\"" in column "query1"'],
    ['malformed group label errors', '{"data": {"attributes": {"columns": [{"name": "resource_name", "type": "group", "values": [["a"], "not-an-array"]}, {"name": "query1", "type": "number", "values": [0.01, 0.02]}]}}}', 'could not parse group label at index 1'],
    ['a group label that is not a list of tags', '{"data": {"attributes": {"columns": [{"name":"host","type":"group","values":[null]},{"type":"number","values":[1]}]}}}', 'could not parse group label at index 0'],
  ])('Error on %s (TestRunSuiteV2)', async (_name, body, message) => {
    answer(200, body);
    expect(expectError(await measure(v2()))).toBe(`Datadog ${server.url}: ${message}`);
  });
});

describe('datadog v2 columns (datadog_test.go TestExtractValues, TestGroupNameAt, TestParseResponseV2TruncatesHighCardinalityGroups)', () => {
  const columns = (cols: string) => answer(200, `{"data": {"type": "scalar_response", "attributes": {"columns": ${cols}}}}`);
  const group = (values: string) => `{"name": "g", "type": "group", "values": ${values}}`;
  const number = (values: string) => `{"name": "q", "type": "number", "values": ${values}}`;

  it.each([
    ['a group column placed after the number column still works', `[${number('[1, 2]')}, ${group('[["a"], ["b"]]')}]`, '[1,2]', { groups: '[{"name":"a","value":1},{"name":"b","value":2}]' }],
    ['aliased values within one group column join too', `[${group('[["x","y"]]')}, ${number('[3]')}]`, '[3]', { groups: '[{"name":"x,y","value":3}]' }],
    ['six group columns join in order', `[${['us-east', 'host-a', '/checkout', 'GET', 'prod', 'v2'].map((t) => group(`[["${t}"]]`)).join(', ')}, ${number('[0.5]')}]`, '[0.5]', { groups: '[{"name":"us-east,host-a,/checkout,GET,prod,v2","value":0.5}]' }],
    ['a null value drops its group and keeps the pairing aligned', `[${group('[["a"], ["b"], ["c"]]')}, ${number('[null, 0.02, 0.03]')}]`, '[0.02,0.03]', { groups: '[{"name":"b","value":0.02},{"name":"c","value":0.03}]' }],
    ['a group-only answer (no number column) has no data', `[${group('[["a"], ["b"]]')}]`, '[]', {}],
  ])('%s', async (_name, cols, valueText, metadata) => {
    columns(cols);
    const r = expectOk(await measure(v2()));
    expect([r.valueText, r.metadata]).toEqual([valueText, metadata]);
  });

  it.each([
    ['a non-numeric entry in a number column', `[${number('[1, "oops"]')}]`, 'could not parse numeric value "\\"oops\\"" in column "q"'],
    ['a group label that is a number', `[${group('[["a"], 42]')}, ${number('[1, 2]')}]`, 'could not parse group label at index 1'],
    ['a null group label', `[${group('[["a"], null]')}, ${number('[1, 2]')}]`, 'could not parse group label at index 1'],
    ['an empty group label', `[${group('[["a"], []]')}, ${number('[1, 2]')}]`, 'could not parse group label at index 1'],
    ['a group column shorter than the number column', `[${group('[["a"], ["b"]]')}, ${number('[1, 2, 3]')}]`, 'could not parse group label at index 2'],
    ['a row missing from a later group column', `[${group('[["us-east"], ["us-west"]]')}, ${group('[["only"]]')}, ${number('[1, 2]')}]`, 'could not parse group label at index 1'],
  ])('Error on %s', async (_name, cols, message) => {
    columns(cols);
    expect(expectError(await measure(v2()))).toBe(`Datadog ${server.url}: ${message}`);
  });

  it('more than 100 groups: metadata keeps the 50 lowest and 50 highest values, the result keeps every value', async () => {
    const n = 125;
    columns(`[${group(JSON.stringify(Array.from({ length: n }, (_, i) => [`g${i}`])))}, ${number(JSON.stringify(Array.from({ length: n }, (_, i) => i)))}]`);
    const r = expectOk(await measure(v2()));
    expect((r.value as number[]).length).toBe(n);
    expect(r.metadata['groups_truncated']).toBe('true');
    const kept = (JSON.parse(r.metadata['groups']!) as { name: string }[]).map((g) => g.name);
    expect(kept).toHaveLength(100);
    expect([kept.includes('g0'), kept.includes(`g${n - 1}`), kept.includes(`g${Math.floor(n / 2)}`)]).toEqual([true, true, false]);
  });

  it('exactly 100 groups are kept whole', async () => {
    columns(`[${group(JSON.stringify(Array.from({ length: 100 }, (_, i) => [`g${i}`])))}, ${number(JSON.stringify(Array.from({ length: 100 }, (_, i) => i)))}]`);
    expect(expectOk(await measure(v2())).metadata['groups_truncated']).toBeUndefined();
  });
});

describe('datadog requestTimeout (datadog_test.go TestRequestTimeout)', () => {
  let timer: NodeJS.Timeout | undefined;
  beforeEach(() =>
    server.handle((_req, res) => {
      timer = setTimeout(() => {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"data": {"attributes": {"columns": [ {"values": [0.0006332881882246533]}]}}}');
      }, 200);
      res.on('close', () => clearTimeout(timer));
    }),
  );
  afterEach(() => clearTimeout(timer));

  it.each([
    ['the default (10s) against a slow server succeeds', '10s', 'Successful'],
    ['a generous timeout against a slow server succeeds', '5s', 'Successful'],
    ['a short timeout against a slow server is an Error', '10ms', 'Error'],
  ])('%s', async (_name, requestTimeout, expected) => {
    const r = await datadog.create(env({ clock: systemClock }), {}).measure(v2({ requestTimeout }), never, CTX);
    expect(phase(r, 'result < 0.001', 'result >= 0.001').phase).toBe(expected);
    if (!r.ok) expect(r.message).toBe(`Datadog ${server.url}: no answer within 10ms (requestTimeout)`);
  });
});

describe('datadog credentials, as Argo\'s finders look for them', () => {
  beforeEach(() => answer(200, '{"series":[{"pointlist":[[1,1]]}]}'));

  it('the environment (DD_API_KEY, DD_APP_KEY, DD_ADDRESS) before the datadog Secret', async () => {
    expectOk(await measure(v1(), env({ env: { DD_API_KEY: 'env-api', DD_APP_KEY: 'env-app', DD_ADDRESS: server.url } })));
    expect([server.requests[0]!.headers['dd-api-key'], server.requests[0]!.headers['dd-application-key']]).toEqual(['env-api', 'env-app']);
  });

  it('secretRef names the Secret (in the Rollout\'s namespace), and then only it is read', async () => {
    const e = env({ env: { DD_API_KEY: 'env-api', DD_APP_KEY: 'env-app' }, secretData: { 'apps/dd-prod': { 'api-key': 'sec-api', 'app-key': 'sec-app', address: server.url } } });
    expectOk(await measure(v1({ secretRef: { name: 'dd-prod', namespaced: true } }), e));
    expect(server.requests[0]!.headers['dd-api-key']).toBe('sec-api');
    expect(expectError(await measure(v1({ secretRef: { name: 'missing', namespaced: false } }), e))).toBe(
      'failed to find the credentials for datadog metrics provider: Secret apps/missing not found',
    );
  });

  it('no keys anywhere says where they were looked for, and nothing is sent', async () => {
    expect(expectError(await measure(v1(), providerEnv()))).toBe(
      'failed to find the credentials for datadog metrics provider: no cluster to read Secret datadog from, and DD_API_KEY and DD_APP_KEY are not set',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('an address that is not a URL is an Error before anything is sent (TestRunSuite "server address is faulty")', async () => {
    const e = env({ secretData: { 'apps/datadog': { 'api-key': API_KEY, 'app-key': APP_KEY, address: '://wrong.schema' } } });
    expect(expectError(await measure(v1(), e))).toBe('Datadog address from the credentials is not an http(s) URL');
  });

  it('pings with "Validate API key" and never prints the key', async () => {
    server.handle((req, res) => {
      res.statusCode = req.headers['dd-api-key'] === API_KEY ? 200 : 403;
      res.setHeader('Content-Type', 'application/json');
      res.end(res.statusCode === 200 ? '{"valid":true}' : `{"errors":["Forbidden: key ${String(req.headers['dd-api-key'])}"]}`);
    });
    expect(await datadog.create(env(), {}).ping(v1(), never)).toEqual({ ok: true, message: 'the API key is valid' });
    expect(server.requests[0]!.path).toBe('/api/v1/validate');
    const bad = env({ env: { DD_API_KEY: 'wrong-key-0000', DD_APP_KEY: 'x', DD_ADDRESS: server.url } });
    const r = await datadog.create(bad, {}).ping(v1(), never);
    expect(r).toMatchObject({ ok: false, message: `Datadog ${server.url}: the API key was refused: 403 {"errors":["Forbidden: key *****"]}` });
  });
});
