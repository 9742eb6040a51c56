/** What a command may touch of the process: streams, environment, terminal facts. Injected for tests. */
import type { Palette } from '../util/palette.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colours for text written to stdout (chalk, or plain under --no-color, NO_COLOR or a pipe). */
  palette: Palette;
  /** Colours for text written to stderr. */
  errPalette: Palette;
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
