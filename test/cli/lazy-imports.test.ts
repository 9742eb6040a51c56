/**
 * `canary --help` must not load @kubernetes/client-node or axios (~0.9 s of start-up together).
 * Walks the static import graph from the entry point; dynamic import() edges are the lazy ones.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const HEAVY = ['@kubernetes/client-node', 'axios', 'ora'];

function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  // `import x from 'y'`, `import { a } from 'y'`, `export ... from 'y'`, `import 'y'`; type-only imports are erased.
  const re = /^\s*(import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) out.push(m[2]!);
  return out;
}

function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const ts = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(ts)) visit(ts);
      } else {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  };
  visit(entry);
  return { files, packages };
}

describe('start-up path', () => {
  it('loads neither client-node, axios nor ora before a command runs', () => {
    const { packages, files } = graph(join(process.cwd(), 'src/cli/main.ts'));
    for (const heavy of HEAVY) expect(packages).not.toContain(heavy);
    expect(files.size).toBeGreaterThan(3);
    expect(packages).toContain('commander');
  });
});
