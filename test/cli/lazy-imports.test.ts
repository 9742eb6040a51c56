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
