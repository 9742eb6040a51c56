import { byCodeUnit } from '../util/compare.js';

/** Where a value came from: file, 1-based line/column, and the field path inside its document. */
export interface Loc {
  file: string;
  line: number;
  col: number;
  /** e.g. `spec.strategy.canary.steps[2].setWeight` */
  path: string;
}

/** Looks up where a field sits in the source: `locAt('spec.strategy.canary.steps[2]')`. */
export interface Locator {
  locAt(path: string, prefer?: 'key' | 'value'): Loc;
}

export type Severity = 'error' | 'warning';

/** One validation problem. Validation collects every issue; it never stops at the first. */
export interface Issue extends Loc {
  severity: Severity;
  message: string;
}

export function issue(severity: Severity, at: Loc, message: string): Issue {
  return { severity, file: at.file, line: at.line, col: at.col, path: at.path, message };
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** `file:line:col: path: message`, the form editors and CI annotations understand. */
export function formatIssue(i: Issue): string {
  const where = `${i.file}:${i.line}:${i.col}`;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

/** Stable order: by file, then position, errors before warnings at the same place. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) =>
      byCodeUnit(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      byCodeUnit(a.message, b.message),
  );
}
