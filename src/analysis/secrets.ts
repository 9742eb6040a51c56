/**
 * Secret args (`valueFrom.secretKeyRef`) are read when a run starts, through this port; the kube
 * layer implements it against the cluster. The values go into the resolved metrics and into the
 * redactor, never into anything printed or persisted.
 */
import { REDACTED } from '../util/redact.js';

export interface SecretReader {
  /**
   * The decoded value of `key` in Secret `namespace/name`. Rejects with SecretNotFoundError or
   * SecretKeyMissingError when either is absent; any other rejection (forbidden, unreachable) is
   * reported with its own message.
   */
  read(namespace: string, name: string, key: string): Promise<string>;
}

export class SecretNotFoundError extends Error {
  constructor(name: string, options?: { cause?: unknown }) {
    super(`secret "${name}" not found`, options);
    this.name = 'SecretNotFoundError';
  }
}

export class SecretKeyMissingError extends Error {
  constructor(name: string, key: string) {
    super(`key '${key}' does not exist in secret '${name}'`);
    this.name = 'SecretKeyMissingError';
  }
}

/** Secrets given up front (`namespace/name` -> key -> value), e.g. from a file in CI. */
export function staticSecrets(secrets: Record<string, Record<string, string>>): SecretReader {
  return {
    read: async (namespace, name, key) => {
      const secret = secrets[`${namespace}/${name}`];
      if (!secret) throw new SecretNotFoundError(name);
      const value = secret[key];
      if (value === undefined) throw new SecretKeyMissingError(name, key);
      return value;
    },
  };
}

/** For previews (`analyze --dry-run`): every secret reads as `*****`, nothing is fetched. */
export const maskedSecrets: SecretReader = { read: async () => REDACTED };
