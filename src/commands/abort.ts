/**
 * `canary abort NAME`: traffic back to stable. With a live runner the request is written and the
 * runner rolls back (we wait until the weight is 0); with none, canary takes the Lease and rolls
 * back itself from the stored state and manifests. Idempotent.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import { parseDurationOption } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { isTerminal } from '../engine/types.js';
import { formatDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { forReader } from '../util/hint.js';
import { newRequest, openSteering, waitForRunner, type Steering } from './steer.js';
import type { RunRequest } from '../engine/types.js';

export default async function abort(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as { reason?: string; wait?: boolean; timeout?: string };
  const timeoutMs = parseDurationOption('--timeout', flags.timeout) ?? 120_000;
  const s = await openSteering(inv, io);
  const state = s.stored.state!;
  const who = `${s.namespace}/${s.name}`;
  if (isTerminal(state.phase)) {
    write(io.stdout, `nothing to abort: the last run of ${who} (revision ${state.revision}) ended ${state.phase}: ${state.message}`);
    return 'ok';
  }
  const req = newRequest('abort', flags.reason ?? null, s.clock, io.env);
  if (!s.live) return rollBackHere(s, io, req, `no live runner for ${who}${s.holder ? ` (${s.holder.identity} stopped renewing its Lease)` : ''}: rolling back here`);
  await s.cluster.stateStore(s.name, s.namespace).request(req);
  if (flags.wait === false) {
    write(io.stdout, `abort requested for ${who}; the runner (${s.holder!.identity}) rolls back`);
    return 'ok';
  }
  const started = s.clock.now();
  const answer = await waitForRunner(s, timeoutMs, (st) => {
    if (!st.handledRequests.includes(req.id)) return null;
    if (st.phase !== 'RollingBack' && !isTerminal(st.phase)) return `the runner declined: ${forReader(st.message, s.hint)}`;
    if (st.phase === 'RollingBack' && st.weight !== 0 && st.weight !== null) return null;
    return `traffic is back on stable for ${who} (canary weight ${st.weight ?? 0}%) ${formatDuration(s.clock.now() - started)} after the request; the runner scales the canary down`;
  });
  if (answer.kind === 'gone') return rollBackHere(s, io, req, `the runner of ${who} (${s.holder!.identity}) stopped renewing its Lease before acting: rolling back here`);
  if (answer.line.startsWith('the runner declined')) throw new UsageError(`${who}: ${answer.line}`);
  write(io.stdout, answer.line);
  return 'ok';
}

async function rollBackHere(s: Steering, io: Io, req: RunRequest, why: string): Promise<Outcome> {
  write(io.stdout, io.palette.dim(why));
  // Loaded only here: the engine, the providers and the renderers are most of abort's start-up,
  // and a live runner (the usual case) needs none of them.
  const { resumeStored } = await import('./resume.js');
  const outcome = await resumeStored(s, io, { requests: [req], accept: 'resume-only' });
  return outcome === 'aborted' || outcome === 'ok' ? 'ok' : outcome;
}
