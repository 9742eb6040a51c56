/**
 * The New Relic provider against a stub of NerdGraph on 127.0.0.1, as New Relic's NerdGraph
 * documentation describes it (`POST /graphql` with the user key in `API-Key`, a GraphQL body of
 * `query` and `variables`; `data.actor.account.nrql.results`, GraphQL `errors`). The tables are
 * Argo's (argoproj/argo-rollouts metricproviders/newrelic/newrelic_test.go).
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';
import { newRelic } from '../../src/providers/newrelic.js';
import type { NewRelicSpec } from '../../src/manifests/types.js';
import { CTX, expectError, expectOk, never, providerEnv } from './provider-env.js';
import { json, startServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const KEY = 'NRAK-0123456789ABCDEF';
const spec = (overrides: Partial<NewRelicSpec> = {}): NewRelicSpec => ({ kind: 'newRelic', profile: null, query: 'FROM Transaction SELECT count(*)', timeout: null, ...overrides });
const secretData = () => ({ 'apps/newrelic': { 'personal-api-key': KEY, 'account-id': '1234567', 'base-url-nerdgraph': `${server.url}/graphql` } });
const measure = (s: NewRelicSpec, env = providerEnv({ secretData: secretData() })) => newRelic.create(env, {}).measure(s, never, CTX);
const results = (rows: unknown[]) => server.handle((_req, res) => json(res, 200, { data: { actor: { account: { nrql: { results: rows } } } } }));

describe('newRelic provider (NerdGraph stub)', () => {
  it('posts the NRQL query with the account and Argo\'s default timeout of 5 s; one row is the result (TestRunSuccessfully)', async () => {
    results([{ count: 10 }]);
    const r = expectOk(await measure(spec()));
    expect([r.value, r.valueText]).toEqual([{ count: 10 }, '{"count":10}']);
    expect(evaluateResult(r.value, { successCondition: 'result.count == 10', failureCondition: 'result.count != 10' }, 0, { json: true }).phase).toBe('Successful');
    const req = server.requests[0]!;
    expect([req.method, req.path, req.headers['api-key'], req.headers['content-type']]).toEqual(['POST', '/graphql', KEY, 'application/json']);
    const body = JSON.parse(req.body) as { query: string; variables: unknown };
    expect(body.variables).toEqual({ accountId: 1234567, query: 'FROM Transaction SELECT count(*)', timeout: 5 });
    expect(body.query.replace(/\s+/g, ' ')).toBe('query ( $query: Nrql!, $accountId: Int!, $timeout: Seconds! ) { actor { account(id: $accountId) { nrql(query: $query, timeout: $timeout) { results } } } } ');
    expect(r.metadata).toEqual({ ResolvedNewRelicQuery: 'FROM Transaction SELECT count(*)' });
  });

  it('several rows are a list (TestRunWithTimeseries); keys print sorted as Go prints them (TestRunWithFacet)', async () => {
    results([{ count: 10 }, { count: 20 }, { count: 30 }]);
    const r = expectOk(await measure(spec({ timeout: 30 })));
    expect(r.valueText).toBe('[{"count":10},{"count":20},{"count":30}]');
    expect(evaluateResult(r.value, { successCondition: 'result[0].count == 10', failureCondition: 'result[2].count < 20' }, 0, { json: true }).phase).toBe('Successful');
    expect(JSON.parse(server.requests[0]!.body).variables.timeout).toBe(30);
    results([{ count: 10, 'average.duration': 12.34 }]);
    expect(expectOk(await measure(spec())).valueText).toBe('{"average.duration":12.34,"count":10}');
  });

  it.each([
    ['an empty row', [{}]],
    ['no row', []],
  ])('%s is an Error (TestRunWithEmptyResult)', async (_name, rows) => {
    results(rows);
    expect(expectError(await measure(spec()))).toBe('no results returned from NRQL query');
  });

  it('GraphQL errors are the measurement\'s error (TestRunWithQueryError)', async () => {
    server.handle((_req, res) => json(res, 200, { data: { actor: { account: { nrql: null } } }, errors: [{ message: 'NRQL Syntax Error: Error at line 1 position 5', path: ['actor', 'account', 'nrql'] }] }));
    expect(expectError(await measure(spec()))).toBe(`New Relic ${server.url}/graphql: NRQL Syntax Error: Error at line 1 position 5`);
  });

  it('an HTTP error quotes NerdGraph and never the key', async () => {
    server.handle((_req, res) => json(res, 401, { errors: [{ message: `Invalid API key: ${KEY}` }] }));
    expect(expectError(await measure(spec()))).toBe(`New Relic ${server.url}/graphql: 401 Unauthorized: Invalid API key: *****`);
  });

  it('settings: the profile\'s Secret, the region\'s endpoint, or NEW_RELIC_API_KEY and NEW_RELIC_ACCOUNT_ID (TestNewNewRelicAPIClient)', async () => {
    results([{ count: 1 }]);
    const workstation = { NEW_RELIC_API_KEY: 'env-key', NEW_RELIC_ACCOUNT_ID: '42', NEW_RELIC_BASE_URL_NERDGRAPH: `${server.url}/graphql` };
    expectOk(await measure(spec(), providerEnv({ env: workstation, secretData: secretData() })));
    expect([server.requests[0]!.headers['api-key'], JSON.parse(server.requests[0]!.body).variables.accountId]).toEqual(['env-key', 42]);
    expect(expectError(await measure(spec({ profile: 'nr-eu' }), providerEnv({ secretData: { 'apps/nr-eu': { 'personal-api-key': KEY, 'account-id': 'abc' } } })))).toBe(
      'could not parse account ID from Secret apps/nr-eu: not a number',
    );
    expect(expectError(await measure(spec({ profile: 'nr-x' }), providerEnv({ secretData: { 'apps/nr-x': { 'personal-api-key': KEY, 'account-id': '1', region: 'mars' } } })))).toBe(
      'Secret apps/nr-x: region "mars" is not one of us, eu, staging',
    );
    expect(expectError(await measure(spec({ profile: 'nr-y' }), providerEnv({ secretData: { 'apps/nr-y': { 'account-id': '1' } } })))).toBe('account ID or personal API key not found in Secret apps/nr-y');
    expect(expectError(await measure(spec(), providerEnv()))).toBe(
      'New Relic settings not found: no cluster to read Secret newrelic from, and NEW_RELIC_API_KEY and NEW_RELIC_ACCOUNT_ID are not set',
    );
  });

  it('pings NerdGraph for the account without running NRQL', async () => {
    server.handle((_req, res) => json(res, 200, { data: { actor: { account: { id: 1234567 } } } }));
    expect(await newRelic.create(providerEnv({ secretData: secretData() }), {}).ping(spec(), never)).toEqual({ ok: true, message: 'NerdGraph answers for the account' });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ query: 'query ($accountId: Int!) { actor { account(id: $accountId) { id } } }', variables: { accountId: 1234567 } });
  });
});
