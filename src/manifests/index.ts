/** The spec pipeline: load (YAML with positions) -> read documents (typed, defaults) -> rules. */
import { readDocuments, type SkippedDocument } from './documents.js';
import { sortIssues, type Issue } from './issues.js';
import { loadManifests } from './load.js';
import { validate, type RuleContext } from './rules.js';
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

export async function loadSpec(paths: readonly string[], ctx: RuleContext, options: { recursive?: boolean; cwd?: string } = {}): Promise<SpecResult> {
  const loaded = await loadManifests(paths, options);
  const issues = [...loaded.issues];
  const { spec, skipped } = readDocuments(loaded.docs, loaded.files, issues);
  issues.push(...validate(spec, ctx));
  return { spec, issues: sortIssues(dedupe(issues)), skipped };
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
