/**
 * `npm test` prints nothing on success (issue 16 item 9), checked on jest itself as `npm test` runs
 * it: the file that used to print a 30-line kubectl timing table passes with jest's own lines only,
 * and a test that writes to the console fails, naming what it wrote (test/support/quiet.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/harness.js';
import { runProcess } from '../support/process.js';

/** jest with the unit config, as `npm test -- ARGS` runs it, without a terminal. */
function jest(args: string[]) {
  return runProcess(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', 'jest.config.js', '--verbose=false', '--colors=false', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: '1', NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning' },
  });
}

/** What jest itself prints for a run without --verbose. */
const JEST_LINE = /^(PASS|FAIL) \S+|^(Test Suites|Tests|Snapshots|Time):|^Ran all test suites/;

describe('npm test is quiet on success', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'canary-quiet-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the kubectl compatibility test (once a timing table) prints jest\'s lines only', async () => {
    const r = await jest(['test/sandbox/api/__tests__/kubectl.test.ts']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines.filter((l) => !JEST_LINE.test(l))).toEqual([]);
    expect(lines[0]).toMatch(/^PASS test\/sandbox\/api\/__tests__\/kubectl\.test\.ts/);
  }, 180_000);

  it('a test that writes to the console fails, naming what it wrote', async () => {
    const file = join(dir, 'noisy.test.ts');
    writeFileSync(file, "it('prints a table', () => {\n  console.log('kubectl get pods: 12 ms');\n});\n");
    // An ES module, as the project's tests are.
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    const r = await jest(['--roots', dir, '--rootDir', ROOT, file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/this test wrote to the console \(tests print nothing on success\):\n\s*console\.log: kubectl get pods: 12 ms/);
  }, 120_000);
});
