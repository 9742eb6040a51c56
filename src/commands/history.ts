/**
 * `canary history NAME`: the rollout's past runs (revision, images, verdict, reason, when, how
 * long, who aborted or promoted), newest first, from the run state canary keeps in its ConfigMap.
 */
import type { Outcome } from '../contract/outcome.js';
import { textWidth, write, type Io } from '../contract/io.js';
import { parseOutput } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { runsOf } from '../engine/run-record.js';
import { historyView, renderHistory } from '../status/history.js';
import { renderJson, renderYaml } from '../status/json.js';
import { isLive } from '../status/runner.js';
import { systemClock } from '../util/clock.js';
import { connectFrom } from './connect.js';
import { finishLeftScaleDown } from './left-scale-down.js';
import { rolloutNotFound } from './not-found.js';
import { forReader } from '../util/hint.js';

export default async function history(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as { output?: string; limit?: string };
  const output = parseOutput(flags.output, ['text', 'json', 'yaml']);
  const clock = systemClock;
  const cluster = await connectFrom(inv, io, clock);
  const name = inv.args[0]!;
  const namespace = cluster.namespaceFor(null);
  const target = { name, namespace, context: inv.global.context ?? null };
  const [stored, holder] = await Promise.all([cluster.stateStore(name, namespace).load(), cluster.lock(name, namespace).holder()]);
  if (!stored.state) throw await rolloutNotFound(cluster, 'history', target, `canary has no run recorded (no ConfigMap ${namespace}/${name}-canary-run)`);
  if (stored.state.scaleDown && !isLive(holder, clock.now())) {
    const done = await finishLeftScaleDown(cluster, clock, name, namespace, stored.state);
    if (done) write(io.stderr, io.errPalette.dim(done));
  }
  const view = historyView(name, namespace, runsOf(stored.state), clock.now());
  switch (output) {
    case 'json':
      write(io.stdout, renderJson(view));
      break;
    case 'yaml':
      write(io.stdout, renderYaml(view));
      break;
    default:
      // A reason's commands as the reader pastes them (the data keeps what was stored).
      write(io.stdout, renderHistory({ ...view, runs: view.runs.map((r) => ({ ...r, reason: forReader(r.reason, target) })) }, io.palette, textWidth(io)));
  }
  return 'ok';
}
