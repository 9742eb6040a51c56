/**
 * The Graphite provider against a stub of Graphite's render API on 127.0.0.1, answering as
 * Graphite's "The Render URL API" documents it (`GET /render?target=...&from=...&format=json`, a
 * JSON list of `{target, datapoints: [[value, timestamp], ...], tags}`). The cases are Argo's
 * (argoproj/argo-rollouts metricproviders/graphite/api_test.go TestQuery, graphite_test.go).
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';
import { graphite } from '../../src/providers/graphite.js';
import type { GraphiteSpec } from '../../src/manifests/types.js';
import { CTX, expectError, expectOk, never, providerEnv } from './provider-env.js';
import { startServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const QUERY = 'target=sumSeries(app.http.*.*.count)&from=-2min';
const spec = (overrides: Partial<GraphiteSpec> = {}): GraphiteSpec => ({ kind: 'graphite', address: server.url, query: QUERY, ...overrides });
const measure = (s: GraphiteSpec) => graphite.create(providerEnv(), {}).measure(s, never, CTX);
const answer = (status: number, body: string) =>
  server.handle((_req, res) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
const series = (points: string) => `[{"datapoints": ${points}, "target": "sumSeries(app.http.*.*.count)", "tags": {"aggregatedBy": "sum", "name": "sumSeries(app.http.*.*.count)"}}]`;

describe('graphite provider (Graphite render API stub)', () => {
  it('asks /render with the query re-encoded as Go encodes it, and format=json (TestQuery "ok")', async () => {
    answer(200, series('[[100.000000, 1621348430]]'));
    const r = expectOk(await measure(spec()));
    expect(r.value).toEqual([100]);
    expect(r.valueText).toBe('[100.000000]');
    const req = server.requests[0]!;
    expect([req.method, req.path]).toEqual(['GET', '/render']);
    expect(req.query.get('target')).toBe('sumSeries(app.http.*.*.count)');
    expect(req.query.get('from')).toBe('-2min');
    expect(req.query.get('format')).toBe('json');
    // url.Values.Encode: keys sorted, QueryEscape'd.
    expect(req.url).toBe('/render?format=json&from=-2min&target=sumSeries%28app.http.%2A.%2A.count%29');
  });

  it('removes whitespace from the query (TestQuery "query with surrounding whitespace")', async () => {
    answer(200, series('[[100, 1621348430]]'));
    expectOk(await measure(spec({ query: `\n  ${QUERY} \t  \n` })));
    expect(server.requests[0]!.query.get('target')).toBe('sumSeries(app.http.*.*.count)');
  });

  it('keeps the address path: /graphite/render', async () => {
    answer(200, series('[[1, 1]]'));
    expectOk(await measure(spec({ address: `${server.url}/graphite/` })));
    expect(server.requests[0]!.path).toBe('/graphite/render');
  });

  it.each([
    ['string values are numbers', series('[["100.000000", 1621348430]]'), [100]],
    ['string timestamps are read', series('[[100.000000, "1621348430"]]'), [100]],
    ['null values are left out', series('[[null, 1621348430], [3, 1621348440]]'), [3]],
    ['only nulls: an empty result', series('[[null, 1621348430]]'), []],
    ['the first series only', `[{"target":"a","datapoints":[[1,1]]},{"target":"b","datapoints":[[2,1]]}]`, [1]],
  ])('%s', async (_name, body, values) => {
    answer(200, body);
    expect(expectOk(await measure(spec())).value).toEqual(values);
  });

  it.each([
    ['no series is Error "no values found" (TestRunErrorEvaluationFromNilQueryResponse)', 200, '[]', /: no values found$/],
    ['invalid JSON', 200, 'invalid JSON', /the answer is not the render API's JSON/],
    ['a 400 quotes the body (TestQuery "400 graphite response status")', 400, 'foo', /: error response: 400 Bad Request: foo$/],
    ['a 500 quotes the body', 500, 'bar', /: error response: 500 Internal Server Error: bar$/],
    ['a data point with one item', 200, series('[[10]]'), /error unmarshaling data point: \[10\]$/],
    ['an invalid timestamp', 200, series('[[100, "f"]]'), /strconv\.ParseInt: parsing "f": invalid syntax$/],
    ['a value that is a list', 200, series('[[[], 1621348420]]'), /error unmarshaling value: \[\]$/],
    ['a timestamp that is a list', 200, series('[[100, []]]'), /error unmarshaling timestamp: \[\]$/],
  ])('%s', async (_name, status, body, message) => {
    answer(status, body);
    expect(expectError(await measure(spec()))).toMatch(message);
  });

  it('refuses a query Go cannot parse before asking (TestQuery "invalid query")', async () => {
    const message = expectError(await measure(spec({ query: 'target=#$%^&*(proper$#$%%^(password&from=-2min' })));
    expect(message).toBe('Graphite query: parse "./render?target=#$%^&*(proper$#$%%^(password&from=-2min": invalid URL escape "%^&"');
    expect(server.requests).toHaveLength(0);
  });

  it('Successful / Failed as Argo for the same answers (graphite_test.go TestRunSuccessfulEvaluation, TestRunFailedEvaluation)', async () => {
    const conditions = { successCondition: '10.000000 in result', failureCondition: '10.000000 not in result' };
    answer(200, series('[[10, 1]]'));
    expect(evaluateResult(expectOk(await measure(spec())).value, conditions, 0).phase).toBe('Successful');
    answer(200, series('[[5, 1]]'));
    expect(evaluateResult(expectOk(await measure(spec())).value, conditions, 0).phase).toBe('Failed');
  });

  it('a malformed condition is an Error, the value kept as Go prints it (graphite_test.go TestRunMeasurementError)', async () => {
    answer(200, series('[[10, 1]]'));
    const r = expectOk(await measure(spec()));
    expect(r.valueText).toBe('[10.000000]');
    const e = evaluateResult(r.value, { successCondition: 'result[0] 10.000000', failureCondition: 'result[0] 10.000000' }, 0);
    expect(e.phase).toBe('Error');
    expect(e.message).toMatch(/^could not evaluate successCondition "result\[0\] 10\.000000": unexpected token Number\("10\.000000"\)/);
  });

  it('a first series without datapoints is Error "no values found" too (graphite.go Run: len(result) == 0)', async () => {
    answer(200, '[{"target": "a", "datapoints": []}, {"target": "b", "datapoints": [[1, 1]]}]');
    expect(expectError(await measure(spec()))).toMatch(/: no values found$/);
  });

  it('pings with constantLine(1) and says when Graphite does not answer', async () => {
    answer(200, series('[[1, 1]]'));
    const adapter = graphite.create(providerEnv(), {});
    expect(await adapter.ping(spec(), never)).toEqual({ ok: true, message: `${server.url} answers` });
    expect(server.requests[0]!.query.get('target')).toBe('constantLine(1)');
    answer(404, 'not found');
    expect(await adapter.ping(spec(), never)).toMatchObject({ ok: false, message: expect.stringMatching(/error response: 404 Not Found/) });
  });
});
