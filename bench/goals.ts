/**
 * Issue 15's goals, judged from the benchmarks' results: one line per goal that a script can read
 * (tab-separated: `goal`, id, figure, target, met|not met), and the table of docs/benchmarks.md's
 * goals section. A goal whose section did not run (and has no result in docs/benchmarks/) is left
 * out.
 */
import type { AbortResult } from './abort.js';
import type { BlastResult } from './blast.js';
import type { CliResult } from './cli.js';
import type { FleetResult } from './fleet.js';
import type { IdleResult } from './idle.js';
import { fmtMs } from './stats.js';

export interface Results {
  cli?: CliResult;
  abort?: AbortResult;
  blast?: BlastResult;
  idle?: Pick<IdleResult, 'perMinuteTotal' | 'rss'>;
  fleet?: FleetResult;
}

export interface Goal {
  id: string;
  what: string;
  figure: string;
  target: string;
  met: boolean;
}

const ratio = (x: number) => `${x.toFixed(2)}x`;

export function goals(r: Results): Goal[] {
  const out: Goal[] = [];
  if (r.abort) {
    const ms = r.abort.summary.endToEndMs.median;
    out.push({ id: 'abort', what: '`canary abort` started -> weight 0 stored, median', figure: fmtMs(ms), target: '< 300 ms', met: ms < 300 });
  }
  if (r.cli) {
    const med = (label: string) => r.cli!.results.find((x) => x.label === label)?.medianMs ?? NaN;
    const node = med('node -e ""');
    const kget = med('kubectl get (same objects)');
    const status = med('canary status myapp') / kget;
    const help = med('canary --help') / node;
    const lint = med('canary lint examples/seed/') / node;
    out.push({ id: 'status', what: '`canary status myapp` / `kubectl get` of the same objects, medians', figure: ratio(status), target: '<= 1.5x', met: status <= 1.5 });
    out.push({ id: 'help', what: '`canary --help` / `node -e ""`, medians', figure: ratio(help), target: '<= 1.6x', met: help <= 1.6 });
    out.push({ id: 'lint', what: '`canary lint examples/seed/` / `node -e ""`, medians', figure: ratio(lint), target: '<= 2.5x', met: lint <= 2.5 });
  }
  if (r.idle) {
    const n = r.idle.perMinuteTotal;
    out.push({ id: 'idle-requests', what: 'API requests per minute of one runner waiting in pauses', figure: n.toFixed(1), target: '<= 10', met: n <= 10 });
    const { afterFirstMinuteMb, endMb, maxAfterFirstMinuteMb } = r.idle.rss;
    const top = maxAfterFirstMinuteMb ?? Math.max(afterFirstMinuteMb, endMb);
    out.push({
      id: 'idle-rss',
      what: 'RSS of that runner after its first minute: highest (after the first minute / at the end)',
      figure: `${top.toFixed(0)} MB (${afterFirstMinuteMb.toFixed(0)} / ${endMb.toFixed(0)} MB)`,
      target: '<= 60 MB throughout',
      met: top <= 60,
    });
  }
  if (r.fleet) {
    const f = r.fleet;
    const perMin = (f.perMinuteTotal * 50) / f.count;
    out.push({
      id: 'fleet-requests',
      what: `API requests per minute of all runners waiting${f.count === 50 ? '' : ` (${f.count} runners, scaled to 50)`}`,
      figure: perMin.toFixed(0),
      target: '<= 500',
      met: perMin <= 500,
    });
    out.push({ id: 'fleet-abort', what: `abort in all ${f.count} runs at once -> each weight 0 stored, median`, figure: fmtMs(f.abortReaction.median), target: '< 1.5 s', met: f.abortReaction.median < 1500 });
  }
  if (r.blast) {
    const x = r.blast.median.failed / r.blast.median.scheduleFloor;
    out.push({ id: 'blast', what: 'failed requests of a bad release / the floor of its measurement schedule, medians', figure: x.toFixed(2), target: '<= 1.05', met: x <= 1.05 });
  }
  return out;
}

/** `goal<TAB>id<TAB>figure<TAB>target<TAB>met|not met`: one line per goal, for scripts. */
export function goalLines(gs: Goal[]): string[] {
  return gs.map((g) => ['goal', g.id, g.figure, g.target, g.met ? 'met' : 'not met'].join('\t'));
}

export function goalsSection(gs: Goal[], sources: string): string {
  return [
    '| goal | figure | target | |',
    '|---|---|---|---|',
    ...gs.map((g) => `| ${g.what} | ${g.figure} | ${g.target} | ${g.met ? 'met' : '**not met**'} |`),
    '',
    sources,
  ].join('\n');
}
