/**
 * The InfluxDB provider against a stub of InfluxDB's v2 query API on 127.0.0.1, as InfluxDB's API
 * reference documents `POST /api/v2/query` (the `org` query parameter, `Authorization: Token ...`,
 * a JSON body with `query`, `type: "flux"` and the `dialect`; an annotated CSV answer; errors as
 * `{"code", "message"}`). The tables are Argo's (argoproj/argo-rollouts
 * metricproviders/influxdb/influxdb_test.go).
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';
import { influxdb } from '../../src/providers/influxdb.js';
import type { InfluxdbSpec } from '../../src/manifests/types.js';
import { CTX, expectError, expectOk, never, providerEnv } from './provider-env.js';
import { startServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const TOKEN = 'influx-token-abc123';
const spec = (overrides: Partial<InfluxdbSpec> = {}): InfluxdbSpec => ({ kind: 'influxdb', profile: null, query: 'from(bucket:"b") |> range(start: -5m)', ...overrides });
const secretData = () => ({ 'apps/influxdb': { authToken: TOKEN, org: 'my-org', address: server.url } });
const measure = (s: InfluxdbSpec, env = providerEnv({ secretData: secretData() })) => influxdb.create(env, {}).measure(s, never, CTX);
const csv = (status: number, body: string) =>
  server.handle((_req, res) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.end(body);
  });

const HEAD = `#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string
#group,false,false,true,true,false,false,true,true,true,true
#default,_result,,,,,,,,,
,result,table,_start,_stop,_time,_value,_field,_measurement,a,b
`;
const row = (value: string) => `,,0,2020-02-17T22:19:49.747562847Z,2020-02-18T22:19:49.747562847Z,2020-02-18T10:34:08.135814545Z,${value},f,test,1,adsfasdf\n`;

describe('influxdb provider (InfluxDB /api/v2/query stub)', () => {
  it('posts the Flux query with the org and the token, and reads every _value (TestRunSuccessfully)', async () => {
    csv(200, HEAD + row('1.0') + row('6.6'));
    const r = expectOk(await measure(spec()));
    expect(r.value).toEqual([1, 6.6]);
    expect(r.valueText).toBe('[1 6.6]');
    expect(evaluateResult(r.value, { successCondition: 'result[0] == 1', failureCondition: 'result[0] != 1' }, 0, { json: true }).phase).toBe('Successful');
    const req = server.requests[0]!;
    expect([req.method, req.path, req.query.get('org')]).toEqual(['POST', '/api/v2/query', 'my-org']);
    expect(req.headers['authorization']).toBe(`Token ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ query: spec().query, type: 'flux', dialect: { annotations: ['datatype', 'group', 'default'], delimiter: ',', header: true } });
  });

  it('a time series is every record, in order (TestRunWithTimeseries)', async () => {
    csv(200, HEAD + row('10') + row('20'));
    const r = expectOk(await measure(spec()));
    expect(r.valueText).toBe('[10 20]');
    expect(evaluateResult(r.value, { successCondition: 'result[0] == 10', failureCondition: 'result[1] <  20' }, 0, { json: true }).phase).toBe('Successful');
  });

  it('long columns are integers, several tables are read in turn, #default fills empty cells', async () => {
    const longTable = `#datatype,string,long,long
#group,false,false,false
#default,_result,,7
,result,table,_value
,,0,3
,,0,
`;
    csv(200, `${longTable}\n${HEAD}${row('2.5')}`);
    const r = expectOk(await measure(spec()));
    expect(r.valueText).toBe('[3 7 2.5]');
    expect(evaluateResult(r.value, { successCondition: 'result[0] + result[1] == 10', failureCondition: null }, 0, { json: true }).phase).toBe('Successful');
  });

  it('no record is an Error (TestRunWithEmptyResult)', async () => {
    csv(200, HEAD);
    expect(expectError(await measure(spec()))).toMatch(/: no results returned from flux query$/);
  });

  it('an error table is the query\'s error', async () => {
    csv(200, '#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,"failed to parse query: expected an operator",897\n');
    expect(expectError(await measure(spec()))).toMatch(/flux query failed: failed to parse query: expected an operator,897$/);
  });

  it('an HTTP error quotes InfluxDB\'s code and message, never the token', async () => {
    server.handle((_req, res) => {
      res.statusCode = 401;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ code: 'unauthorized', message: `unauthorized access with token ${TOKEN}` }));
    });
    const message = expectError(await measure(spec()));
    expect(message).toBe(`InfluxDB ${server.url}: 401 unauthorized: unauthorized access with token *****`);
  });

  it('reads the profile\'s Secret, or INFLUX_HOST/INFLUX_TOKEN/INFLUX_ORG without one', async () => {
    csv(200, HEAD + row('1'));
    expectOk(await measure(spec({ profile: 'influx-prod' }), providerEnv({ secretData: { 'apps/influx-prod': { authToken: 't2', org: 'o2', address: server.url } } })));
    expect(server.requests[0]!.query.get('org')).toBe('o2');
    expectOk(await measure(spec(), providerEnv({ env: { INFLUX_HOST: server.url, INFLUX_TOKEN: 't3', INFLUX_ORG: 'o3' } })));
    expect(server.requests[1]!.headers['authorization']).toBe('Token t3');
    expect(expectError(await measure(spec(), providerEnv()))).toBe('InfluxDB settings not found: no cluster to read Secret influxdb from, and INFLUX_HOST, INFLUX_TOKEN and INFLUX_ORG are not all set');
    expect(expectError(await measure(spec(), providerEnv({ secretData: { 'apps/influxdb': { authToken: 't', org: 'o' } } })))).toBe(
      'InfluxDB settings: Secret apps/influxdb has no address (it needs authToken, org and address)',
    );
  });

  it('pings with a query of one row', async () => {
    csv(200, '#datatype,string,long,long\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0,1\n');
    expect(await influxdb.create(providerEnv({ secretData: secretData() }), {}).ping(spec(), never)).toEqual({ ok: true, message: 'the query API answers' });
    expect(JSON.parse(server.requests[0]!.body).query).toBe('import "array"\narray.from(rows: [{_value: 1}])');
  });
});
