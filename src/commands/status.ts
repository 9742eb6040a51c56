/**
 * `canary status [NAME] [--watch]`: one rollout as a tree (or JSON/YAML), every rollout of a
 * namespace as lines, or a watch that redraws on change and exits with the rollout's verdict.
 */
import type { Outcome } from '../contract/outcome.js';
import { textWidth, write, type Io } from '../contract/io.js';
import { parseDurationOption, parseOutput } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import type { Cluster } from '../wiring/cluster.js';
import { renderJson, renderJsonLine, renderYaml, statusList } from '../status/json.js';
import type { StatusView } from '../status/model.js';
import { isResolved } from '../manifests/types.js';
import { renderList, WatchLines } from '../status/render-line.js';
import { renderTree } from '../status/render-tree.js';
import { toStatusView } from '../status/view.js';
import { RedrawThrottle, watchDecision } from '../status/watch.js';
import { connectFrom } from './connect.js';
import { rolloutNotFound } from './not-found.js';
import { finishLeftScaleDown } from './left-scale-down.js';
import { leftScaleDownDue } from '../engine/scale-down.js';
import { isLive } from '../status/runner.js';
import { systemClock, type Clock } from '../util/clock.js';
import { TimeoutError, UsageError } from '../util/errors.js';
import { gatherStatus, listRuns } from '../wiring/status-source.js';

interface StatusFlags {
  watch?: boolean;
  timeout?: string;
  exitOnPause?: boolean;
  revision?: string;
  allNamespaces?: boolean;
  output?: string;
}

export default async function status(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as StatusFlags;
  const output = parseOutput(flags.output, ['text', 'wide', 'json', 'yaml']);
  const timeoutMs = parseDurationOption('--timeout', flags.timeout);
  const clock = systemClock;
  const cluster = await connectFrom(inv, io, clock);
  const name = inv.args[0];
  if (!name) {
    if (flags.watch) throw new UsageError('--watch needs a rollout name', { hint: 'canary status NAME --watch' });
    return list(cluster, io, flags.allNamespaces ? null : cluster.namespaceFor(null), output, clock, inv.global.context ?? null);
  }
  const namespace = cluster.namespaceFor(null);
  const target: Target = { name, namespace, context: inv.global.context ?? null, ...(flags.revision ? { revisionWanted: flags.revision } : {}) };
  if (!flags.watch) {
    const view = await viewOf(cluster, target, clock, io);
    write(io.stdout, render(view, output, io));
    return 'ok';
  }
  return watch(cluster, target, io, { output, exitOnPause: flags.exitOnPause ?? false, revision: flags.revision, timeoutAt: timeoutMs === undefined ? null : clock.now() + timeoutMs }, clock);
}

/** The rollout, and --context for the hints the view prints. */
type Target = { name: string; namespace: string; context: string | null; revisionWanted?: string };

async function viewOf(cluster: Cluster, target: Target, clock: Clock, io: Io): Promise<StatusView> {
  let { input } = await gatherStatus(cluster, target, clock.now());
  // A scale-down the last run left to the next canary command: this one, if it is due.
  if (leftScaleDownDue(input.state, input.now, isLive(input.lease.holder, input.now))) {
    const done = await finishLeftScaleDown(cluster, clock, target.name, target.namespace, input.state);
    if (done) {
      write(io.stderr, io.errPalette.dim(done));
      ({ input } = await gatherStatus(cluster, target, clock.now()));
    }
  }
  if (!input.state && !input.stable && !input.canary && !target.revisionWanted) {
    throw await rolloutNotFound(cluster, 'status', target, `canary has no run state, and no ${target.name}-stable or ${target.name}-canary Deployment`);
  }
  return toStatusView({ ...input, context: target.context });
}

function render(view: StatusView, output: string, io: Io): string {
  switch (output) {
    case 'json':
      return renderJson(view);
    case 'yaml':
      return renderYaml(view);
    case 'wide':
      return renderTree(view, io.palette, { wide: true });
    default:
      return renderTree(view, io.palette, textWidth(io));
  }
}

interface WatchFlags {
  output: string;
  exitOnPause: boolean;
  revision: string | undefined;
  timeoutAt: number | null;
}

/** Redraws on change (watches, not polling), at most every 200 ms; exits on the verdict. */
async function watch(cluster: Cluster, target: Target, io: Io, f: WatchFlags, clock: Clock): Promise<Outcome> {
  const tty = Boolean(io.stdout.isTTY) && f.output !== 'json' && f.output !== 'yaml';
  const stop = new AbortController();
  let changed = true;
  let wake: (() => void) | null = null;
  const poke = () => {
    changed = true;
    wake?.();
  };
  cluster.stateStore(target.name, target.namespace).watch(poke, stop.signal);
  const rollout = await gatherStatus(cluster, target, clock.now()).then((r) => r.rollout).catch(() => null);
  if (rollout && isResolved(rollout)) cluster.workloads({ ...rollout, namespace: target.namespace }, target.namespace).watch(poke, stop.signal);

  const throttle = new RedrawThrottle(200);
  const lines = new WatchLines(io.palette);
  let drawnLines = 0;
  let last: StatusView | null = null;
  const draw = (full: string) => {
    if (tty) {
      // Move up over the previous frame and clear below it, in one write: no flicker. The frame is
      // cut to the screen's height, or moving up could not reach its top and copies would pile up.
      const frame = fitToRows(full, io.stdout.rows ?? Infinity);
      const lines = frame.replace(/\n$/, '').split('\n');
      // Each line is erased and rewritten in place: erasing the whole screen from its top row makes
      // some terminals (tmux's scroll-on-clear) push a copy of it into the scrollback on every redraw.
      const up = drawnLines ? `\u001b[${drawnLines}A\r` : '';
      const body = lines.map((l) => `\u001b[2K${l}`).join('\n') + '\n';
      const rest = lines.length < drawnLines ? '\u001b[J' : '';
      io.stdout.write(up + body + rest);
      drawnLines = lines.length;
    } else {
      io.stdout.write(full.endsWith('\n') ? full : `${full}\n`);
    }
  };
  try {
    for (;;) {
      const now = clock.now();
      if (changed || tty) {
        changed = false;
        try {
          last = toStatusView({ ...(await gatherStatus(cluster, target, now)).input, context: target.context });
        } catch (err) {
          if (!last) throw err;
        }
      }
      let holdUntil: number | null = null;
      if (last) {
        if (tty) {
          const frame = renderTree(last, io.palette, textWidth(io));
          const d = throttle.offer(frame, now);
          if (d.kind === 'draw') draw(frame);
          if (d.kind === 'hold') holdUntil = d.until;
        } else {
          const line = f.output === 'json' ? renderJsonLine(last) : lines.next(last);
          if (line) draw(line);
        }
        const decision = watchDecision(last, { exitOnPause: f.exitOnPause, ...(f.revision ? { revision: f.revision } : {}), timeoutAt: f.timeoutAt, now });
        if (decision !== 'continue') {
          if (tty) draw(renderTree(last, io.palette, textWidth(io)));
          if (decision.outcome === 'timeout') throw new TimeoutError(decision.reason, { hint: 'raise --timeout, or look at the tree above for what it waits on' });
          write(io.stderr, decision.reason);
          return decision.outcome;
        }
      }
      // Wait for a change; a terminal also redraws every second for countdowns and ages.
      const wait = holdUntil !== null ? Math.max(0, holdUntil - now) : tty ? 1000 : f.timeoutAt !== null ? Math.max(0, Math.min(30_000, f.timeoutAt - now)) : 30_000;
      // A change that came while we were reading is not waited for.
      if (changed) continue;
      const ac = new AbortController();
      wake = () => ac.abort();
      await clock.sleep(wait, ac.signal);
      wake = null;
      if (!tty && !changed && wait === 30_000) changed = true; // a safety net against a missed watch event
    }
  } finally {
    stop.abort();
  }
}

/** The first lines of a frame that fit `rows` (the header first), saying how many were left out. */
export function fitToRows(frame: string, rows: number): string {
  const lines = frame.replace(/\n$/, '').split('\n');
  if (lines.length < rows) return frame;
  const keep = Math.max(1, rows - 2);
  return `${[...lines.slice(0, keep), `… ${lines.length - keep} more lines: a taller terminal shows them (or canary status without --watch)`].join('\n')}\n`;
}

/** Every rollout canary manages in a namespace (or all), one line each. */
async function list(cluster: Cluster, io: Io, namespace: string | null, output: string, clock: Clock, context: string | null): Promise<Outcome> {
  const views = (await listRuns(cluster, namespace, clock.now())).map((input) => toStatusView({ ...input, context }));
  switch (output) {
    case 'json':
      write(io.stdout, renderJson(statusList(views)));
      break;
    case 'yaml':
      write(io.stdout, renderYaml(statusList(views)));
      break;
    default:
      write(io.stdout, views.length ? renderList(views, io.palette, textWidth(io)) : `no rollouts managed by canary in ${namespace === null ? 'any namespace' : `namespace ${namespace}`}`);
  }
  return 'ok';
}
