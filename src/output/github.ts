/**
 * GitHub Actions: a Markdown summary of the run for $GITHUB_STEP_SUMMARY (steps, weights over time,
 * measurements) and an `::error::` annotation for a failure. Pure: the printer writes them.
 */
import type { RunEvent } from '../engine/events.js';
import type { FinalLine } from './verdict.js';
import { clockTime, describeStep, formatDuration, isoTime, stepOf } from './words.js';

export function githubSummary(events: readonly RunEvent[], f: FinalLine): string {
  const ok = f.verdict === 'promoted' || f.verdict === 'deployed' || f.verdict === 'unchanged';
  const out: string[] = [];
  out.push(`### ${ok ? '✅' : '❌'} canary ${f.verdict}: \`${f.namespace}/${f.name}\``);
  out.push('');
  out.push(`Revision \`${f.revision}\`, step ${f.step}, ${formatDuration(f.durationMs)}. ${escape(f.reason)}`);
  const steps = events.filter((e): e is Extract<RunEvent, { kind: 'stepStarted' }> => e.kind === 'stepStarted');
  if (steps.length) {
    out.push('', '| step | what | started |', '|---|---|---|');
    for (const s of steps) out.push(`| ${stepOf(s.index, s.stepCount)} | ${escape(describeStep(s.step))} | ${clockTime(s.at)} |`);
  }
  const weights = events.filter((e): e is Extract<RunEvent, { kind: 'weightChanged' }> => e.kind === 'weightChanged');
  if (weights.length) {
    out.push('', `**Canary weight over time:** ${weights.map((w) => `${w.to}% at ${clockTime(w.at)}`).join(' → ')}`);
  }
  const measurements = events.filter((e): e is Extract<RunEvent, { kind: 'measurement' }> => e.kind === 'measurement');
  if (measurements.length) {
    out.push('', '<details><summary>Measurements</summary>', '', '| time | analysis | metric | phase | value |', '|---|---|---|---|---|');
    for (const m of measurements.slice(-50)) out.push(`| ${clockTime(m.at)} | ${m.runId} | ${escape(m.metric)} | ${m.phase} | ${escape(m.value ?? m.message ?? '')} |`);
    out.push('', '</details>');
  }
  out.push('', `<sub>canary, ${isoTime(events.at(-1)?.at ?? 0)}</sub>`, '');
  return out.join('\n');
}

/** `::error title=...::message` (GitHub's workflow command; newlines and % escaped as it requires). */
export function githubErrorAnnotation(f: FinalLine): string | null {
  if (f.verdict === 'promoted' || f.verdict === 'deployed' || f.verdict === 'unchanged') return null;
  const msg = `${f.namespace}/${f.name} revision ${f.revision} ${f.verdict} at step ${f.step}: ${f.reason}`;
  return `::error title=canary ${f.verdict}::${msg.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
