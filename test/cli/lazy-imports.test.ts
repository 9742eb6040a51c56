/**
 * `canary --help` must not load @kubernetes/client-node or axios (~0.9 s of start-up together).
 * Walks the static import graph from the entry point; dynamic import() edges are the lazy ones.
 */
import { join } from 'node:path';
import { loadedWith } from '../support/import-graph.js';

const HEAVY = ['@kubernetes/client-node', 'axios', 'ora'];

describe('start-up path', () => {
  it('loads neither client-node, axios nor ora before a command runs', () => {
    const { packages, files } = loadedWith(join(process.cwd(), 'src/cli/main.ts'));
    for (const heavy of HEAVY) expect(packages).not.toContain(heavy);
    expect(files.size).toBeGreaterThan(3);
    expect(packages).toContain('commander');
  });
});

describe('one-shot commands', () => {
  // status, abort and promote read and write a run's records; the engine and the condition language
  // are for the runner (docs/benchmarks.md: loading them was most of status's start-up).
  it.each(['status', 'abort', 'promote'])('canary %s loads neither the engine nor the condition language', (verb) => {
    const { files } = loadedWith(join(process.cwd(), `src/commands/${verb}.ts`));
    const rel = [...files].map((f) => f.slice(process.cwd().length + 1));
    expect(rel.filter((f) => (f.startsWith('src/expr/') && f !== 'src/expr/go-duration.ts') || f === 'src/engine/machine.ts' || f === 'src/engine/driver.ts' || f === 'src/analysis/evaluate.ts')).toEqual([]);
    expect(rel).toContain(`src/commands/${verb}.ts`);
  });
});
