/**
 * Entry point. Parses argv, runs one command, and is the ONLY place where outcomes and errors
 * become exit codes and where unexpected failures are reported.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { CanaryError, messageOf } from '../util/errors.js';
import { plainPalette } from '../util/palette.js';
import { write, type Io, type OutStream } from '../contract/io.js';
import type { Outcome } from '../contract/outcome.js';
import type { Invocation, Verb } from '../contract/verb.js';
import { exitCodeOf, outcomeOfError } from './exit-codes.js';
import { COMPLETE, completionFor, FILES } from './complete.js';
import { buildProgram } from './program.js';
import { stdStream } from './std-stream.js';

export type CommandModule = { default: Verb };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  lint: () => import('../commands/lint.js'),
  run: () => import('../commands/run.js'),
  status: () => import('../commands/status.js'),
  abort: () => import('../commands/abort.js'),
  promote: () => import('../commands/promote.js'),
  retry: () => import('../commands/retry.js'),
  analyze: () => import('../commands/analyze.js'),
  history: () => import('../commands/history.js'),
  completion: () => import('../commands/completion.js'),
};

/** The commands, for cli/boot.ts's code caches. */
export const VERBS: readonly string[] = Object.keys(COMMANDS);

export async function main(argv: readonly string[], base: Partial<Io> = {}): Promise<number> {
  const env = base.env ?? process.env;
  // Taken when first used, and Node's streams only for a terminal (std-stream.ts): each costs
  // about 3.5 ms to create (docs/benchmarks.md).
  let stdout: OutStream | undefined;
  let stderr: OutStream | undefined;
  const io0 = {
    get stdout() {
      return (stdout ??= base.stdout ?? stdStream(1, () => process.stdout));
    },
    get stderr() {
      return (stderr ??= base.stderr ?? stdStream(2, () => process.stderr));
    },
    env,
    cwd: base.cwd ?? process.cwd(),
  };
  let outcome: Outcome = 'ok';
  let errPalette = plainPalette;

  const dispatch = async (inv: Invocation): Promise<Outcome> => {
    const { paletteFor } = await import('./palette.js');
    const io: Io = {
      ...io0,
      palette: base.palette ?? (await paletteFor(io0.stdout, env, !inv.global.color)),
      errPalette: base.errPalette ?? (await paletteFor(io0.stderr, env, !inv.global.color)),
      exitCodeOf,
    };
    errPalette = io.errPalette;
    const mod = await COMMANDS[inv.verb]!();
    return mod.default(inv, io);
  };

  const name = programName(argv);
  if (argv[2] === COMPLETE) return complete(argv.slice(3), io0, name);
  const program = buildProgram(readVersion(), name, dispatch, (o) => (outcome = o), io0, argv[2]);

  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCodeOf(outcome);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (err.exitCode === 0) return 0;
      write(io0.stderr, `Run "${name} --help" for usage.`);
      return exitCodeOf('usage');
    }
    if (err instanceof CanaryError) {
      write(io0.stderr, `${errPalette.red('error:')} ${err.message}`);
      if (err.hint) write(io0.stderr, `${errPalette.dim('hint:')} ${err.hint}`);
      return exitCodeOf(outcomeOfError(err.kind));
    }
    write(io0.stderr, `${errPalette.red('internal error:')} ${messageOf(err)}`);
    if (env.CANARY_DEBUG && err instanceof Error && err.stack) write(io0.stderr, err.stack);
    write(io0.stderr, 'This is a bug in canary. Please report it with the command you ran (set CANARY_DEBUG=1 for a stack trace).');
    return exitCodeOf('internal');
  }
}

const SINK: OutStream = { write: () => true };

/** The shell completion scripts' question: what may follow these words (cli/complete.ts). Never fails. */
async function complete(words: readonly string[], io: Pick<Io, 'stdout' | 'env'>, name: string): Promise<number> {
  const program = buildProgram(readVersion(), name, async () => 'ok', () => undefined, { stdout: SINK, stderr: SINK });
  const c = completionFor(program, words.length ? words : ['']);
  let lines: string[];
  switch (c.kind) {
    case 'words':
      lines = c.words;
      break;
    case 'files':
      lines = [FILES];
      break;
    default: {
      const { clusterWords } = await import('../commands/complete-cluster.js');
      lines = await clusterWords(c.kind, c.global, io.env);
    }
  }
  if (lines.length) io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `kubectl canary ...` runs us as kubectl-canary: say so in help and messages. */
function programName(argv: readonly string[]): string {
  const bin = argv[1] ? basename(argv[1]) : 'canary';
  return bin.startsWith('kubectl-canary') ? 'kubectl canary' : 'canary';
}

function readVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    // dist/src/cli/main.js and src/cli/main.ts both sit three levels below the package root.
    const pkg = JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
