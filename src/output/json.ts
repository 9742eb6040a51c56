/**
 * `-o json`: one JSON object per line on stdout. Field names are stable (docs/run-events.md):
 * `type` is the event kind, `time` an ISO timestamp, `rollout` "namespace/name"; the other fields
 * are the event's own. The last line is always `{"type":"result", ...}` with the exit code.
 */
import type { RunEvent } from '../engine/events.js';
import type { FinalLine } from './verdict.js';
import { isoTime } from './words.js';

export function eventJson(e: RunEvent, rollout: string): string {
  const { kind, at, ...rest } = e;
  return JSON.stringify({ type: kind, time: isoTime(at), rollout, ...rest });
}

export function resultJson(f: FinalLine, exitCode: number, at: number): string {
  return JSON.stringify({
    type: 'result',
    time: isoTime(at),
    rollout: `${f.namespace}/${f.name}`,
    verdict: f.verdict,
    exitCode,
    revision: f.revision,
    step: f.step,
    durationMs: f.durationMs,
    reason: f.reason,
  });
}
