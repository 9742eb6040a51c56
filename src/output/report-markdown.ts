/**
 * The report as Markdown: what GitHub Actions shows as the step summary ($GITHUB_STEP_SUMMARY) and
 * `--report FILE.md` writes. The weight over time is a Mermaid chart (GitHub draws it) and a line of
 * text (read as is anywhere else).
 */
import type { RunReport } from './report.js';
import { clockTime, formatDuration, isoTime } from './words.js';

export function markdownReport(r: RunReport): string {
  const out: string[] = [];
  out.push(`### ${r.ok ? '✅' : '❌'} canary ${r.verdict}: \`${r.namespace}/${r.name}\``);
  out.push('');
  out.push(`Revision \`${r.revision}\`${r.images.length ? ` (${r.images.map((i) => `\`${i}\``).join(', ')})` : ''}, step ${r.step}, ${formatDuration(r.durationMs)}. ${escape(r.reason)}`);
  if (r.steps.length) {
    out.push('', '| step | what | started |', '|---|---|---|');
    for (const s of r.steps) out.push(`| ${s.label} | ${escape(s.what)} | ${clockTime(s.startedAt)} |`);
  }
  const changes = r.weights.slice(0, -1);
  if (changes.length) {
    out.push('', '```mermaid', 'xychart-beta', '  title "Canary weight (%)"', `  x-axis [${changes.map((w) => `"${clockTime(w.at)}"`).join(', ')}]`, '  y-axis "weight" 0 --> 100', `  line [${changes.map((w) => w.weight).join(', ')}]`, '```');
    out.push('', `**Canary weight over time:** ${changes.map((w) => `${w.weight}% at ${clockTime(w.at)}`).join(' → ')}`);
  }
  if (r.analyses.length) out.push('', `**Analyses:** ${r.analyses.map((a) => `${a.id} ${a.phase}`).join(', ')}`);
  if (r.measurements.length) {
    out.push('', '<details><summary>Measurements</summary>', '', '| time | analysis | metric | phase | value |', '|---|---|---|---|---|');
    for (const m of r.measurements.slice(-50)) out.push(`| ${clockTime(m.at)} | ${m.analysis} | ${escape(m.metric)} | ${m.phase} | ${escape(m.value)} |`);
    out.push('', '</details>');
  }
  out.push('', `<sub>canary, ${isoTime(r.endedAt)}</sub>`, '');
  return out.join('\n');
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
