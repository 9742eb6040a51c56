/** SecretReader on the cluster: `valueFrom.secretKeyRef` args of analysis templates. */
import { SecretKeyMissingError, SecretNotFoundError, type SecretReader } from '../analysis/secrets.js';
import type { KubeClient, KubeObject } from './client.js';
import { Secrets } from './resources.js';

type Secret = KubeObject & { data?: Record<string, string> };

export class KubeSecretReader implements SecretReader {
  constructor(private readonly client: KubeClient) {}

  async read(namespace: string, name: string, key: string): Promise<string> {
    const secret = await this.client.tryGet<Secret>(Secrets, namespace, name);
    if (!secret) throw new SecretNotFoundError(name);
    const encoded = secret.data?.[key];
    if (encoded === undefined) throw new SecretKeyMissingError(name, key);
    return Buffer.from(encoded, 'base64').toString('utf8');
  }
}
