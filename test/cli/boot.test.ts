/**
 * src/cli/boot.ts: the bundle loaded as CommonJS with V8's code cache, one cache per command, and
 * every failure of the cache a plain compile.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleHash, CACHE_MAX_AGE_MS, cacheDir, cacheKey, CACHED_COMMANDS, commandOf, loadBundle, CLUSTER_COMMANDS } from '../../src/cli/boot.js';
import { COMPLETE } from '../../src/cli/complete.js';
import { VERBS } from '../../src/cli/main.js';

const BUNDLE = `// canary-bundle 0123456789abcdef
"use strict";
const { basename } = require("node:path");
exports.main = async (argv) => argv.length + basename(__filename).length;
exports.strict = (function () { return this === undefined; })();
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'canary-boot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// A new folder each time: V8 keeps what it compiled per source and file name for the life of the
// process, and would answer a second compile of the same file without looking at the cache.
let copies = 0;
const bundle = (text = BUNDLE): string => {
  const file = join(dir, `copy-${copies++}`, 'canary.cjs');
  mkdirSync(dirname(file));
  writeFileSync(file, text);
  return file;
};

describe('commandOf', () => {
  it('is the command named on the command line, wherever global flags put it', () => {
    expect(commandOf(['node', 'canary', 'lint', 'x.yaml'])).toBe('lint');
    expect(commandOf(['node', 'canary', '--context', 'kind', '-n', 'apps', 'status', 'myapp'])).toBe('status');
    expect(commandOf(['node', 'canary', COMPLETE, 'sta'])).toBe(COMPLETE);
  });

  it('is help without a command, and for a typo (no file per misspelling)', () => {
    expect(commandOf(['node', 'canary'])).toBe('help');
    expect(commandOf(['node', 'canary', '--help'])).toBe('help');
    expect(commandOf(['node', 'canary', 'stauts', 'myapp'])).toBe('help');
  });

  it('knows every verb of cli/main.ts and the completion word', () => {
    expect([...CACHED_COMMANDS].sort()).toEqual([...VERBS, COMPLETE].sort());
  });

  it('names only known commands as talking to the cluster, the one-shot ones among them', () => {
    for (const c of CLUSTER_COMMANDS) expect(CACHED_COMMANDS).toContain(c);
    for (const c of ['status', 'abort', 'promote']) expect(CLUSTER_COMMANDS).toContain(c);
  });
});

describe('cacheKey', () => {
  it('is the command alone without node flags, and one key per set of flags', () => {
    const argv = ['node', 'canary', 'status', 'myapp'];
    expect(cacheKey(argv)).toBe('status');
    expect(cacheKey(argv, [], '')).toBe('status');
    const vm = cacheKey(argv, [], '--experimental-vm-modules');
    expect(vm).toMatch(/^status-[0-9a-f]{8}$/);
    expect(cacheKey(argv, ['--experimental-vm-modules'], '')).toBe(vm);
    expect(cacheKey(argv, ['--max-old-space-size=100'], '')).not.toBe(vm);
  });
});

describe('cacheDir', () => {
  it('is under XDG_CACHE_HOME, else ~/.cache, one folder per node version', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe(join('/x', 'canary', `v8-${process.version}-${process.arch}`));
    expect(cacheDir({}, '/home/u')).toBe(join('/home/u', '.cache', 'canary', `v8-${process.version}-${process.arch}`));
    // A relative XDG_CACHE_HOME is invalid by the spec: not a folder under the cwd.
    expect(cacheDir({ XDG_CACHE_HOME: 'cache' }, '/home/u')).toBe(join('/home/u', '.cache', 'canary', `v8-${process.version}-${process.arch}`));
  });

  it("is off with Node's NODE_DISABLE_COMPILE_CACHE, or without a home", () => {
    expect(cacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, '/home/u')).toBeNull();
    expect(cacheDir({}, '')).toBeNull();
  });
});

describe('bundleHash', () => {
  it('reads the hash scripts/bundle writes on the first line, and nothing else', () => {
    expect(bundleHash(BUNDLE)).toBe('0123456789abcdef');
    expect(bundleHash('"use strict";\n// canary-bundle 0123456789abcdef\n')).toBeNull();
    expect(bundleHash('// canary-bundle 0123\n')).toBeNull();
  });
});

describe('loadBundle', () => {
  it('runs the bundle as a strict CommonJS module with require and __filename', async () => {
    const loaded = loadBundle(bundle(), 'lint', null);
    expect(loaded.cache).toBe('off');
    expect(await loaded.cli.main(['a', 'b'])).toBe(2 + 'canary.cjs'.length);
    expect((loaded.cli as unknown as { strict: boolean }).strict).toBe(true);
  });

  it('stores a cache per command after the first run and uses it in the next', () => {
    const cache = join(dir, 'cache');
    const first = loadBundle(bundle(), 'lint', cache);
    expect(first.cache).toBe('none');
    first.save();
    expect(readdirSync(cache)).toEqual(['0123456789abcdef-lint.bin']);
    expect(loadBundle(bundle(), 'lint', cache).cache).toBe('accepted');
    expect(loadBundle(bundle(), 'status', cache).cache).toBe('none');
  });

  it('compiles from source when the cache is damaged, and replaces it', () => {
    const cache = join(dir, 'cache');
    loadBundle(bundle(), 'lint', cache).save();
    const file = join(cache, '0123456789abcdef-lint.bin');
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    const damaged = loadBundle(bundle(), 'lint', cache);
    expect(damaged.cache).toBe('rejected');
    damaged.save();
    expect(loadBundle(bundle(), 'lint', cache).cache).toBe('accepted');
  });

  it("keeps another build's caches (two installs must not delete each other's), and removes files unused for a week", () => {
    const cache = join(dir, 'cache');
    loadBundle(bundle(), 'lint', cache).save();
    loadBundle(bundle(), 'status', cache).save();
    const weekOld = (Date.now() - CACHE_MAX_AGE_MS - 60_000) / 1000;
    utimesSync(join(cache, '0123456789abcdef-status.bin'), weekOld, weekOld);
    loadBundle(bundle(BUNDLE.replace('0123456789abcdef', 'fedcba9876543210')), 'lint', cache).save();
    expect(readdirSync(cache).sort()).toEqual(['0123456789abcdef-lint.bin', 'fedcba9876543210-lint.bin']);
    expect(loadBundle(bundle(), 'lint', cache).cache).toBe('accepted');
  });

  it('goes without a cache when it cannot be written, and without one for a bundle with no hash', async () => {
    const cache = join(dir, 'cache');
    writeFileSync(cache, 'a file where the folder should be');
    const unwritable = loadBundle(bundle(), 'lint', cache);
    expect(() => unwritable.save()).not.toThrow();
    expect(await unwritable.cli.main([])).toBe('canary.cjs'.length);
    const noHash = loadBundle(bundle(BUNDLE.replace(/^\/\/.*\n/, '')), 'lint', join(dir, 'other'));
    expect(noHash.cache).toBe('off');
    noHash.save();
    expect(() => readdirSync(join(dir, 'other'))).toThrow();
  });

});
