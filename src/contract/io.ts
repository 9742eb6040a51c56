/** What a command may touch of the process: streams, environment, terminal facts. Injected for tests. */
import type { Palette } from '../util/palette.js';
import type { Outcome } from './outcome.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colours for text written to stdout (chalk, or plain under --no-color, NO_COLOR or a pipe). */
  palette: Palette;
  /** Colours for text written to stderr. */
  errPalette: Palette;
  /** The exit code an outcome ends the process with (src/cli's table), for output that reports it. */
  exitCodeOf(outcome: Outcome): number;
}

/** The width a table may take: a terminal's (at least 80); none off a terminal (CI logs, pipes keep every name whole). */
export function textWidth(io: Pick<Io, 'stdout'>): { maxWidth: number | null } {
  return { maxWidth: io.stdout.isTTY ? Math.max(80, io.stdout.columns ?? 80) : null };
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
