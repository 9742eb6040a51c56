/**
 * The chalk-backed Palette, honouring --no-color, NO_COLOR, FORCE_COLOR and whether the stream is a
 * TTY. chalk is loaded only for colours: its terminal detection loads node:tty and node:net, ~2 ms
 * of every command in a pipe or CI log (docs/benchmarks.md).
 */
import { plainPalette, type Palette } from '../util/palette.js';

export async function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColor: boolean): Promise<Palette> {
  if (noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb') return plainPalette;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (!stream.isTTY && !forced) return plainPalette;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  return {
    red: (s) => c.red(s),
    green: (s) => c.green(s),
    yellow: (s) => c.yellow(s),
    blue: (s) => c.blue(s),
    cyan: (s) => c.cyan(s),
    magenta: (s) => c.magenta(s),
    gray: (s) => c.gray(s),
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
  };
}
