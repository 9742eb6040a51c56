/**
 * Tests print nothing on success (issue 16 item 9): a test that writes to the console fails, naming
 * what it wrote. Figures and timings go to a file (TEST_FIGURES) or to `npm run bench`, never to the log.
 */
import { afterEach, beforeEach } from '@jest/globals';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
const written: string[] = [];
const originals = new Map<string, (...args: unknown[]) => void>();

beforeEach(() => {
  written.length = 0;
  for (const m of METHODS) {
    originals.set(m, console[m]);
    console[m] = (...args: unknown[]) => {
      written.push(`console.${m}: ${args.map(String).join(' ').slice(0, 200)}`);
    };
  }
});

afterEach(() => {
  for (const m of METHODS) console[m] = originals.get(m)! as (typeof console)[typeof m];
  if (written.length) throw new Error(`this test wrote to the console (tests print nothing on success):\n${written.join('\n')}`);
});
