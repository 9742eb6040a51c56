/**
 * src/cli/program.ts: a command line that starts with a verb gets a program with that verb only,
 * and must not be able to tell: the same help, the same options, the same errors as with every verb.
 */
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { CACHED_COMMANDS } from '../../src/cli/boot.js';

const VERBS = CACHED_COMMANDS.filter((c) => c !== '__complete');

function program(verb?: string): { program: Command; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const p = buildProgram('1.2.3', 'canary', async () => 'ok', () => undefined, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } as never, verb);
  return { program: p, out, err };
}

/** What parsing `argv` writes and how it ends (commander throws on help and on errors, exitOverride). */
async function parse(verb: string | undefined, argv: string[]): Promise<{ out: string; err: string; code: number | null }> {
  const p = program(verb);
  let code: number | null = null;
  try {
    await p.program.parseAsync(['node', 'canary', ...argv]);
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? -1;
  }
  return { out: p.out.join(''), err: p.err.join(''), code };
}

describe('buildProgram', () => {
  it('builds every verb without one, and for a word that is not a verb', () => {
    for (const verb of [undefined, 'help', '--kubeconfig', 'stauts']) expect(program(verb).program.commands.map((c) => c.name()).sort()).toEqual([...VERBS].sort());
  });

  it.each(VERBS)('builds only %s when the command line starts with it, with the same options and help', (verb) => {
    const one = program(verb).program;
    const all = program().program;
    expect(one.commands.map((c) => c.name())).toEqual([verb]);
    const mine = one.commands[0]!;
    const theirs = all.commands.find((c) => c.name() === verb)!;
    expect(mine.options.map((o) => o.flags)).toEqual(theirs.options.map((o) => o.flags));
    expect(mine.helpInformation()).toBe(theirs.helpInformation());
  });

  it.each([
    [['status', '--help']],
    [['status', '--bogus']],
    [['lint']],
    [['abort', 'a', 'b']],
    [['run', '--on-interrupt', 'maybe', 'x.yaml']],
  ])('%j: the same output and exit with one verb as with all', async (argv) => {
    expect(await parse(argv[0], argv)).toEqual(await parse(undefined, argv));
  });
});
