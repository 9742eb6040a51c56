/**
 * Golden files for rendered output: test/status/golden/<name>. A difference fails with both texts;
 * `UPDATE_GOLDEN=1 npm test -- test/status` rewrites them (review the diff before committing).
 * A missing file fails too, so a golden test can never pass by writing its own expectation.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./golden/', import.meta.url));

export function expectGolden(file: string, actual: string): void {
  const path = DIR + file;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run UPDATE_GOLDEN=1 npm test -- test/status and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** Lines wider than `max` code points (icons and blocks count one column, as in the renderers). */
export function overWidth(text: string, max = 80): string[] {
  return text.split('\n').filter((l) => [...l].length > max);
}
