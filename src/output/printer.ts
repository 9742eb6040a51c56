/**
 * Where a run's events go: a live view on a terminal (ora spinner, redrawn at most every 200 ms),
 * one plain line per event otherwise, or JSON Lines with `-o json` (human lines then go to stderr).
 * In GitHub Actions the summary is appended to $GITHUB_STEP_SUMMARY and a failure is annotated.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import type { Ora } from 'ora';
import type { OutStream } from '../contract/io.js';
import type { RunEvent } from '../engine/events.js';
import type { Clock } from '../util/clock.js';
import { forReader, type HintTarget } from '../util/hint.js';
import type { Palette } from '../util/palette.js';
import { githubErrorAnnotation, githubSummary } from './github.js';
import { runReport, type ReportFile } from './report.js';
import { htmlReport } from './report-html.js';
import { markdownReport } from './report-markdown.js';
import { eventJson, resultJson } from './json.js';
import { eventLine, formatEvent } from './line.js';
import { foldEvent, initialModel, type LiveModel } from './live-model.js';
import { renderLiveView } from './live-view.js';
import type { LiveStage } from './stages.js';
import { renderFinalLine, type FinalLine } from './verdict.js';
import { clockTime, formatDuration } from './words.js';


export interface PrinterOptions {
  mode: 'tty' | 'lines' | 'json';
  stdout: OutStream;
  stderr: OutStream;
  palette: Palette;
  errPalette: Palette;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  rollout: string;
  /** The rollout as hints name it (its name prefixes every line). */
  hint: HintTarget;
  /** `--report FILE`: the run's report, written at the end. */
  report?: ReportFile;
  /** What the live view marks off: the canary's steps or blue-green's stages (stages.ts). */
  steps: LiveStage[];
}

export interface RunPrinter {
  event(e: RunEvent): void;
  /** A line outside the event stream (preflight results, the plan, hints). */
  info(text: string): void;
  /** The verdict line, as soon as traffic is safe; a pending scale-down of the canary is counted down after it. */
  verdict(f: FinalLine): void;
  /** The end: the verdict line unless already given, the JSON result line, GitHub's summary and annotation. */
  done(f: FinalLine, exitCode: number): Promise<void>;
}

const REDRAW_MS = 200;

export async function createRunPrinter(o: PrinterOptions): Promise<RunPrinter> {
  const events: RunEvent[] = [];
  const human = o.mode === 'json' ? o.stderr : o.stdout;
  const hp = o.mode === 'json' ? o.errPalette : o.palette;
  let model: LiveModel = initialModel(o.rollout, o.steps, o.hint);
  // The reason is often the stored message: its commands get the reader's --context.
  const readable = (f: FinalLine): FinalLine => ({ ...f, reason: forReader(f.reason, o.hint) });
  let spinner: Ora | null = null;
  let ora: typeof import('ora').default | null = null;
  const stop = new AbortController();
  let dirty = false;
  let verdictGiven = false;

  // 'tty' is chosen only for a terminal, which is always a real Node stream (cli/std-stream.ts).
  const terminal = o.stdout as NodeJS.WritableStream;
  if (o.mode === 'tty') {
    ora = (await import('ora')).default;
    spinner = ora({ stream: terminal, text: 'starting', discardStdin: false, hideCursor: true }).start();
    void (async () => {
      while (!stop.signal.aborted) {
        await o.clock.sleep(REDRAW_MS, stop.signal);
        if (stop.signal.aborted) break;
        // Redraw on change, and every second for countdowns.
        if (dirty || o.clock.now() % 1000 < REDRAW_MS) redraw();
      }
    })();
  }

  function redraw(): void {
    dirty = false;
    if (!spinner) return;
    const width = Math.max(40, (o.stdout.columns ?? 80) - 2);
    const rows = o.stdout.rows ?? 40;
    spinner.text = verdictGiven ? scaleDownCountdown(model, o.clock.now()) : renderLiveView(model, o.clock.now(), o.palette, width, rows - 1).join('\n');
  }

  /** Above the spinner, as one line (the live view is gone once the verdict is printed). */
  function above(text: string): void {
    if (spinner) spinner.clear();
    writeLine(human, text);
    if (spinner) spinner.render();
  }

  const writeLine = (s: OutStream, text: string) => s.write(`${text}\n`);

  const printer: RunPrinter = {
    event(e) {
      events.push(e);
      model = foldEvent(model, e);
      switch (o.mode) {
        case 'tty': {
          dirty = true;
          if (!verdictGiven) return;
          const text = formatEvent(e, hp, o.hint);
          if (text) above(text);
          // After the verdict the spinner counts the canary's scale-down down.
          if (e.kind === 'scaleDownScheduled' && !e.left && ora && !spinner) spinner = ora({ stream: terminal, text: scaleDownCountdown(model, o.clock.now()), discardStdin: false, hideCursor: true }).start();
          if ((e.kind === 'scaledDown' || (e.kind === 'scaleDownScheduled' && e.left)) && spinner) {
            spinner.stop();
            spinner = null;
          }
          return;
        }
        case 'json': {
          writeLine(o.stdout, eventJson(e, o.rollout));
          const line = eventLine(e, o.hint, hp);
          if (line) writeLine(human, line);
          return;
        }
        case 'lines': {
          const line = eventLine(e, o.hint, hp);
          if (line) writeLine(human, line);
          return;
        }
      }
    },
    info(text) {
      above(text);
    },
    verdict(stored) {
      if (verdictGiven) return;
      const f = readable(stored);
      if (spinner) {
        spinner.stop();
        writeLine(o.stdout, renderLiveView(model, o.clock.now(), o.palette, Math.max(40, (o.stdout.columns ?? 80) - 2)).slice(1).join('\n'));
      }
      spinner = null;
      verdictGiven = true;
      writeLine(human, renderFinalLine(f, hp));
    },
    async done(stored, exitCode) {
      stop.abort();
      const f = readable(stored);
      if (!verdictGiven) printer.verdict(f);
      if (spinner) {
        spinner.stop();
        spinner = null;
      }
      if (o.mode === 'json') writeLine(o.stdout, resultJson(f, exitCode, o.clock.now()));
      if (o.env.GITHUB_ACTIONS === 'true') {
        const annotation = githubErrorAnnotation(f);
        if (annotation) writeLine(o.stdout, annotation);
      }
      if (o.report) {
        const r = runReport(events, f, o.clock.now());
        try {
          await writeFile(o.report.path, o.report.format === 'html' ? htmlReport(r) : markdownReport(r));
        } catch (err) {
          writeLine(o.stderr, `warning: could not write the report to ${o.report.path}: ${(err as Error).message}`);
        }
      }
      if (o.env.GITHUB_STEP_SUMMARY) {
        try {
          await appendFile(o.env.GITHUB_STEP_SUMMARY, githubSummary(events, f));
        } catch (err) {
          writeLine(o.stderr, `warning: could not write the GitHub step summary to ${o.env.GITHUB_STEP_SUMMARY}: ${(err as Error).message}`);
        }
      }
    },
  };
  return printer;
}

/** The spinner's text between the verdict and the canary's scale-down. */
function scaleDownCountdown(m: LiveModel, now: number): string {
  if (!m.scaleDown) return 'scaling the canary down';
  const left = Math.max(0, m.scaleDown.due - now);
  return left > 0
    ? `scaling the canary down in ${formatDuration(left)} (at ${clockTime(m.scaleDown.due)}); Ctrl+C leaves it to the next canary command`
    : 'scaling the canary down';
}
