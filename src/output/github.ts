/**
 * GitHub Actions: a Markdown summary of the run for $GITHUB_STEP_SUMMARY (steps, weights over time,
 * measurements) and an `::error::` annotation for a failure. Pure: the printer writes them.
 */
import type { RunEvent } from '../engine/events.js';
import type { FinalLine } from './verdict.js';
import { runReport } from './report.js';
import { markdownReport } from './report-markdown.js';

/** The step summary: the run's Markdown report (report-markdown.ts). */
export function githubSummary(events: readonly RunEvent[], f: FinalLine, now = events.at(-1)?.at ?? 0): string {
  return markdownReport(runReport(events, f, now));
}

/** `::error title=...::message` (GitHub's workflow command; newlines and % escaped as it requires). */
export function githubErrorAnnotation(f: FinalLine): string | null {
  if (f.verdict === 'promoted' || f.verdict === 'deployed' || f.verdict === 'unchanged') return null;
  const msg = `${f.namespace}/${f.name} revision ${f.revision} ${f.verdict} at step ${f.step}: ${f.reason}`;
  return `::error title=canary ${f.verdict}::${msg.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
}

