/**
 * `canary promote NAME [--full]`: ends the current pause or inconclusive analysis (or skips every
 * remaining step). The request is stored; a live runner acts on it within a second and we report
 * what it did; without one, the next `canary run` (or `canary retry`) picks it up.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import { parseDurationOption } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { isTerminal } from '../engine/types.js';
import { forReader } from '../util/hint.js';
import { handledOutcome, newRequest, openSteering, waitForRunner } from './steer.js';

export default async function promote(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as { full?: boolean; wait?: boolean; timeout?: string };
  const timeoutMs = parseDurationOption('--timeout', flags.timeout) ?? 120_000;
  const s = await openSteering(inv, io);
  const state = s.stored.state!;
  const who = `${s.namespace}/${s.name}`;
  if (isTerminal(state.phase)) {
    write(io.stdout, `nothing to promote: the last run of ${who} (revision ${state.revision}) ended ${state.phase}`);
    return 'ok';
  }
  const req = newRequest(flags.full ? 'promoteFull' : 'promote', null, s.clock, io.env);
  await s.cluster.stateStore(s.name, s.namespace).request(req);
  if (!s.live) {
    write(io.stdout, `${req.kind === 'promoteFull' ? 'promote --full' : 'promote'} stored for ${who}, but no runner is driving it: \`canary run\` with its manifests resumes the run and applies the request`);
    return 'ok';
  }
  if (flags.wait === false) {
    write(io.stdout, `promote requested for ${who}; the runner (${s.holder!.identity}) acts on it`);
    return 'ok';
  }
  const answer = await waitForRunner(s, timeoutMs, (st) => handledOutcome(st, req.id));
  if (answer.kind === 'gone') {
    write(io.stdout, `the runner of ${who} stopped before acting; the request is stored: \`canary run\` with its manifests resumes the run and applies it`);
    return 'ok';
  }
  write(io.stdout, `${who}: ${forReader(answer.line, s.hint)}`);
  return 'ok';
}
