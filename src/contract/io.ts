/** What a command may touch of the process: streams, environment, terminal facts. Injected for tests. */
import type { Palette } from '../util/palette.js';
import type { Outcome } from './outcome.js';

/**
 * What canary writes output through: process.stdout or process.stderr on a terminal,
 * cli/std-stream's descriptor writer otherwise, or a test's stream.
 */
export interface OutStream {
  /** Writes all of `text`; what it returns is not used. */
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
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

export function write(stream: OutStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
