/**
 * The header of `canary status NAME`, laid out as kubectl-argo-rollouts' `get rollout`
 * (`%-17s%v`): what it is, how it is doing, what to do, where the steps and weights are, who drives it.
 */
import type { Palette } from '../util/palette.js';
import type { StatusView } from './model.js';
import { paint, statusText, widthBudget, type RenderOptions } from './style.js';
import { truncateMiddle, width, wrap } from './text.js';
import { formatAge, formatRemaining } from './time.js';

const LABEL = 17;

interface Field {
  label: string;
  /** One entry per line; each is wrapped (or, for `cut`, truncated) to the budget. */
  lines: string[];
  cut?: boolean;
  style?: (s: string, p: Palette) => string;
}

export function renderHeader(view: StatusView, palette: Palette, options: RenderOptions = {}): string[] {
  const budget = widthBudget(options);
  const room = budget === null ? null : budget - LABEL;
  const out: string[] = [];
  for (const f of fields(view, room)) {
    const lines = f.lines.flatMap((l) => (room === null || l === '' ? [l] : f.cut ? [truncateMiddle(l, room)] : wrap(l, room)));
    lines.forEach((l, i) => {
      const label = i === 0 ? f.label.padEnd(LABEL) : ' '.repeat(LABEL);
      out.push((label + (f.style && l ? f.style(l, palette) : l)).trimEnd());
    });
  }
  return out;
}

function fields(view: StatusView, room: number | null): Field[] {
  const s = view.status;
  const dash = (v: number | null) => (v === null ? '-' : String(v));
  const out: Field[] = [
    { label: 'Name:', lines: [view.name] },
    { label: 'Namespace:', lines: [view.namespace] },
    { label: 'Status:', lines: [`${s.icon} ${s.phase}`], style: (t, p) => paint(s.icon, t, p) },
    { label: 'Message:', lines: [statusText(s)] },
  ];
  if (s.next) out.push({ label: 'Next:', lines: [s.next] });
  out.push({ label: 'Strategy:', lines: [view.strategy] });
  // Argo's header has Step and weights for a canary only; a blue-green rollout moves Services instead.
  if (view.strategy === 'Canary') {
    out.push(
      { label: '  Step:', lines: [view.step?.label ?? '-'] },
      { label: '  SetWeight:', lines: [dash(view.setWeight)] },
      { label: '  ActualWeight:', lines: [dash(view.actualWeight.value)] },
    );
  } else {
    for (const s of view.services) out.push({ label: `  ${s.role === 'activeService' ? 'Active' : 'Preview'}:`, lines: [`${s.name} -> ${s.selects === null ? '-' : `${s.selects} Deployment`}`] });
  }
  out.push(
    { label: 'Images:', lines: images(view, room), cut: true },
    { label: 'Replicas:', lines: [''] },
    { label: '  Desired:', lines: [String(view.replicas.desired)] },
    { label: '  Current:', lines: [String(view.replicas.current)] },
    { label: '  Updated:', lines: [String(view.replicas.updated)] },
    { label: '  Ready:', lines: [String(view.replicas.ready)] },
    { label: '  Available:', lines: [String(view.replicas.available)] },
    { label: 'Runner:', lines: [view.runner.text], style: view.runner.state === 'lost' ? (t, p) => p.red(t) : undefined },
    { label: 'State:', lines: [stateLine(view)] },
  );
  if (view.scaleDown) out.push({ label: 'Scale-down:', lines: [scaleDownLine(view.scaleDown)] });
  for (const r of view.pendingRequests) {
    out.push({ label: 'Request:', lines: [`${r.kind} by ${r.by || 'unknown'} ${formatAge(r.agoMs)} ago, not handled yet${r.reason ? `: ${r.reason}` : ''}`] });
  }
  if (view.lastEvent) {
    const e = view.lastEvent;
    // Some messages already begin with their reason ("ProgressDeadlineExceeded: ...").
    const message = e.message.startsWith(`${e.reason}: `) ? e.message.slice(e.reason.length + 2) : e.message;
    out.push({ label: 'Last event:', lines: [`${e.reason} ${formatAge(e.agoMs)} ago: ${message}`] });
  }
  return out;
}

/** An image and its tags; when cut to fit, the middle of the image goes, never the tags or the image's tag. */
function images(view: StatusView, room: number | null): string[] {
  if (view.images.length === 0) return ['-'];
  return view.images.map(({ image, tags }) => {
    const suffix = tags.length ? ` (${tags.join(', ')})` : '';
    const fit = room === null ? image : truncateMiddle(image, Math.max(8, room - width(suffix)));
    return fit + suffix;
  });
}

function scaleDownLine(sd: NonNullable<StatusView['scaleDown']>): string {
  const when = sd.remainingMs > 0 ? `in ${formatRemaining(sd.remainingMs)}` : 'due now';
  return sd.by === 'runner'
    ? `canary to 0 ${when} (${sd.delay}), by the runner`
    : `canary to 0 ${when} (${sd.delay}), left to the next canary command for this rollout`;
}

function stateLine(view: StatusView): string {
  const run = view.run;
  if (!run) return view.revisionWanted ? `no run of revision ${view.revisionWanted} recorded yet` : 'no run recorded';
  const ended = run.finishedAgoMs === null ? '' : `, ended ${formatAge(run.finishedAgoMs)} ago`;
  return `run ${run.id} of revision ${run.revision}: started ${formatAge(run.ageMs)} ago, updated ${formatAge(run.updatedAgoMs)} ago${ended}`;
}
