/**
 * AWS credentials found as the AWS SDKs find them (the standard credential chain), so that canary
 * reads on a workstation, in CI and in a pod what Argo's controller would: static keys in the
 * environment; a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, as IRSA sets up);
 * the shared config/credentials files' profile (keys, role_arn with source_profile or
 * credential_source, web_identity_token_file); container credentials (ECS, EKS Pod Identity); the
 * EC2 instance role (IMDSv2). Temporary credentials are cached until five minutes before they
 * expire. Nothing here is ever printed: messages name where credentials were looked for, not them.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../util/clock.js';
import { errorText } from '../http.js';
import { call } from '../call.js';
import type { AwsCredentials } from './sigv4.js';
import { sharedFiles, type Profile, type SharedFiles } from './shared-config.js';
import { assumeRole, assumeRoleWithWebIdentity, type Temporary } from './sts.js';

export type Found = { ok: true; credentials: AwsCredentials; source: string } | { ok: false; message: string };

export interface ChainOptions {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Reads a file (token files); defaults to the file system. */
  readFile?: (path: string) => Promise<string>;
  files?: SharedFiles;
  timeoutMs?: number;
}

const REFRESH_MARGIN_MS = 5 * 60_000;
const METADATA_TIMEOUT_MS = 1_000;

interface Cached {
  found: Extract<Found, { ok: true }>;
  expiresAt: number | null;
}

export class AwsCredentialChain {
  private readonly files: SharedFiles;
  private readonly read: (path: string) => Promise<string>;
  private readonly cache = new Map<string, Cached>();
  private readonly timeoutMs: number;

  constructor(private readonly o: ChainOptions) {
    this.files = o.files ?? sharedFiles(o.env);
    this.read = o.readFile ?? ((p) => readFile(p, 'utf8'));
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** The region: `explicit`, else AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`; null when none is set. */
  async region(explicit: string | null, profile: string | null): Promise<string | null> {
    if (explicit) return explicit;
    const fromEnv = this.o.env.AWS_REGION || this.o.env.AWS_DEFAULT_REGION;
    if (fromEnv) return fromEnv;
    return (await this.files.profile(this.profileName(profile)))?.['region'] || null;
  }

  /** Credentials for `profile` (null: AWS_PROFILE or `default`), then `roleArn` assumed with them when given. */
  async credentials(profile: string | null, roleArn: string | null, region: string | null, signal: AbortSignal): Promise<Found> {
    const key = JSON.stringify([profile, roleArn, region]);
    const cached = this.cache.get(key);
    if (cached && (cached.expiresAt === null || this.o.clock.now() < cached.expiresAt - REFRESH_MARGIN_MS)) return cached.found;
    let found = await this.base(profile, region, signal);
    if (found.ok && roleArn) found = await this.remember(assumeRole(found.found, roleArn, this.sessionName(), this.sts(region)), `role ${roleArn}`, signal);
    if (!found.ok) return found;
    this.cache.set(key, { found: found.found, expiresAt: found.expiresAt });
    return found.found;
  }

  private async base(profile: string | null, region: string | null, signal: AbortSignal): Promise<Step> {
    const env = this.o.env;
    if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return staticKeys(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, 'environment (AWS_ACCESS_KEY_ID)');
    }
    if (!profile && env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
      return this.webIdentity(env.AWS_WEB_IDENTITY_TOKEN_FILE, env.AWS_ROLE_ARN, env.AWS_ROLE_SESSION_NAME, region, signal);
    }
    const name = this.profileName(profile);
    const settings = await this.files.profile(name);
    if (settings) return this.fromProfile(name, settings, region, signal, new Set());
    if (profile) return fail(`AWS profile "${profile}" is in neither the shared config nor the credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)`);
    if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return this.container(signal);
    if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() !== 'true') {
      const imds = await this.instanceRole(signal);
      if (imds.ok) return imds;
    }
    return fail(
      'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE (a profile of ~/.aws/config or ~/.aws/credentials), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN',
    );
  }

  private async fromProfile(name: string, p: Profile, region: string | null, signal: AbortSignal, seen: Set<string>): Promise<Step> {
    const where = `AWS profile "${name}"`;
    if (seen.has(name)) return fail(`${where}: source_profile loops back to itself`);
    seen.add(name);
    if (p['role_arn']) {
      let source: Step;
      if (p['web_identity_token_file']) {
        return this.webIdentity(p['web_identity_token_file'], p['role_arn'], p['role_session_name'], region ?? (p['region'] || null), signal);
      } else if (p['source_profile']) {
        const sp = p['source_profile'];
        const settings = sp === name ? p : await this.files.profile(sp);
        if (!settings) return fail(`${where}: source_profile "${sp}" does not exist`);
        source = sp === name ? keysOf(sp, settings) : await this.fromProfile(sp, settings, region, signal, seen);
      } else if (p['credential_source']) {
        source = await this.credentialSource(p['credential_source'], where, signal);
      } else {
        return fail(`${where}: role_arn needs source_profile, credential_source or web_identity_token_file`);
      }
      if (!source.ok) return source;
      const sts = this.sts(region ?? (p['region'] || null));
      return this.remember(assumeRole(source.found, p['role_arn'], p['role_session_name'] || this.sessionName(), sts, p['external_id'] || null), `${where} (role ${p['role_arn']})`, signal);
    }
    if (p['aws_access_key_id'] && p['aws_secret_access_key']) return keysOf(name, p);
    if (p['credential_process']) return fail(`${where}: credential_process is not supported by canary: export the credentials it prints as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN`);
    if (p['sso_session'] || p['sso_start_url']) return fail(`${where}: AWS IAM Identity Center (SSO) profiles are not supported by canary: run \`aws configure export-credentials --profile ${name} --format env\` and export what it prints`);
    return fail(`${where} has no credentials (aws_access_key_id/aws_secret_access_key or role_arn)`);
  }

  private async credentialSource(source: string, where: string, signal: AbortSignal): Promise<Step> {
    const env = this.o.env;
    switch (source) {
      case 'Environment':
        return env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? staticKeys(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, 'environment (AWS_ACCESS_KEY_ID)')
          : fail(`${where}: credential_source Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`);
      case 'EcsContainer':
        return this.container(signal);
      case 'Ec2InstanceMetadata':
        return this.instanceRole(signal);
      default:
        return fail(`${where}: credential_source "${source}" is not one of Environment, EcsContainer, Ec2InstanceMetadata`);
    }
  }

  private async webIdentity(tokenFile: string, roleArn: string, sessionName: string | undefined, region: string | null, signal: AbortSignal): Promise<Step> {
    let token: string;
    try {
      token = (await this.read(tokenFile)).trim();
    } catch (err) {
      return fail(`cannot read the web identity token file ${tokenFile}: ${errorText(err)}`);
    }
    return this.remember(assumeRoleWithWebIdentity(token, roleArn, sessionName || this.sessionName(), this.sts(region)), `web identity (role ${roleArn})`, signal);
  }

  /** ECS task roles and EKS Pod Identity: the agent's endpoint, with its authorization token. */
  private async container(signal: AbortSignal): Promise<Step> {
    const env = this.o.env;
    const url = env.AWS_CONTAINER_CREDENTIALS_FULL_URI || `http://169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? ''}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    try {
      const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ? (await this.read(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)).trim() : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      if (token) headers['Authorization'] = token;
    } catch (err) {
      return fail(`cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ${errorText(err)}`);
    }
    const res = await call('AWS container credentials', { method: 'GET', url, headers, timeoutMs: this.timeoutMs, tls: { insecure: false } }, this.o.clock, signal, { tls: 'check AWS_CONTAINER_CREDENTIALS_FULL_URI' });
    if (!res.ok) return fail(res.message);
    if (res.status !== 200) return fail(`AWS container credentials ${url}: ${res.status} ${res.statusText}`);
    return temporaryFrom(res.body, 'container credentials');
  }

  /** IMDSv2: a session token, the role's name, its credentials. A short timeout: off EC2 nothing answers. */
  private async instanceRole(signal: AbortSignal): Promise<Step> {
    const base = (this.o.env.AWS_EC2_METADATA_SERVICE_ENDPOINT || 'http://169.254.169.254').replace(/\/+$/, '');
    const label = 'EC2 instance metadata';
    const ask = (method: 'GET' | 'PUT', path: string, headers: Record<string, string>) =>
      call(label, { method, url: `${base}${path}`, headers, timeoutMs: METADATA_TIMEOUT_MS, tls: { insecure: false } }, this.o.clock, signal, { tls: 'check AWS_EC2_METADATA_SERVICE_ENDPOINT' });
    const token = await ask('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' });
    if (!token.ok || token.status !== 200) return fail(`${label}: no session token (${token.ok ? token.status : token.message})`);
    const auth = { 'X-aws-ec2-metadata-token': token.body.trim() };
    const role = await ask('GET', '/latest/meta-data/iam/security-credentials/', auth);
    if (!role.ok || role.status !== 200 || !role.body.trim()) return fail(`${label}: no instance role`);
    const creds = await ask('GET', `/latest/meta-data/iam/security-credentials/${encodeURIComponent(role.body.trim().split('\n')[0]!)}`, auth);
    if (!creds.ok || creds.status !== 200) return fail(`${label}: the instance role's credentials could not be read`);
    return temporaryFrom(creds.body, 'EC2 instance role');
  }

  private async remember(pending: (clock: Clock, signal: AbortSignal) => Promise<Temporary>, source: string, signal: AbortSignal): Promise<Step> {
    const t = await pending(this.o.clock, signal);
    if (!t.ok) return fail(t.message);
    return { ok: true, found: { ok: true, credentials: t.credentials, source }, expiresAt: t.expiresAt };
  }

  private sts(region: string | null): { endpoint: string; region: string; timeoutMs: number } {
    const env = this.o.env;
    const endpoint = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || (region ? `https://sts.${region}.amazonaws.com` : 'https://sts.amazonaws.com');
    return { endpoint, region: region ?? 'us-east-1', timeoutMs: this.timeoutMs };
  }

  private profileName(profile: string | null): string {
    return profile || this.o.env.AWS_PROFILE || this.o.env.AWS_DEFAULT_PROFILE || 'default';
  }

  private sessionName(): string {
    return `canary-${this.o.clock.now()}`;
  }
}

type Step = { ok: true; found: Extract<Found, { ok: true }>; expiresAt: number | null } | { ok: false; message: string };

function fail(message: string): Step {
  return { ok: false, message };
}

function staticKeys(accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined, source: string): Step {
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return { ok: true, found: { ok: true, credentials, source }, expiresAt: null };
}

function keysOf(name: string, p: Profile): Step {
  if (!p['aws_access_key_id'] || !p['aws_secret_access_key']) return fail(`AWS profile "${name}" has no aws_access_key_id/aws_secret_access_key`);
  return staticKeys(p['aws_access_key_id'], p['aws_secret_access_key'], p['aws_session_token'] || undefined, `AWS profile "${name}"`);
}

/** The JSON the container agent and IMDS answer: AccessKeyId, SecretAccessKey, Token, Expiration. */
function temporaryFrom(body: string, source: string): Step {
  let doc: { AccessKeyId?: unknown; SecretAccessKey?: unknown; Token?: unknown; Expiration?: unknown };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    return fail(`${source}: the answer is not JSON`);
  }
  if (typeof doc.AccessKeyId !== 'string' || typeof doc.SecretAccessKey !== 'string') return fail(`${source}: the answer has no AccessKeyId/SecretAccessKey`);
  const expiresAt = typeof doc.Expiration === 'string' ? Date.parse(doc.Expiration) : NaN;
  return {
    ok: true,
    found: { ok: true, credentials: { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, ...(typeof doc.Token === 'string' ? { sessionToken: doc.Token } : {}) }, source },
    expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
  };
}
