/** One notification POST over node's http/https (providers/http.ts's exchange), its outcome as data. */
import { exchange } from '../providers/http.js';
import type { Clock } from '../util/clock.js';
import type { Destination } from './destination.js';
import type { PostResult } from './notifier.js';

const TIMEOUT_MS = 10_000;

export async function postNotification(d: Destination, body: string, clock: Clock, signal: AbortSignal): Promise<PostResult> {
  let outcome;
  try {
    outcome = await exchange(
      { method: 'POST', url: d.url, body, headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'canary', ...d.headers }, timeoutMs: TIMEOUT_MS, tls: { insecure: d.insecure }, maxBodyBytes: 64 * 1024 },
      clock,
      signal,
    );
  } catch (err) {
    return { ok: false, error: (err as Error).message, retryable: false };
  }
  switch (outcome.kind) {
    case 'response': {
      const { status } = outcome;
      if (status < 200 || status >= 300) {
        return { ok: false, error: `${status} ${outcome.statusText}${outcome.body ? `: ${outcome.body.slice(0, 200)}` : ''}`.trim(), retryable: status === 429 || status >= 500 };
      }
      // chat.postMessage answers 200 with {"ok": false, "error": "channel_not_found"}.
      if (d.format === 'slackApi') {
        const answer = safeJson(outcome.body) as { ok?: boolean; error?: string } | null;
        if (!answer?.ok) return { ok: false, error: `Slack: ${answer?.error ?? 'not ok'}`, retryable: answer?.error === 'ratelimited' };
      }
      return { ok: true };
    }
    case 'timeout':
      return { ok: false, error: `no answer within ${outcome.afterMs / 1000}s`, retryable: true };
    case 'too-large':
      return { ok: true };
    case 'unreachable':
      return { ok: false, error: outcome.message, retryable: true };
    case 'failed':
      return { ok: false, error: outcome.message, retryable: false };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
