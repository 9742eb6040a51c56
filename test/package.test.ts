/** The installable package (issue 16 item 14): its npm name, binaries, build before pack, and the README saying so. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; bin: Record<string, string>; files: string[]; scripts: Record<string, string>; engines: { node: string } };
const README = readFileSync('README.md', 'utf8');

describe('the npm package', () => {
  it('is canary-rollouts (npm\'s `canary` is an unrelated package), with the binaries canary and kubectl-canary', () => {
    expect(pkg.name).toBe('canary-rollouts');
    expect(pkg.bin).toEqual({ canary: 'bin/canary.js', 'kubectl-canary': 'bin/canary.js' });
    expect(pkg.files).toEqual(['bin', 'dist/src']);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('builds itself before it is packed, and CI checks the packed tarball (npm run test:pack)', () => {
    expect(pkg.scripts.prepack).toBe('npm run -s build');
    expect(pkg.scripts['test:pack']).toBe('bash .ci/pack-check');
    expect(readFileSync('.ci/run', 'utf8')).toContain('bash .ci/pack-check');
  });

  it('the README installs and runs that package, never `npx canary`', () => {
    expect(README).toContain('npm install -g canary-rollouts');
    expect(README).toContain('npx canary-rollouts run');
    // Only where it says why not.
    expect(README.match(/npx canary(?!-rollouts)[^\n]*/g)).toEqual(["npx canary` would run something else):"]);
  });
});
