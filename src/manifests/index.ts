/** The spec pipeline: load (YAML with positions) -> read documents (typed, defaults) -> rules. */
import { readDocuments, type SkippedDocument } from './documents.js';
import { sortIssues, type Issue } from './issues.js';
import { loadManifests } from './load.js';
import { validate, type Rule, type RuleContext } from './rules.js';
import type { SpecSet } from './types.js';

export type { SkippedDocument } from './documents.js';
export type { RuleContext } from './rules.js';

export interface SpecResult {
  spec: SpecSet;
  /** Every problem found, errors and warnings, sorted by file and position. */
  issues: Issue[];
  /** Documents of other kinds, reported and not used. */
  skipped: SkippedDocument[];
}

/** `rules`: checks from above this layer (the routers' capabilities), run after the manifests' own. */
export async function loadSpec(paths: readonly string[], ctx: RuleContext, options: { recursive?: boolean; cwd?: string; rules?: readonly Rule[] } = {}): Promise<SpecResult> {
  const loaded = await loadManifests(paths, options);
  const issues = [...loaded.issues];
  const { spec, skipped } = readDocuments(loaded.docs, loaded.files, issues);
  issues.push(...validate(spec, ctx), ...validate(spec, ctx, options.rules ?? []));
  return { spec, issues: mergeRepeats(sortIssues(dedupe(issues))), skipped };
}

/**
 * The same unsupported feature written in several places of a file (an experiment in three steps,
 * the Job provider in two metrics) is one problem: reported at its first place, naming the others.
 */
function mergeRepeats(issues: Issue[]): Issue[] {
  const first = new Map<string, { issue: Issue; lines: number[] }>();
  const out: Issue[] = [];
  for (const i of issues) {
    if (!i.message.startsWith('not supported by canary:')) {
      out.push(i);
      continue;
    }
    const key = `${i.file}\u0000${i.message}`;
    const seen = first.get(key);
    if (seen) {
      seen.lines.push(i.line);
      continue;
    }
    const copy = { ...i };
    first.set(key, { issue: copy, lines: [] });
    out.push(copy);
  }
  for (const { issue, lines } of first.values()) {
    if (lines.length) issue.message += ` (also at line${lines.length > 1 ? 's' : ''} ${listOf(lines)})`;
  }
  return out;
}

function listOf(items: readonly number[]): string {
  return items.length === 1 ? String(items[0]) : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.file}:${i.line}:${i.col}:${i.path}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
