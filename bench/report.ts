/**
 * Markdown for docs/benchmarks.md: one generated section per benchmark between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; the prose around them is written by hand.
 */
import type { AbortResult } from './abort.js';
import { INTERVAL_S, RPS, SCRAPE_S, WEIGHT, WINDOW_S, type BlastResult } from './blast.js';
import type { CliResult } from './cli.js';
import type { FleetResult } from './fleet.js';
import type { IdleResult } from './idle.js';
import { startupTable } from './startup.js';
import { fmtMs } from './stats.js';

export function replaceSection(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + close.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

const when = (m: Record<string, string>, command: string) => `_Measured ${m.date} at ${m.commit} with \`${command}\`; load average at start ${m.load}._`;

export function machineSection(m: Record<string, string>, command: string): string {
  return [
    '| | |',
    '|---|---|',
    `| CPUs | ${m.cpus} |`,
    `| memory | ${m.memory} |`,
    `| node | ${m.node} |`,
    `| OS | ${m.os} |`,
    `| kubectl | ${m.kubectl} |`,
    `| Prometheus | ${m.prometheus} |`,
    `| last command | \`${command}\` at ${m.commit}, ${m.date} |`,
  ].join('\n');
}

export function cliSection(r: CliResult, m: Record<string, string>, command: string): string {
  return [startupTable(r.results, 'kubectl get (same objects)'), '', `kubectl: ${r.kubectl}.`, '', when(m, command)].join('\n');
}

const row = (label: string, d: { median: number; p95: number; max: number }) => `| ${label} | ${fmtMs(d.median)} | ${fmtMs(d.p95)} | ${fmtMs(d.max)} |`;

export function abortSection(r: AbortResult, m: Record<string, string>, command: string): string {
  const s = r.summary;
  return [
    `${r.runs.length} runs.`,
    '',
    '| interval | median | p95 | max |',
    '|---|---|---|---|',
    row('**`canary abort` started -> weight 0 stored**', s.endToEndMs),
    row('`canary abort` started -> request stored in the run ConfigMap', s.toRequestMs),
    row('request stored -> weight 0 stored (the runner reacts)', s.reactionMs),
    row('`canary abort` started -> it exits (the person gets the prompt back)', s.abortExitMs),
    '',
    when(m, command),
  ].join('\n');
}

export function blastSection(r: BlastResult, m: Record<string, string>, command: string): string {
  const f = r.floors;
  const md = r.median;
  const rate = RPS * WEIGHT;
  return [
    `${r.trials.length} trials; load ${RPS} rps, canary weight ${WEIGHT * 100}%, scrape interval s = ${SCRAPE_S} s, query window W = ${WINDOW_S} s, analysis interval I = ${INTERVAL_S} s.`,
    '',
    '| | failed requests | exposure (weight 10 -> 0) | ratio measured / this |',
    '|---|---|---|---|',
    `| **measured (median)** | **${md.failed}** | ${fmtMs(md.exposureMs)} | 1.00 |`,
    `| floor, any tool with this query: rate x s | ${f.min.toFixed(1)} | ${SCRAPE_S} s | ${(md.failed / f.min).toFixed(2)} |`,
    `| floor, expected over a random schedule phase: rate x (1.5 s + I/2) | ${f.expected.toFixed(1)} | ${f.expectedExposureS} s | ${(md.failed / f.expected).toFixed(2)} |`,
    `| floor for canary's own schedule (first measurement >= weight 10 + s) | ${md.scheduleFloor.toFixed(1)} | | ${(md.failed / md.scheduleFloor).toFixed(2)} |`,
    '',
    `Median canary rate while at weight 10: ${md.canaryRps.toFixed(2)} rps (nominal ${rate}). Weight 10 -> the failing measurement: ${fmtMs(md.detectMs)}; the failing measurement -> weight 0 stored: ${fmtMs(md.rollbackMs)}.`,
    '',
    '| trial | failed (canary) | failed (all) | exposure | detect | measurement -> weight 0 | schedule floor |',
    '|---|---|---|---|---|---|---|',
    ...r.trials.map((t, i) => `| ${i + 1} | ${t.failed} | ${t.failedTotal} | ${fmtMs(t.exposureMs)} | ${fmtMs(t.detectMs)} | ${fmtMs(t.rollbackMs)} | ${t.scheduleFloor.toFixed(1)} |`),
    '',
    ...argoTable(r),
    '',
    when(m, command),
  ].join('\n');
}

/**
 * The same release under Argo Rollouts, from its documented schedule (docs/features/analysis.md,
 * reference/argo-rollouts.md section 2): the seed's background analysis (startingStep 0) starts with
 * the update, measures at once and then every interval, and the rollout aborts on the first
 * measurement that fails. With the same query, interval and Prometheus, the first measurement that
 * can see the failure is the first at or after weight 10 + s; Argo's own reaction (the AnalysisRun
 * and Rollout controllers' queues, the TrafficSplit write) is counted as zero, so its row is a floor.
 */
function argoTable(r: BlastResult): string[] {
  const md = r.median;
  const analysisStart = r.trials.map((t) => t.analysisToWeightMs);
  const hasSchedule = analysisStart.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!hasSchedule) return [];
  return [
    'Next to Argo Rollouts with the seed\'s setup (same query, interval, window and Prometheus; Argo\'s documented schedule: the background AnalysisRun starts with the update, measures at once and every interval after; the rollout aborts on the first failed measurement; its controllers\' reaction time counted as zero):',
    '',
    '| | failed requests (median) | exposure (median) | canary / this |',
    '|---|---|---|---|',
    `| Argo Rollouts, documented schedule, zero reaction time | ${md.scheduleFloor.toFixed(1)} | ${fmtMs(md.scheduleExposureMs)} | ${(md.failed / md.scheduleFloor).toFixed(2)} |`,
    `| canary, measured | ${md.failed} | ${fmtMs(md.exposureMs)} | 1.00 |`,
    '',
    `The analysis started ${fmtMs(md.analysisToWeightMs)} (median) before weight 10 was stored (the canary's pod start), as it would under Argo; the difference is canary's reaction after the failing measurement (${fmtMs(md.rollbackMs)}), which Argo spends in two controllers' work queues.`,
  ];
}

export function idleSection(r: IdleResult, m: Record<string, string>, command: string): string {
  const verbs = Object.entries(r.perMinuteByVerb).sort((a, b) => b[1] - a[1]);
  const resources: string[] = [];
  for (const [res, byVerb] of Object.entries(r.perMinuteByResource).sort()) for (const [v, n] of Object.entries(byVerb)) resources.push(`| ${res} | ${v} | ${n.toFixed(1)} |`);
  // RSS and CPU over time, ten points.
  const pts: string[] = [];
  const s = r.samples;
  for (let k = 0; k <= 10; k++) {
    const i = Math.min(s.length - 1, Math.round((k * (s.length - 1)) / 10));
    const a = s[Math.max(0, i - 10)]!;
    const b = s[i]!;
    const cpu = b.t > a.t ? (100 * (b.cpuMs - a.cpuMs)) / (b.t - a.t) : 0;
    pts.push(`| ${(b.t / 1000).toFixed(0)} s | ${b.rssMb.toFixed(0)} MB | ${cpu.toFixed(1)}% | ${(b.cpuMs / 1000).toFixed(1)} s |`);
  }
  return [
    `An hour of pauses at --time-scale ${r.timeScale}: ${(r.wallMs / 60_000).toFixed(1)} min of wall time, ${(r.pausedMs / 60_000).toFixed(1)} min of it waiting in pauses (the first 2 s and the last second of each pause left out). Exit code ${r.exitCode}.`,
    '',
    `While waiting: **${r.perMinuteTotal.toFixed(1)} API requests per minute**, **${r.cpuPausedPct.toFixed(2)}% of one core**, RSS ${r.rss.afterFirstMinuteMb.toFixed(0)} MB after the first minute, ${r.rss.endMb.toFixed(0)} MB at the end (max ${r.rss.maxMb.toFixed(0)} MB; least-squares slope after the first minute ${r.rss.slopeMbPerHour.toFixed(1)} MB per hour). CPU time for the whole run: ${(r.cpuTotalMs / 1000).toFixed(1)} s.`,
    '',
    '| verb | requests per minute while paused |',
    '|---|---|',
    ...verbs.map(([v, n]) => `| ${v} | ${n.toFixed(1)} |`),
    '',
    '| resource | verb | per minute |',
    '|---|---|---|',
    ...resources,
    '',
    '| time | RSS | CPU (last 10 s) | CPU time so far |',
    '|---|---|---|---|',
    ...pts,
    '',
    when(m, command),
  ].join('\n');
}

export function fleetSection(r: FleetResult, m: Record<string, string>, command: string): string {
  const verbs = Object.entries(r.perMinuteByVerb).sort((a, b) => b[1] - a[1]);
  const resources: string[] = [];
  for (const [res, byVerb] of Object.entries(r.perMinuteByResource).sort()) for (const [v, n] of Object.entries(byVerb)) resources.push(`| ${res} | ${v} | ${n.toFixed(0)} | ${(n / r.count).toFixed(1)} |`);
  return [
    `${r.count} Rollouts, ${r.count} \`canary run\` processes at once.`,
    '',
    '| | median | p95 | max |',
    '|---|---|---|---|',
    `| first deploys, all ${r.count} at once: until the last exits | | | ${fmtMs(r.firstDeployWallMs)} |`,
    row('canary runs started at once: `canary run` started -> its weight 10 stored', r.toWeight10),
    row(`abort requests stored in all ${r.count} ConfigMaps at once -> each weight 0 stored`, r.abortReaction),
    '',
    `While all ${r.count} wait in their pause (${(r.steadyMs / 1000).toFixed(0)} s): **${r.perMinuteTotal.toFixed(0)} API requests per minute** (${(r.perMinuteTotal / r.count).toFixed(1)} per runner); runners' RSS ${r.rssTotalMb.toFixed(0)} MB in total (${r.rssPerRunnerMb.toFixed(0)} MB each); their CPU ${r.cpuPct.toFixed(1)}% of one core in total. The abort burst: ${r.abortRequests} API requests; exit codes ${JSON.stringify(r.abortCodes)}.`,
    '',
    '| verb | per minute, all runners |',
    '|---|---|',
    ...verbs.map(([v, n]) => `| ${v} | ${n.toFixed(0)} |`),
    '',
    '| resource | verb | per minute | per runner |',
    '|---|---|---|---|',
    ...resources,
    '',
    when(m, command),
  ].join('\n');
}
