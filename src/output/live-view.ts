/** The live terminal view of a run: step list with marks, weight bar, latest measurement per metric, time left. Pure. */
import { hintCommand } from '../util/hint.js';
import type { Palette } from '../util/palette.js';
import type { LiveModel } from './live-model.js';
import { formatDuration, waitedFor } from './words.js';

const BAR = 24;

/**
 * `rows` bounds the height: a frame taller than the terminal cannot be redrawn in place, so long step
 * lists show a window around the current step with the rest summed up.
 */
export function renderLiveView(m: LiveModel, now: number, p: Palette, width = 80, rows = Infinity): string[] {
  const lines: string[] = [];
  lines.push(`${activityLine(m, now)}`);
  lines.push(p.dim(`${m.rollout}  revision ${m.revision}  ${m.images.join(', ')}${m.timeScale !== 1 ? `  time scale x${m.timeScale}` : ''}`));
  const tail = (m.weight !== null ? 1 : 0) + m.metrics.length + m.notes.length;
  const room = Math.max(3, rows - 2 - tail - 1);
  const [from, to] = stepWindow(m.steps.length, m.stepIndex, room);
  if (from > 0) lines.push(p.dim(`  ✔ steps 1-${from} done`));
  m.steps.slice(from, to).forEach((s, k) => {
    const i = from + k;
    const mark = i < m.stepIndex ? p.green('✔') : i === m.stepIndex && !m.finished ? p.cyan('›') : p.dim('·');
    const text = `${String(i + 1).padStart(2)}. ${s.text}`;
    lines.push(`  ${mark} ${i === m.stepIndex && !m.finished ? p.bold(text) : i < m.stepIndex ? text : p.dim(text)}`);
  });
  if (to < m.steps.length) lines.push(p.dim(`  · steps ${to + 1}-${m.steps.length} to come`));
  if (m.weight !== null) {
    const filled = Math.round((m.weight / 100) * BAR);
    lines.push(`  weight ${p.cyan('█'.repeat(filled))}${p.dim('░'.repeat(BAR - filled))} ${m.weight}% canary`);
  }
  for (const x of m.metrics) {
    const colour = x.phase === 'Successful' ? p.green : x.phase === 'Failed' ? p.red : p.yellow;
    const c = x.counts;
    lines.push(`  ${x.metric} ${colour(x.phase)} ${x.value ?? ''} ${p.dim(`✔${c.successful} ✖${c.failed} ?${c.inconclusive} ⚠${c.error}, ${formatDuration(Math.max(0, now - x.at))} ago`)}`);
  }
  for (const n of m.notes) lines.push(p.yellow(`  ${n}`));
  return lines.map((l) => truncate(l, width));
}

/** Which steps fit in `room` lines, keeping the current one and those around it. */
function stepWindow(count: number, current: number, room: number): [number, number] {
  if (count <= room) return [0, count];
  const shown = Math.max(1, room - 2); // two lines for the "done" and "to come" summaries
  const from = Math.max(0, Math.min(current - 1, count - shown));
  return [from, Math.min(count, from + shown)];
}

function activityLine(m: LiveModel, now: number): string {
  if (m.finished) return m.finished;
  if (m.pause) {
    if (m.pause.inconclusive) return `paused: inconclusive analysis (${hintCommand('promote', m.hint)} / ${hintCommand('abort', m.hint)})`;
    if (m.pause.until === null) return `paused until ${hintCommand('promote', m.hint)}`;
    return `paused: ${formatDuration(Math.max(0, m.pause.until - now))} left`;
  }
  if (m.waiting) return `waiting for ${waitedFor(m.waiting)} pods: ${m.waiting.ready}/${m.waiting.desired} available${m.waiting.problem ? ` (${m.waiting.problem})` : ''}`;
  const step = m.steps[m.stepIndex];
  return step && m.activity.startsWith('step') ? `${m.activity}: ${step.text}` : m.activity;
}

/** Cuts visible text to the terminal width, leaving escape sequences intact. */
function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      if (end > i) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width - 1) return `${out}…${line.includes('\u001b') ? '\u001b[0m' : ''}`;
    out += line[i];
    visible++;
  }
  return out;
}
