/** The one exit code table (src/cli) is the README's and `canary --help`'s (issue 16 item 3: 8 refused). */
import { readFileSync } from 'node:fs';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { runCli } from '../support/cli.js';

const README = readFileSync('README.md', 'utf8');

describe('exit codes', () => {
  it('the README table lists every code of the table, and no other', () => {
    const section = /## Exit codes\n\n\| code \| meaning \|\n\|---\|---\|\n((?:\|.*\n)+)/.exec(README)?.[1] ?? '';
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    const codes = Object.entries(EXIT_CODES).filter(([o]) => o !== 'internal').map(([, c]) => c);
    expect(documented).toEqual(codes);
    expect(README).toMatch(/A bug in canary exits 70/);
  });

  it('keeps the existing numbers and gives the refusal of a rolled back revision the next free one', () => {
    expect(EXIT_CODES).toEqual({ ok: 0, rolledBack: 1, usage: 2, aborted: 3, unreachable: 4, locked: 5, timeout: 6, paused: 7, refused: 8, internal: 70 });
  });

  it('`canary --help` lists them', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const code of Object.values(EXIT_CODES).filter((c) => c !== 70)) expect(r.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    expect(r.stdout).toMatch(/^ {2}8 {2}refused: this revision was rolled back before \(canary retry runs it again\)$/m);
  });
});
