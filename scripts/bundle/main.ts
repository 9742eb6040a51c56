/**
 * `npm run build`'s second half (node dist/scripts/bundle/main.js): what bin/canary.js loads. tsc's output is one ES module per source
 * file, and a command resolved, read and compiled ~140 of them (plus yaml, commander, chalk) before
 * its first request: ~80 ms of module loading, the largest part of `canary status` and `canary lint`
 * (docs/benchmarks.md, issue 15). esbuild (a devDependency: nothing of it ships) joins them into
 *
 * - dist/src/cli/canary.cjs: the CLI and its dependencies in one CommonJS file, so that
 *   src/cli/boot.ts can compile it with V8's code cache (Node 20 has none for ES modules). The
 *   commands stay lazy: esbuild runs a dynamically imported module's top level only when it is
 *   imported. @kubernetes/client-node stays outside (required only for exec/auth-provider plugins
 *   and proxy-url). Its source map (src/ paths, no sources) serves CANARY_DEBUG's stack traces.
 * - dist/src/cli/boot.cjs: src/cli/boot.ts as CommonJS, for bin/canary.js.
 *
 * The bundle opens with `// canary-bundle <hash of its content>`, which names its code caches.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

// A checkout that predates esbuild in devDependencies has no node_modules/esbuild until `npm ci`.
const { build } = await import('esbuild').catch((err: unknown) => {
  process.stderr.write(`npm run build: esbuild is not installed (a devDependency since the bundle came in): run \`npm ci\`\n(${String(err)})\n`);
  process.exit(1);
});

const ROOT = process.cwd();
const OUT = join(ROOT, 'dist', 'src', 'cli');
const PLACEHOLDER = '0'.repeat(16);
const require = createRequire(import.meta.url);

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'cjs',
  // Short local names too: a quarter less source to read and decode at every start, and a smaller
  // code cache to deserialize (about 4 ms of each command on a 2-core VM, docs/benchmarks.md).
  // keepNames: functions and classes keep their `name` (errors take theirs from new.target.name).
  // Stack traces are read through the source map (CANARY_DEBUG=1).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  keepNames: true,
  legalComments: 'none',
  charset: 'ascii',
  logLevel: 'warning',
  write: false,
};

/**
 * Modules that most commands never call, made lazy in the bundle: a module that imports them gets
 * functions that require the real one on their first call.
 * - Builtins: commander requires child_process at its top for executable subcommands, which canary
 *   has none of; the routers import crypto for digests that lint never computes; the manifest loader
 *   imports fs/promises, which loads readline. Each costs 1-2 ms of CPU to compile at start-up.
 * - The YAML library: a fallback for what util/yaml-subset.ts does not read, and `-o yaml`. Running
 *   its modules' top level cost `canary status` and `canary lint` ~1.5 ms (docs/benchmarks.md).
 * Only functions are offered, a class as a function that constructs it: importing anything else (a
 * constant, a namespace, a default export) fails the build, not a run.
 */
const LAZY = /^((node:)?(crypto|fs\/promises|child_process)|yaml)$/;

const lazyModules: Plugin = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: LAZY }, (args) =>
      args.namespace === 'lazy' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const builtin = isBuiltin(args.path);
      const id = builtin ? `node:${args.path}` : args.path;
      const real = require(id) as Record<string, unknown>;
      const names = Object.keys(real).filter((k) => typeof real[k] === 'function' && /^[A-Za-z][A-Za-z0-9]*$/.test(k));
      const lines = [`let m;`, `const load = () => (m ??= require('${id}'));`];
      for (const n of names) {
        // Builtins' capitalised exports are classes whose instances are compared (instanceof): not offered.
        if (/^[A-Z]/.test(n) && builtin) continue;
        lines.push(/^[A-Z]/.test(n) ? `export function ${n}(...a) { return new (load().${n})(...a); }` : `export function ${n}(...a) { return load().${n}(...a); }`);
      }
      // A package is then bundled from here, where its require() runs.
      return { contents: lines.join('\n'), loader: 'js', resolveDir: ROOT };
    });
  },
};

async function bundleCli(): Promise<void> {
  const result = await build({
    ...common,
    entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
    outfile: join(OUT, 'canary.cjs'),
    external: ['@kubernetes/client-node'],
    // import() becomes require(): code V8 takes from its cache has lost the callback a dynamic
    // import needs ("A dynamic import callback was not specified"), and Node 20.19+ requires ES
    // modules (client-node) without one.
    supported: { 'dynamic-import': false },
    plugins: [lazyModules],
    sourcemap: 'linked',
    sourcesContent: false,
    // main.ts finds package.json from its own path; the bundle sits where main.js does.
    inject: [join(ROOT, 'scripts', 'bundle', 'import-meta-url.ts')],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: `// canary-bundle ${PLACEHOLDER}` },
  });
  for (const file of result.outputFiles ?? []) {
    if (!file.path.endsWith('.cjs')) {
      writeFileSync(file.path, file.contents);
      continue;
    }
    const text = file.text;
    // boot.ts reads the bundle as latin1, which is only the same string as UTF-8 for ASCII.
    const nonAscii = /[^\x00-\x7f]/.exec(text);
    if (nonAscii) throw new Error(`bundle: ${file.path} holds a non-ASCII character at ${nonAscii.index}: ${JSON.stringify(text.slice(nonAscii.index - 40, nonAscii.index + 40))}`);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    // Same length as the placeholder: the source map's positions still hold.
    writeFileSync(file.path, text.replace(`// canary-bundle ${PLACEHOLDER}`, `// canary-bundle ${hash}`));
  }
}

async function bundleBoot(): Promise<void> {
  const result = await build({ ...common, entryPoints: [join(ROOT, 'src', 'cli', 'boot.ts')], outfile: join(OUT, 'boot.cjs') });
  for (const file of result.outputFiles ?? []) writeFileSync(file.path, file.contents);
}

await Promise.all([bundleCli(), bundleBoot()]);
