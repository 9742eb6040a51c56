/**
 * A run cut short by a rollback or a skipped step did not pass: it is shown as Terminated with its
 * measurements so far, never as the Successful phase Argo's termination leaves it in. (Its own file:
 * status renders it without loading the condition language that run.ts needs.)
 */
import type { AnalysisRun } from './types.js';

export function wasTerminated(run: Pick<AnalysisRun, 'phase' | 'terminatedBy'>): boolean {
  return run.phase === 'Successful' && (run.terminatedBy === 'rollback' || run.terminatedBy === 'skip');
}
