/**
 * What the built binary loads of Node before it answers, output piped as in a CI log: `canary
 * --help` and `canary lint` create neither process.stdout nor process.stderr (node:stream, node:net,
 * node:tty: about 7 ms of a 40 ms `node -e ""`, src/cli/std-stream.ts, issue 15), and their output
 * still arrives whole.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../support/harness.js';
import { runProcess } from '../support/process.js';

let dir: string;
let preload: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'canary-start-up-'));
  preload = join(dir, 'loaded.cjs');
  // Written at exit, after everything canary wrote: the builtins the process loaded.
  writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(join(dir, 'loaded.txt'))}, process.moduleLoadList.join('\\n')));\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadedBy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; builtins: string[] }> {
  const r = await runProcess(process.execPath, ['--require', preload, BIN, ...args], { env: { PATH: process.env.PATH, HOME: dir }, cwd: ROOT });
  const builtins = readFileSync(join(dir, 'loaded.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('NativeModule '))
    .map((l) => l.slice('NativeModule '.length));
  return { ...r, builtins };
}

describe('start-up of one-shot commands, output piped', () => {
  it.each([
    [['--help'], /Usage: canary \[options\] \[command\]/],
    [['lint', 'examples/seed/'], /0 errors, 0 warnings in 3 files/],
  ])('canary %j writes all it has to say without creating Node stream objects', async (args, expected) => {
    const r = await loadedBy(args as string[]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
    expect(r.stderr).toBe('');
    expect(r.builtins.filter((m) => ['stream', 'net', 'tty', 'internal/fs/sync_write_stream'].includes(m))).toEqual([]);
  });

  it('a usage error still reaches stderr', async () => {
    const r = await loadedBy(['stauts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'stauts'[\s\S]*Run "canary --help" for usage\./);
  });
});
