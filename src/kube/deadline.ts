/**
 * A request's deadline as an AbortSignal, timed on the injected Clock like every other wait in
 * canary (a fake clock in tests decides when it fires).
 */
import type { Clock } from '../util/clock.js';
import { TransportError } from './transport.js';

/** An AbortSignal that fires after `ms` on the clock, or with the parent. */
export function deadline(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; expired(): boolean; dispose(): void } {
  const ctl = new AbortController();
  const stop = new AbortController();
  let expired = false;
  const onParent = () => ctl.abort(parent!.reason);
  if (parent?.aborted) ctl.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  void clock.sleep(ms, stop.signal).then(() => {
    if (stop.signal.aborted) return;
    expired = true;
    ctl.abort(new TransportError(`no answer within ${ms} ms`, 'DEADLINE'));
  });
  return {
    signal: ctl.signal,
    expired: () => expired,
    dispose: () => {
      stop.abort();
      parent?.removeEventListener('abort', onParent);
    },
  };
}
