import { evaluateResult } from '../../src/analysis/evaluate.js';
import type { ProviderResult } from '../../src/analysis/provider.js';
import { serviceProxyPath } from '../../src/kube/service-proxy.js';
import { WebProvider } from '../../src/providers/web.js';
import type { WebSpec } from '../../src/manifests/types.js';
import { FakeClock } from '../support/fake-clock.js';
import { closedPort, json, selfSignedCert, startServer, type TestServer } from './test-server.js';

const never = new AbortController().signal;
const doc = { data: { ok: true, count: 3, ratio: 0.25, name: 'canary', items: [{ v: 1 }, { v: 2 }], 'dash-key': 'x' } };

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
  server.handle((_req, res) => json(res, 200, doc));
});
afterEach(() => server.close());

function spec(overrides: Partial<WebSpec> = {}): WebSpec {
  return { kind: 'web', url: `${server.url}/status`, method: 'GET', headers: [], body: null, jsonBody: null, timeoutMs: 10_000, jsonPath: null, insecure: false, oauth2: null, ...overrides };
}

const web = (clock = new FakeClock()) => new WebProvider({ clock, via: 'direct' });

function ok(r: ProviderResult): [unknown, string] {
  if (!r.ok) throw new Error(r.message);
  return [r.value, r.valueText];
}
function err(r: ProviderResult): string {
  if (r.ok) throw new Error(`expected an error, got ${r.valueText}`);
  return r.message;
}

describe('WebProvider', () => {
  it.each([
    ['{$.data.ok}', true, 'true'],
    ['{.data.count}', 3, '3'],
    ['{$.data.ratio}', 0.25, '0.25'],
    ['{$.data.name}', 'canary', '"canary"'],
    ['{$.data.items[1].v}', 2, '2'],
    ['{$.data.items[-1].v}', 2, '2'],
    ['{$.data.items[*].v}', 1, '1'],
    ["{$.data['dash-key']}", 'x', '"x"'],
    ['{$.data.items[0]}', { v: 1 }, '{"v":1}'],
  ])('selects %s', async (jsonPath, value, text) => {
    expect(ok(await web().measure(spec({ jsonPath }), never))).toEqual([value, text]);
  });

  it('returns the whole document without a jsonPath', async () => {
    expect(ok(await web().measure(spec(), never))).toEqual([doc, JSON.stringify(doc)]);
  });

  it('returns the text itself when the answer is not JSON', async () => {
    server.handle((_req, res) => res.end('OK'));
    expect(ok(await web().measure(spec({ jsonPath: '{$.x}' }), never))).toEqual(['OK', 'OK']);
  });

  it('a JSON answer is evaluated with Go\'s json typing, a text answer as a string (webmetric.go parseResponse)', async () => {
    // Argo decodes the body into interface{}: a list is []interface {}, so comparing an element
    // with a string is false (Failed), where a []float64 (a Prometheus vector) does not compile.
    server.handle((_req, res) => json(res, 200, { values: [1, 2] }));
    const r = await web().measure(spec({ jsonPath: '{$.values}' }), never);
    expect(r).toMatchObject({ ok: true, value: [1, 2], valueText: '[1,2]', json: true });
    const judge = (result: ProviderResult, successCondition: string) => (result.ok ? evaluateResult(result.value, { successCondition, failureCondition: null }, 0, { json: result.json ?? false }) : null);
    expect(judge(r, 'result[0] == "ok"')).toEqual({ phase: 'Failed', message: null });
    expect(judge({ ...r, json: false } as ProviderResult, 'result[0] == "ok"')?.phase).toBe('Error');
    expect(judge(r, 'all(result, # > 0) && len(result) == 2')?.phase).toBe('Successful');

    server.handle((_req, res) => res.end('OK'));
    const text = await web().measure(spec(), never);
    expect(text).toMatchObject({ ok: true, value: 'OK' });
    expect(judge(text, 'result == "OK"')?.phase).toBe('Successful');
  });

  it('authentication.oauth2: a client-credentials token, cached, sent as Bearer over a header of the same name (webmetric.go NewWebMetricHttpClient)', async () => {
    let issued = 0;
    server.handle((req, res) => (req.path === '/token' ? json(res, 200, { access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: 3600 }) : json(res, 200, doc)));
    const w = web();
    const oauth2 = { tokenUrl: `${server.url}/token`, clientId: 'canary', clientSecret: 'shh', scopes: ['metrics'] };
    const authorized = spec({ oauth2, headers: [{ key: 'Authorization', value: 'Bearer stale' }], jsonPath: '{$.data.ok}' });
    expect(ok(await w.measure(authorized, never))).toEqual([true, 'true']);
    expect(ok(await w.measure(authorized, never))).toEqual([true, 'true']);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([
      `POST /token Basic ${Buffer.from('canary:shh').toString('base64')}`,
      'GET /status Bearer tok-1',
      'GET /status Bearer tok-1',
    ]);
    expect(new URLSearchParams(server.requests[0]!.body).get('scope')).toBe('metrics');

    // A server quoting the token back does not get it printed.
    server.handle((req, res) => (req.path === '/token' ? json(res, 200, { access_token: 'tok-quoted-back', expires_in: 3600 }) : json(res, 403, { error: `token ${String(req.headers.authorization)} refused` })));
    expect(err(await web().measure(spec({ oauth2 }), never))).toBe(`web ${server.url}/status: received non 2xx response code: 403 Forbidden: {"error":"token Bearer ***** refused"}`);

    server.handle((_req, res) => json(res, 401, { error: 'invalid_client' }));
    expect(err(await web().measure(spec({ oauth2: { ...oauth2, clientSecret: 'wrong' } }), never))).toMatch(new RegExp(`^web ${server.url}/status: oauth2 token request to ${server.url}/token failed: .*invalid_client`));
  });

  it('sends the method, headers and a JSON body', async () => {
    await web().measure(spec({ method: 'POST', headers: [{ key: 'X-Api-Key', value: 'k' }], jsonBody: { q: 'a"b' } }), never);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['x-api-key']).toBe('k');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ q: 'a"b' });
  });

  it.each([
    ['{$.data.missing}', 'could not find jsonPath {$.data.missing} in the answer: missing is not found'],
    ['{$.data.items[5]}', 'could not find jsonPath {$.data.items[5]} in the answer: array index out of bounds: index 5, length 2'],
    ['{$..v}', 'jsonPath {$..v}: recursive descent (..) is not supported; use dot paths and [n] indexes'],
    ['{$.data.items[?(@.v > 1)]}', 'jsonPath {$.data.items[?(@.v > 1)]}: a filter is not supported; use dot paths and [n] indexes'],
    ['$.data.ok', 'jsonPath "$.data.ok" must be written in braces, e.g. {$.data.value}'],
  ])('reports the jsonPath %s', async (jsonPath, message) => {
    expect(err(await web().measure(spec({ jsonPath }), never))).toBe(`web ${server.url}/status: ${message}`);
  });

  it('reports a non-2xx answer with its body', async () => {
    server.handle((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expect(err(await web().measure(spec(), never))).toBe(`web ${server.url}/status: received non 2xx response code: 500 Internal Server Error: boom`);
  });

  it('gives up after the timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    server.handle((_req, res) => {
      timer = setTimeout(() => json(res, 200, doc), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const message = err(await new WebProvider({ via: 'direct' }).measure(spec({ timeoutMs: 100 }), never));
    clearTimeout(timer);
    expect(message).toBe(`web ${server.url}/status: no answer within 100ms (timeoutSeconds)`);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    expect(err(await web().measure(spec({ url: `http://127.0.0.1:${port}/x` }), never))).toBe(
      `web http://127.0.0.1:${port}/x is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('reaches an in-cluster URL through the service proxy, query string included', async () => {
    const p = new WebProvider({
      clock: new FakeClock(),
      resolvesHost: async () => false,
      serviceProxy: { route: (t) => ({ baseUrl: server.url + serviceProxyPath(t), headers: { Authorization: 'Bearer kube' } }) },
    });
    const [value] = ok(await p.measure(spec({ url: 'http://kayenta.tools.svc:8090/health?deep=1', jsonPath: '{$.data.ok}' }), never));
    expect(value).toBe(true);
    expect(server.requests[0]!.path).toBe('/api/v1/namespaces/tools/services/kayenta:8090/proxy/health');
    expect(server.requests[0]!.query.get('deep')).toBe('1');
  });
});

const cert = selfSignedCert();
(cert ? describe : describe.skip)('WebProvider over https with a self-signed certificate', () => {
  let tls: TestServer;
  beforeAll(async () => {
    tls = await startServer(cert!);
    tls.handle((_req, res) => json(res, 200, { ok: 1 }));
  });
  afterAll(() => tls.close());

  it('needs insecure: true', async () => {
    expect(err(await web().measure(spec({ url: `${tls.url}/x` }), never))).toMatch(/is unreachable: self-signed certificate \(set insecure: true/);
    expect(ok(await web().measure(spec({ url: `${tls.url}/x`, insecure: true, jsonPath: '{.ok}' }), never))).toEqual([1, '1']);
  });
});
