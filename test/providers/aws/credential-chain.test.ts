/**
 * The AWS credential chain, in the order the AWS SDKs document it: static keys in the
 * environment, a web identity token (IRSA), the shared config/credentials files' profile (keys,
 * role_arn with source_profile), container credentials; STS answered by a stub of the STS Query
 * API on 127.0.0.1 (AssumeRole, AssumeRoleWithWebIdentity as the STS API Reference documents them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsCredentialChain } from '../../../src/providers/aws/credential-chain.js';
import { parseIni } from '../../../src/providers/aws/shared-config.js';
import { FakeClock } from '../../support/fake-clock.js';
import { json, startServer, type TestServer } from '../test-server.js';
import { authorization, credentialsXml, errorXml, form, KEY, validSignature, xml } from './aws-stub.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const never = new AbortController().signal;
let server: TestServer;
let dir: string;
beforeEach(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'canary-aws-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const temporary = { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'temp-token', expiration: '2026-01-01T13:00:00Z' };
function chain(env: NodeJS.ProcessEnv, clock = new FakeClock(NOW)) {
  return new AwsCredentialChain({ env: { HOME: dir, AWS_ENDPOINT_URL_STS: server.url, AWS_EC2_METADATA_DISABLED: 'true', ...env }, clock });
}
function files(config: string, credentials = ''): NodeJS.ProcessEnv {
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

describe('AWS credential chain', () => {
  it('static keys in the environment first', async () => {
    const r = await chain({ AWS_ACCESS_KEY_ID: 'AKID1', AWS_SECRET_ACCESS_KEY: 's1', AWS_SESSION_TOKEN: 't1' }).credentials(null, null, 'us-east-1', never);
    expect(r).toEqual({ ok: true, credentials: { accessKeyId: 'AKID1', secretAccessKey: 's1', sessionToken: 't1' }, source: 'environment (AWS_ACCESS_KEY_ID)' });
  });

  it('a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN): AssumeRoleWithWebIdentity, unsigned, cached until near expiry', async () => {
    writeFileSync(join(dir, 'token'), 'eyJhbGciOi.jwt.token\n');
    server.handle((_req, res) => xml(res, 200, credentialsXml('AssumeRoleWithWebIdentity', temporary)));
    const clock = new FakeClock(NOW);
    const c = chain({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/canary', AWS_ROLE_SESSION_NAME: 'ci' }, clock);
    const r = await c.credentials(null, null, 'eu-west-1', never);
    expect(r).toEqual({ ok: true, credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'temp-token' }, source: 'web identity (role arn:aws:iam::123456789012:role/canary)' });
    const req = server.requests[0]!;
    expect([req.method, req.path, req.headers['authorization']]).toEqual(['POST', '/', undefined]);
    expect(Object.fromEntries(form(req))).toEqual({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::123456789012:role/canary', RoleSessionName: 'ci', WebIdentityToken: 'eyJhbGciOi.jwt.token' });
    await c.credentials(null, null, 'eu-west-1', never);
    expect(server.requests).toHaveLength(1);
    await clock.advance(56 * 60_000);
    await c.credentials(null, null, 'eu-west-1', never);
    expect(server.requests).toHaveLength(2);
  });

  it('a profile of the shared files: keys from the credentials file, region from the config file', async () => {
    const env = { ...files('[default]\nregion = us-east-1\n[profile prod]\nregion = eu-central-1\n', '[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = sprod\n'), AWS_PROFILE: 'prod' };
    const c = chain(env);
    expect(await c.region(null, null)).toBe('eu-central-1');
    expect(await c.credentials(null, null, null, never)).toMatchObject({ ok: true, credentials: { accessKeyId: 'AKIDPROD', secretAccessKey: 'sprod' }, source: 'AWS profile "prod"' });
    expect(await c.region('ap-south-1', null)).toBe('ap-south-1');
    expect(await chain({ ...env, AWS_REGION: 'us-west-2' }).region(null, null)).toBe('us-west-2');
  });

  it('role_arn with source_profile: AssumeRole signed with the source profile\'s keys', async () => {
    const env = files('[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\nregion = us-east-1\n', `[base]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\n`);
    server.handle((req, res) => (validSignature(req, { [KEY.accessKeyId]: KEY.secretAccessKey }) ? xml(res, 200, credentialsXml('AssumeRole', temporary)) : xml(res, 403, errorXml('SignatureDoesNotMatch', 'bad signature'))));
    const r = await chain(env).credentials('deploy', null, null, never);
    expect(r).toMatchObject({ ok: true, credentials: { accessKeyId: 'ASIATEMP' }, source: 'AWS profile "deploy" (role arn:aws:iam::123456789012:role/deploy)' });
    const req = server.requests[0]!;
    expect(authorization(req)).toMatchObject({ accessKeyId: KEY.accessKeyId, region: 'us-east-1', service: 'sts' });
    expect(form(req).get('Action')).toBe('AssumeRole');
  });

  it('STS refusing says so, with its code and message', async () => {
    writeFileSync(join(dir, 'token'), 'tok');
    server.handle((_req, res) => xml(res, 400, errorXml('InvalidIdentityToken', 'No OpenIDConnect provider found in your account')));
    const r = await chain({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::1:role/x' }).credentials(null, null, 'us-east-1', never);
    expect(r).toEqual({ ok: false, message: `STS ${server.url}: AssumeRoleWithWebIdentity failed: 400 InvalidIdentityToken: No OpenIDConnect provider found in your account` });
  });

  it('STS quoting back what it was sent has the web identity token and the source keys hidden', async () => {
    writeFileSync(join(dir, 'token'), 'eyJhbGciOi.secret-jwt.token');
    server.handle((req, res) => xml(res, 400, errorXml('InvalidIdentityToken', `bad token ${form(req).get('WebIdentityToken')}`)));
    const web = await chain({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::1:role/x' }).credentials(null, null, 'us-east-1', never);
    expect(web).toEqual({ ok: false, message: `STS ${server.url}: AssumeRoleWithWebIdentity failed: 400 InvalidIdentityToken: bad token *****` });

    const env = files('[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = base\n', `[base]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\naws_session_token = base-session-token\n`);
    server.handle((req, res) => xml(res, 403, errorXml('AccessDenied', `token ${String(req.headers['x-amz-security-token'])}, key ${KEY.secretAccessKey}`)));
    const assumed = await chain(env).credentials('deploy', null, 'us-east-1', never);
    expect(assumed).toEqual({ ok: false, message: `STS ${server.url}: AssumeRole failed: 403 AccessDenied: token *****, key *****` });
  });

  it('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI with its authorization token), as EKS Pod Identity serves them', async () => {
    writeFileSync(join(dir, 'pod-token'), 'pod-identity-token');
    server.handle((req, res) => (req.headers['authorization'] === 'pod-identity-token' ? json(res, 200, { AccessKeyId: 'ASIAPOD', SecretAccessKey: 'pod-secret', Token: 'pod-session', Expiration: '2026-01-01T18:00:00Z' }) : json(res, 401, {})));
    const r = await chain({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'pod-token') }).credentials(null, null, 'us-east-1', never);
    expect(r).toEqual({ ok: true, credentials: { accessKeyId: 'ASIAPOD', secretAccessKey: 'pod-secret', sessionToken: 'pod-session' }, source: 'container credentials' });
  });

  it('nothing found says where to put credentials', async () => {
    const r = await chain(files('', '')).credentials(null, null, null, never);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE/) });
    expect(await chain(files('', '')).credentials('nope', null, null, never)).toEqual({ ok: false, message: 'AWS profile "nope" is in neither the shared config nor the credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)' });
  });

  it('parses the files as the SDKs do: [profile x] in config, [x] in credentials, comments, indented sub-sections skipped', () => {
    const config = parseIni('# c\n[default]\nregion=us-east-1 ; inline\n[profile a]\ns3 =\n  max_concurrent_requests = 20\nrole_arn = arn:x\n[sso-session s]\nsso_region = x\n', true);
    expect(Object.fromEntries(config)).toEqual({ default: { region: 'us-east-1' }, a: { s3: '', role_arn: 'arn:x' } });
    expect(Object.fromEntries(parseIni('[a]\nAWS_ACCESS_KEY_ID = k\n', false))).toEqual({ a: { aws_access_key_id: 'k' } });
  });
});
