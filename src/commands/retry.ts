/**
 * `canary retry NAME`: runs an aborted or rolled back revision again from step 1, in the
 * foreground like `canary run`, from the manifests stored with its run.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import type { Invocation } from '../contract/verb.js';
import { UsageError } from '../util/errors.js';
import { resumeStored } from './resume.js';
import { openSteering } from './steer.js';

export default async function retry(inv: Invocation, io: Io): Promise<Outcome> {
  const s = await openSteering(inv, io);
  const state = s.stored.state!;
  const who = `${s.namespace}/${s.name}`;
  if (state.phase !== 'Degraded' && state.phase !== 'Aborted') {
    throw new UsageError(`nothing to retry: the run of ${who} (revision ${state.revision}) is ${state.phase}`, {
      hint: state.phase === 'Healthy' ? 'retry restarts an aborted or rolled back run; deploy a new revision with `canary run`' : `a runner ${s.live ? `(${s.holder!.identity}) is driving it` : 'may resume it with `canary run`'}`,
    });
  }
  if (s.live) throw new UsageError(`a runner (${s.holder!.identity}) still holds ${who}`, { hint: 'wait for it to finish scaling the canary down, then retry' });
  write(io.stdout, io.palette.dim(`retrying revision ${state.revision} of ${who} from step 1`));
  return resumeStored(s, io, { retry: true, accept: 'new-only' });
}
