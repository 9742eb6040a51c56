/**
 * The one table of exit codes (DESIGN.md section 4; the README repeats it). Commands return an
 * Outcome (src/contract) or throw a CanaryError; main.ts maps both here and nowhere else.
 */
import type { Outcome } from '../contract/outcome.js';
import type { ExitKind } from '../util/errors.js';

export const EXIT_CODES: { readonly [O in Outcome]: number } = {
  /** promoted, healthy, or nothing to do */
  ok: 0,
  /** rolled back by analysis or the progress deadline (also: status saw Degraded) */
  rolledBack: 1,
  /** invalid spec or usage */
  usage: 2,
  /** aborted by a person (canary abort, SIGINT/SIGTERM) */
  aborted: 3,
  /** cluster or metric provider unreachable, API not served, or forbidden */
  unreachable: 4,
  /** another runner holds the lock */
  locked: 5,
  /** timed out waiting */
  timeout: 6,
  /** paused (indefinite pause or inconclusive analysis) with --exit-on-pause */
  paused: 7,
  /** refused: the revision was rolled back before (`canary retry` or a new revision) */
  refused: 8,
  /** a bug in canary */
  internal: 70,
};

export function exitCodeOf(outcome: Outcome): number {
  return EXIT_CODES[outcome];
}

export function outcomeOfError(kind: ExitKind): Outcome {
  switch (kind) {
    case 'usage':
      return 'usage';
    case 'unreachable':
      return 'unreachable';
    case 'locked':
      return 'locked';
    case 'timeout':
      return 'timeout';
    case 'internal':
      return 'internal';
  }
}

/** For --help and the README. */
export const EXIT_CODE_HELP = `Exit codes:
  0  promoted, healthy, or nothing to do
  1  rolled back by analysis or the progress deadline
  2  invalid spec or usage
  3  aborted by a person (canary abort, Ctrl+C, SIGTERM)
  4  cluster or metric provider unreachable, API not served, or forbidden
  5  another runner holds the lock
  6  timed out waiting (--timeout)
  7  paused (indefinite pause or inconclusive analysis) with --exit-on-pause
  8  refused: this revision was rolled back before (canary retry runs it again)`;
