/**
 * Colours as a port: renderers are pure functions that take a Palette, so the status model and
 * every text renderer stay free of chalk. `plainPalette` is what tests, NO_COLOR and pipes get.
 */
export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const id = (s: string) => s;

export const plainPalette: Palette = {
  red: id,
  green: id,
  yellow: id,
  blue: id,
  cyan: id,
  magenta: id,
  gray: id,
  bold: id,
  dim: id,
};
