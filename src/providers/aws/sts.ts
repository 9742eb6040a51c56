/**
 * The two STS calls the credential chain makes (AWS STS API Reference, version 2011-06-15):
 * AssumeRoleWithWebIdentity (unsigned: the token is the proof) and AssumeRole (signed with the
 * source credentials). Both answer `<Credentials>` with AccessKeyId, SecretAccessKey, SessionToken
 * and Expiration.
 */
import type { Clock } from '../../util/clock.js';
import { queryApi } from './query-api.js';
import type { AwsCredentials } from './sigv4.js';
import { find, textAt, type XmlElement } from './xml.js';

export type Temporary = { ok: true; credentials: AwsCredentials; expiresAt: number | null } | { ok: false; message: string };

export interface StsEndpoint {
  endpoint: string;
  region: string;
  timeoutMs: number;
}

const VERSION = '2011-06-15';

export function assumeRoleWithWebIdentity(token: string, roleArn: string, sessionName: string, sts: StsEndpoint) {
  return async (clock: Clock, signal: AbortSignal): Promise<Temporary> => {
    const r = await queryApi(
      {
        label: `STS ${sts.endpoint}`,
        endpoint: sts.endpoint,
        action: 'AssumeRoleWithWebIdentity',
        version: VERSION,
        params: [['RoleArn', roleArn], ['RoleSessionName', sessionName], ['WebIdentityToken', token]],
        signing: null,
        timeoutMs: sts.timeoutMs,
        secrets: [token],
      },
      clock,
      signal,
    );
    return r.ok ? credentialsIn(r.xml, 'AssumeRoleWithWebIdentityResponse', 'AssumeRoleWithWebIdentityResult') : { ok: false, message: r.message };
  };
}

export function assumeRole(source: { credentials: AwsCredentials }, roleArn: string, sessionName: string, sts: StsEndpoint, externalId: string | null = null) {
  return async (clock: Clock, signal: AbortSignal): Promise<Temporary> => {
    const r = await queryApi(
      {
        label: `STS ${sts.endpoint}`,
        endpoint: sts.endpoint,
        action: 'AssumeRole',
        version: VERSION,
        params: [['RoleArn', roleArn], ['RoleSessionName', sessionName], ...(externalId ? [['ExternalId', externalId] as const] : [])],
        signing: { credentials: source.credentials, region: sts.region, service: 'sts' },
        timeoutMs: sts.timeoutMs,
      },
      clock,
      signal,
    );
    return r.ok ? credentialsIn(r.xml, 'AssumeRoleResponse', 'AssumeRoleResult') : { ok: false, message: r.message };
  };
}

function credentialsIn(xml: XmlElement, response: string, result: string): Temporary {
  const c = find(xml, response, result, 'Credentials');
  const accessKeyId = c && textAt(c, 'AccessKeyId');
  const secretAccessKey = c && textAt(c, 'SecretAccessKey');
  if (!c || !accessKeyId || !secretAccessKey) return { ok: false, message: `STS answered ${response} without Credentials` };
  const sessionToken = textAt(c, 'SessionToken');
  const expiration = Date.parse(textAt(c, 'Expiration') ?? '');
  return { ok: true, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, expiresAt: Number.isNaN(expiration) ? null : expiration };
}
