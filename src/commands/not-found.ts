/**
 * A rollout name that canary has no run of in the namespace: say so, and point at the rollout the
 * user probably meant (the same name in another namespace, or a near name) with a command to paste.
 */
import { ROLLOUT_LABEL, MANAGED_BY_LABEL, MANAGER } from '../kube/ownership.js';
import { ConfigMaps } from '../kube/resources.js';
import type { RunConfigMap } from '../kube/run-configmap.js';
import { suggest } from '../manifests/suggest.js';
import { UsageError } from '../util/errors.js';
import { hintCommand, type HintTarget } from '../util/hint.js';
import type { Cluster } from '../wiring/cluster.js';

export interface Known {
  name: string;
  namespace: string;
}

/** The error to throw; `what` says what was looked for ("canary has no run state, and no myapp-stable Deployment"). */
export async function rolloutNotFound(cluster: Cluster, verb: string, t: HintTarget & { name: string }, what: string): Promise<UsageError> {
  const known = await knownRollouts(cluster, t.namespace);
  const guess = closest(t, known);
  const head = `no rollout "${t.name}" in namespace ${t.namespace}: ${what}`;
  if (guess) {
    const where = guess.namespace === t.namespace ? '' : ` in namespace ${guess.namespace}`;
    return new UsageError(`${head}; did you mean ${guess.name}${where}?`, { hint: hintCommand(verb, { ...t, ...guess }) });
  }
  return new UsageError(head, { hint: `check the name and -n; ${hintCommand('status', { ...t, name: null })} lists the rollouts canary manages` });
}

/** The same name elsewhere first (most likely a missing -n), then a near name here, then a near name elsewhere. */
function closest(t: Known, known: readonly Known[]): Known | null {
  const elsewhere = known.filter((k) => k.name === t.name && k.namespace !== t.namespace);
  if (elsewhere.length === 1) return elsewhere[0]!;
  const here = known.filter((k) => k.namespace === t.namespace);
  const near = suggest(t.name, here.map((k) => k.name));
  if (near) return { name: near, namespace: t.namespace };
  const nearElsewhere = suggest(t.name, known.map((k) => k.name));
  const found = nearElsewhere ? known.filter((k) => k.name === nearElsewhere) : [];
  return found.length === 1 ? found[0]! : null;
}

/** Rollouts canary recorded runs of: in every namespace when allowed (or only there: `onlyHere`), else in this one. */
export async function knownRollouts(cluster: Cluster, namespace: string, onlyHere = false): Promise<Known[]> {
  const selector = { labelSelector: `${MANAGED_BY_LABEL}=${MANAGER},${ROLLOUT_LABEL}` };
  const here = () => cluster.client.list<RunConfigMap>(ConfigMaps, namespace, selector).catch(() => null);
  const list = onlyHere ? await here() : await cluster.client.list<RunConfigMap>(ConfigMaps, null, selector).catch(here);
  return (list?.items ?? [])
    .filter((cm) => cm.metadata.name.endsWith('-canary-run'))
    .map((cm) => ({ name: cm.metadata.labels?.[ROLLOUT_LABEL] ?? cm.metadata.name.replace(/-canary-run$/, ''), namespace: cm.metadata.namespace ?? namespace }));
}
