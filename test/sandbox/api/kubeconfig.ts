/** A kubeconfig for the sandbox: one cluster (CA data when TLS is on), one bearer-token user, one context. */
import { stringify } from 'yaml';

export interface KubeconfigParts {
  server: string;
  caPem?: string;
  token: string;
  user: string;
  clusterName: string;
  contextName: string;
  namespace?: string;
}

export function kubeconfigYaml(p: KubeconfigParts): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: p.clusterName,
        cluster: { server: p.server, ...(p.caPem ? { 'certificate-authority-data': Buffer.from(p.caPem).toString('base64') } : {}) },
      },
    ],
    users: [{ name: p.user, user: { token: p.token } }],
    contexts: [{ name: p.contextName, context: { cluster: p.clusterName, user: p.user, ...(p.namespace ? { namespace: p.namespace } : {}) } }],
    'current-context': p.contextName,
    preferences: {},
  });
}
