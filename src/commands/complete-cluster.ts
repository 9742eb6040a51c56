/**
 * The completion words read from the kubeconfig and the cluster: contexts, namespaces, the rollouts
 * canary manages. One quick try each (a shell waits on it): no retries, a 2 s deadline, and any
 * failure (no kubeconfig, forbidden, unreachable) is simply no words.
 */
import type { TypedGlobals } from '../contract/completion.js';
import type { ApiResource } from '../kube/resources.js';
import { systemClock } from '../util/clock.js';
import { knownRollouts } from './not-found.js';

const Namespaces: ApiResource = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };

export async function clusterWords(kind: 'rollouts' | 'namespaces' | 'contexts', g: TypedGlobals, env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    if (kind === 'contexts') {
      const { loadKubeconfig } = await import('../kube/kubeconfig.js');
      return loadKubeconfig({ env, ...(g.kubeconfig ? { kubeconfig: g.kubeconfig } : {}) }).kc.getContexts().map((c) => c.name);
    }
    const { connect } = await import('../wiring/cluster.js');
    const cluster = connect({
      clock: systemClock,
      env,
      requestTimeoutMs: 2_000,
      retry: { attempts: 1 },
      ...(g.kubeconfig ? { kubeconfig: g.kubeconfig } : {}),
      ...(g.context ? { context: g.context } : {}),
      ...(g.namespace ? { namespace: g.namespace } : {}),
    });
    if (kind === 'namespaces') return (await cluster.client.list<{ metadata: { name: string } }>(Namespaces, null)).items.map((n) => n.metadata.name);
    const rollouts = await knownRollouts(cluster, cluster.namespaceFor(null), !g.allNamespaces);
    return [...new Set(rollouts.map((r) => r.name))].sort();
  } catch {
    return [];
  }
}
