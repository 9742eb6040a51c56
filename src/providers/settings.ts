/**
 * Provider settings and credentials as Argo reads them: keys of a Secret (Argo's names: `datadog`,
 * `newrelic`, `influxdb`, or the metric's own), here in the Rollout's namespace since canary has no
 * controller namespace; on a workstation without that Secret, environment variables. Values are
 * returned to the provider only; messages say where they were looked for, never what they are.
 */
import { SecretNotFoundError, SecretKeyMissingError, type SecretReader } from '../analysis/secrets.js';
import { messageOf } from '../util/errors.js';
import { REDACTED } from '../util/redact.js';

export type SecretKeys =
  | { ok: true; values: Record<string, string> }
  | { ok: false; absent: true; message: string }
  | { ok: false; absent: false; message: string };

/** The keys of Secret `namespace/name` that exist (missing keys are left out); `absent` when there is no such Secret (or no cluster). */
export async function readSecretKeys(secrets: SecretReader | undefined, namespace: string | undefined, name: string, keys: readonly string[]): Promise<SecretKeys> {
  if (!secrets || !namespace) return { ok: false, absent: true, message: `no cluster to read Secret ${name} from` };
  const values: Record<string, string> = {};
  for (const key of keys) {
    try {
      values[key] = await secrets.read(namespace, name, key);
    } catch (err) {
      if (err instanceof SecretNotFoundError) return { ok: false, absent: true, message: `Secret ${namespace}/${name} not found` };
      if (err instanceof SecretKeyMissingError) continue;
      return { ok: false, absent: false, message: `cannot read Secret ${namespace}/${name}: ${messageOf(err)}` };
    }
  }
  return { ok: true, values };
}

/** The environment variables that are set (non-empty), by key. */
export function envValues(env: NodeJS.ProcessEnv, names: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, variable] of Object.entries(names)) {
    const v = env[variable];
    if (v) out[key] = v;
  }
  return out;
}

/** The credential an Authorization header carries (a token, Basic's encoded pair), for hideCredentials. */
export function authorizationCredential(headers: Readonly<Record<string, string>>): string {
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
  return value.replace(/^\S+\s+/, '');
}

/** `text` with each credential replaced by *****, should a server quote one back. */
export function hideCredentials(text: string, credentials: readonly string[]): string {
  let out = text;
  for (const c of credentials) if (c.length >= 4) out = out.split(c).join(REDACTED);
  return out;
}
