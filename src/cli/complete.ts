/**
 * `canary __complete WORD...`: what the shell completion scripts (commands/completion.ts) ask for.
 * The words are those after `canary`, the last one the word being completed (maybe empty). The
 * answer is one candidate per line, or `:files` to let the shell complete file names. Verbs, flags
 * and their choices come from the commander program itself; rollout names, namespaces and contexts
 * from the cluster the typed flags point at (commands/complete-cluster.ts, loaded only then).
 */
import type { Command, Option } from 'commander';
import type { TypedGlobals } from '../contract/completion.js';

export const FILES = ':files';
/** The hidden verb the scripts call. */
export const COMPLETE = '__complete';

/** What to offer: words, file names, or names read from the kubeconfig or the cluster. */
export type Completion =
  | { kind: 'words'; words: string[] }
  | { kind: 'files' }
  | { kind: 'rollouts' | 'namespaces' | 'contexts'; global: TypedGlobals };


/** Options whose value is a file name. */
const FILE_VALUES = new Set(['--kubeconfig', '--report', '--prometheus-ca-file']);

export function completionFor(program: Command, words: readonly string[]): Completion {
  const cur = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  const global: TypedGlobals = {};
  let verb: Command | null = null;
  const positionals: string[] = [];
  for (let i = 0; i < typed.length; i++) {
    const w = typed[i]!;
    const opt = optionFor(program, verb, w);
    if (opt && (opt.required || opt.optional) && !w.includes('=')) {
      remember(global, opt, typed[i + 1]);
      i++;
      continue;
    }
    if (opt) {
      if (opt.long === '--all-namespaces') global.allNamespaces = true;
      if (w.includes('=')) remember(global, opt, w.slice(w.indexOf('=') + 1));
      continue;
    }
    if (w.startsWith('-')) continue;
    if (!verb) verb = program.commands.find((c) => c.name() === w) ?? null;
    else positionals.push(w);
  }
  const prev = typed.at(-1);
  const valueOf = prev !== undefined ? optionFor(program, verb, prev) : null;
  if (valueOf && (valueOf.required || valueOf.optional) && !prev!.includes('=')) return valuesOf(valueOf, global);
  if (cur.startsWith('-')) return { kind: 'words', words: flagsOf(program, verb) };
  if (!verb) return { kind: 'words', words: program.commands.map((c) => c.name()) };
  return positionalOf(verb, positionals.length, global);
}

function positionalOf(verb: Command, index: number, global: TypedGlobals): Completion {
  const args = verb.registeredArguments;
  const arg = args[Math.min(index, args.length - 1)];
  if (!arg || (index >= args.length && !arg.variadic)) return { kind: 'words', words: [] };
  if (arg.argChoices) return { kind: 'words', words: [...arg.argChoices] };
  if (arg.name() === 'name') return { kind: 'rollouts', global };
  if (arg.name() === 'files') return { kind: 'files' };
  return { kind: 'words', words: [] };
}

function valuesOf(opt: Option, global: TypedGlobals): Completion {
  if (opt.argChoices) return { kind: 'words', words: [...opt.argChoices] };
  if (opt.long && FILE_VALUES.has(opt.long)) return { kind: 'files' };
  if (opt.long === '--context') return { kind: 'contexts', global };
  if (opt.long === '--namespace') return { kind: 'namespaces', global };
  return { kind: 'words', words: [] };
}

function remember(global: TypedGlobals, opt: Option, value: string | undefined): void {
  if (value === undefined) return;
  if (opt.long === '--kubeconfig') global.kubeconfig = value;
  if (opt.long === '--context') global.context = value;
  if (opt.long === '--namespace') global.namespace = value;
}

/** The option a word names (`-n`, `--output`, `--output=json`), among the verb's and the global ones. */
function optionFor(program: Command, verb: Command | null, word: string): Option | null {
  if (!word.startsWith('-')) return null;
  const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  const options = [...(verb?.options ?? []), ...program.options];
  return options.find((o) => o.long === name || o.short === name) ?? null;
}

function flagsOf(program: Command, verb: Command | null): string[] {
  const options = [...(verb?.options ?? []), ...program.options].filter((o) => !o.hidden);
  const flags = options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  return [...new Set([...flags, '--help'])];
}

