/** Drives a stored run from its stored manifests, when no runner is alive (`abort`, `retry`). */
import type { Outcome } from '../contract/outcome.js';
import type { Io } from '../contract/io.js';
import type { RunRequest } from '../engine/types.js';
import { isResolved } from '../manifests/types.js';
import { UsageError } from '../util/errors.js';
import { readStoredManifests } from '../manifests/stored.js';
import { buildProvider } from './providers.js';
import { runInForeground } from './runner.js';
import type { Steering } from './steer.js';

export async function resumeStored(s: Steering, io: Io, o: { requests?: RunRequest[]; retry?: boolean; accept: 'resume-only' | 'new-only' }): Promise<Outcome> {
  const who = `${s.namespace}/${s.name}`;
  if (!s.stored.manifests) {
    throw new UsageError(`the run of ${who} has no stored manifests (written by an older canary)`, { hint: 'run `canary run` with the manifest files instead' });
  }
  const spec = readStoredManifests(s.stored.manifests, s.namespace);
  const stored = { ...spec.rollouts[0]!, namespace: s.namespace };
  // The stored Rollout carries the template it ran with (a workloadRef's too).
  if (!isResolved(stored)) throw new UsageError(`the manifests stored with the run of ${who} have no pod template`, { hint: 'run `canary run` with the manifest files instead' });
  const rollout = stored;
  const template = rollout.template;
  const proxy = await s.cluster.serviceProxy();
  return runInForeground({
    io,
    clock: s.clock,
    cluster: s.cluster,
    namespace: s.namespace,
    spec,
    rollout,
    template,
    manifests: s.stored.manifests,
    provider: buildProvider({}, io, s.clock, { cluster: s.cluster, serviceProxy: proxy, namespace: s.namespace, owner: rollout.name }),
    output: 'text',
    timeScale: s.stored.state?.timeScale ?? 1,
    exitOnPause: false,
    timeoutMs: null,
    onInterrupt: 'leave',
    adopt: false,
    retry: o.retry ?? false,
    hint: s.hint,
    requests: o.requests ?? [],
    accept: (d) => {
      if (o.accept === 'resume-only' && d.kind !== 'resume') return `nothing to do for ${who}: ${d.why}`;
      if (o.accept === 'new-only' && d.kind !== 'new') return `nothing to retry for ${who}: ${d.why}`;
      return null;
    },
  });
}
