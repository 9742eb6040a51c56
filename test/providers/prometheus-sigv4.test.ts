/**
 * Prometheus authentication.sigv4 (Amazon Managed Prometheus) against a stub of AMP's query API on
 * 127.0.0.1 (`GET /workspaces/<id>/api/v1/query`, SigV4-signed for service `aps` as the AMP User
 * Guide documents) that verifies each signature; the role is assumed through the same stub's STS
 * Query API.
 */
import { PrometheusProvider } from '../../src/providers/prometheus.js';
import { prometheus } from '../analysis/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { authorization, credentialsXml, errorXml, form, KEY, validSignature, xml } from './aws/aws-stub.js';
import { json, startServer, type TestServer } from './test-server.js';
import { never, NOW } from './provider-env.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const ROLE_KEY = { accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token', expiration: '2026-01-01T13:00:00Z' };
const secrets = { [KEY.accessKeyId]: KEY.secretAccessKey, [ROLE_KEY.accessKeyId]: ROLE_KEY.secretAccessKey };
const env = () => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_ENDPOINT_URL_STS: server.url, HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' });
const provider = (e: NodeJS.ProcessEnv = env()) => new PrometheusProvider({ clock: new FakeClock(NOW), via: 'direct', env: e });
const amp = (overrides = {}) => prometheus({ address: `${server.url}/workspaces/ws-0123`, query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', sigv4: { region: 'eu-west-1', profile: null, roleArn: null }, ...overrides });

function answerSigned() {
  server.handle((req, res) => {
    if (req.method === 'POST') return xml(res, 200, credentialsXml('AssumeRole', ROLE_KEY));
    if (!validSignature(req, secrets)) return json(res, 403, { message: 'The request signature we calculated does not match the signature you provided.' });
    json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [NOW / 1000, '0.01'] }] } });
  });
}

describe('Prometheus authentication.sigv4 (Amazon Managed Prometheus stub)', () => {
  it('signs the query for service aps in the metric\'s region; the query string sent is the one signed', async () => {
    answerSigned();
    const r = await provider().measure(amp(), never);
    expect(r).toMatchObject({ ok: true, value: [0.01] });
    const req = server.requests[0]!;
    expect(req.path).toBe('/workspaces/ws-0123/api/v1/query');
    expect(authorization(req)).toMatchObject({ accessKeyId: KEY.accessKeyId, region: 'eu-west-1', service: 'aps', signedHeaders: ['host', 'x-amz-date'] });
    expect(req.url).toMatch(/^\/workspaces\/ws-0123\/api\/v1\/query\?query=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29%20%2F%20/);
    expect(req.query.get('time')).toBe((NOW / 1000).toFixed(3));
  });

  it('roleArn: the role is assumed with the chain\'s credentials and its temporary ones sign (with the session token)', async () => {
    answerSigned();
    const r = await provider().measure(amp({ sigv4: { region: 'eu-west-1', profile: null, roleArn: 'arn:aws:iam::123456789012:role/amp-query' } }), never);
    expect(r).toMatchObject({ ok: true });
    const [sts, query] = server.requests;
    expect(form(sts!).get('RoleArn')).toBe('arn:aws:iam::123456789012:role/amp-query');
    expect(authorization(sts!)).toMatchObject({ accessKeyId: KEY.accessKeyId, service: 'sts', region: 'eu-west-1' });
    expect(authorization(query!)).toMatchObject({ accessKeyId: 'ASIAROLE', service: 'aps', signedHeaders: ['host', 'x-amz-date', 'x-amz-security-token'] });
    expect(query!.headers['x-amz-security-token']).toBe('role-token');
  });

  it('the region falls back to the AWS configuration; none at all is an Error saying what to set', async () => {
    answerSigned();
    expect(await provider({ ...env(), AWS_REGION: 'ap-southeast-2' }).measure(amp({ sigv4: { region: null, profile: null, roleArn: null } }), never)).toMatchObject({ ok: true });
    expect(authorization(server.requests[0]!)?.region).toBe('ap-southeast-2');
    const r = await provider().measure(amp({ sigv4: { region: null, profile: null, roleArn: null } }), never);
    expect(r).toMatchObject({ ok: false, message: `Prometheus ${server.url}/workspaces/ws-0123: SigV4: no AWS region: set authentication.sigv4.region or AWS_REGION` });
  });

  it('a refused signature or role is the measurement\'s error', async () => {
    server.handle((req, res) => (req.method === 'POST' ? xml(res, 403, errorXml('AccessDenied', 'not authorized to perform: sts:AssumeRole')) : json(res, 403, { message: 'Forbidden' })));
    expect(await provider().measure(amp({ sigv4: { region: 'eu-west-1', profile: null, roleArn: 'arn:aws:iam::1:role/x' } }), never)).toMatchObject({
      ok: false,
      message: `Prometheus ${server.url}/workspaces/ws-0123: SigV4: STS ${server.url}: AssumeRole failed: 403 AccessDenied: not authorized to perform: sts:AssumeRole`,
    });
    expect(await provider().measure(amp(), never)).toMatchObject({ ok: false, message: expect.stringMatching(/query failed: 403 Forbidden/) });
  });
});
