/**
 * The report as one self-contained HTML page (`--report FILE.html`): inline CSS, the weight over time
 * as inline SVG, no script, no external resource, so it opens from a CI artifact or a mail as it is.
 */
import type { RunReport } from './report.js';
import { clockTime, formatDuration, isoTime } from './words.js';

export function htmlReport(r: RunReport): string {
  const title = `canary ${r.verdict}: ${r.namespace}/${r.name} revision ${r.revision}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header class="verdict ${r.ok ? 'ok' : 'bad'}">
<h1><span class="icon" aria-hidden="true">${r.ok ? '✔' : '✖'}</span> canary ${esc(r.verdict)}: <code>${esc(`${r.namespace}/${r.name}`)}</code></h1>
<p class="reason">${esc(r.reason)}</p>
</header>
<section aria-labelledby="run">
<h2 id="run">Run</h2>
<dl>
${row('Rollout', `${r.namespace}/${r.name}`)}${row('Revision', r.revision)}${r.stableRevision ? row('Stable revision', r.stableRevision) : ''}${r.images.length ? row('Images', r.images.join(', ')) : ''}${row('Step reached', r.step)}${row('Duration', formatDuration(r.durationMs))}${r.startedAt !== null ? row('Started', isoTime(r.startedAt)) : ''}${row('Ended', isoTime(r.endedAt))}${r.analyses.length ? row('Analyses', r.analyses.map((a) => `${a.id} ${a.phase}`).join(', ')) : ''}</dl>
</section>
${r.weights.length ? weightSection(r) : ''}${r.steps.length ? stepsSection(r) : ''}${r.measurements.length ? measurementsSection(r) : ''}<footer>canary, ${esc(isoTime(r.endedAt))}</footer>
</main>
</body>
</html>
`;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--ok:#1a7f37;--bad:#cf222e;--chart:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--ok:#3fb950;--bad:#f85149;--chart:#4493f8}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:960px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:0.92em}
.verdict{border-left:6px solid var(--line);padding:8px 16px}.verdict.ok{border-color:var(--ok)}.verdict.bad{border-color:var(--bad)}
.verdict.ok .icon{color:var(--ok)}.verdict.bad .icon{color:var(--bad)}.reason{margin:0;color:var(--muted);overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;table-layout:auto}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}th{color:var(--muted);font-weight:600}
svg{display:block;width:100%;height:auto;max-width:100%}.axis{stroke:var(--line)}.grid{stroke:var(--line);stroke-dasharray:2 4}
.tick{fill:var(--muted);font-size:11px}.weight{fill:none;stroke:var(--chart);stroke-width:2}.point{fill:var(--chart)}
.Failed,.Error{color:var(--bad)}.Successful{color:var(--ok)}footer{margin-top:32px;color:var(--muted);font-size:13px}
`;

function row(term: string, value: string): string {
  return `<dt>${esc(term)}</dt><dd>${esc(value)}</dd>\n`;
}

const W = 720;
const H = 220;
const PAD = { left: 44, right: 16, top: 12, bottom: 28 };

/** The weight as a step line: it holds its value until the next change. */
function weightSection(r: RunReport): string {
  const from = r.weights[0]!.at;
  const to = Math.max(r.weights.at(-1)!.at, from + 1);
  const x = (t: number) => PAD.left + ((t - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (w: number) => PAD.top + (1 - w / 100) * (H - PAD.top - PAD.bottom);
  const points: string[] = [];
  r.weights.forEach((p, i) => {
    if (i > 0) points.push(`${fmt(x(p.at))},${fmt(y(r.weights[i - 1]!.weight))}`);
    points.push(`${fmt(x(p.at))},${fmt(y(p.weight))}`);
  });
  const changes = r.weights.slice(0, -1);
  const grid = [0, 25, 50, 75, 100]
    .map((w) => `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(w))}" y2="${fmt(y(w))}"/><text class="tick" x="${PAD.left - 6}" y="${fmt(y(w) + 4)}" text-anchor="end">${w}%</text>`)
    .join('');
  const description = changes.map((p) => `${p.weight}% at ${clockTime(p.at)}`).join(', ');
  return `<section aria-labelledby="weight">
<h2 id="weight">Canary weight over time</h2>
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="weight-title weight-desc" xmlns="http://www.w3.org/2000/svg">
<title id="weight-title">Canary weight (%) over time</title>
<desc id="weight-desc">${esc(description)}</desc>
${grid}
<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(0))}" y2="${fmt(y(0))}"/>
<polyline class="weight" points="${points.join(' ')}"/>
${changes.map((p) => `<circle class="point" cx="${fmt(x(p.at))}" cy="${fmt(y(p.weight))}" r="3"><title>${p.weight}% at ${clockTime(p.at)}</title></circle>`).join('')}
<text class="tick" x="${PAD.left}" y="${H - 8}">${clockTime(from)}</text>
<text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${clockTime(to)}</text>
</svg>
<p class="reason">${esc(description)}</p>
</section>
`;
}

function stepsSection(r: RunReport): string {
  const rows = r.steps.map((s) => `<tr><td>${esc(s.label)}</td><td>${esc(s.what)}</td><td>${clockTime(s.startedAt)}</td></tr>`).join('\n');
  return `<section aria-labelledby="steps">
<h2 id="steps">Steps</h2>
<table><thead><tr><th>step</th><th>what</th><th>started</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>
`;
}

function measurementsSection(r: RunReport): string {
  const rows = r.measurements
    .map((m) => `<tr><td>${clockTime(m.at)}</td><td>${esc(m.analysis)}</td><td>${esc(m.metric)}</td><td class="${esc(m.phase)}">${esc(m.phase)}</td><td><code>${esc(m.value)}</code></td></tr>`)
    .join('\n');
  return `<section aria-labelledby="measurements">
<h2 id="measurements">Measurements</h2>
<table><thead><tr><th>time</th><th>analysis</th><th>metric</th><th>phase</th><th>value</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>
`;
}

function fmt(n: number): string {
  return n.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
