/**
 * How a verb ends. Commands return one (or throw a CanaryError); src/cli turns it into the process
 * exit code with its one table (cli/exit-codes.ts), which must list every outcome.
 */
export type Outcome =
  /** promoted, healthy, or nothing to do */
  | 'ok'
  /** rolled back by analysis or the progress deadline (also: status saw Degraded) */
  | 'rolledBack'
  /** invalid spec or usage */
  | 'usage'
  /** aborted by a person (canary abort, SIGINT/SIGTERM) */
  | 'aborted'
  /** cluster or metric provider unreachable, API not served, or forbidden */
  | 'unreachable'
  /** another runner holds the lock */
  | 'locked'
  /** timed out waiting */
  | 'timeout'
  /** paused (indefinite pause or inconclusive analysis) with --exit-on-pause */
  | 'paused'
  /** refused: the revision was rolled back before (`canary retry` or a new revision) */
  | 'refused'
  /** a bug in canary */
  | 'internal';
