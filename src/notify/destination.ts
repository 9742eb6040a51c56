/** Where a notification goes: one HTTP endpoint, the body it takes, and what must never be printed of it. */
import type { Trigger } from './triggers.js';

export interface Destination {
  /** How messages name it; never holds a secret (`webhook https://example.com/…`, `Argo service slack, channel deploys`). */
  label: string;
  url: string;
  headers: Record<string, string>;
  /** json: canary's event (docs/notifications.md); slack: an incoming webhook's message; slackApi: chat.postMessage to `channel`. */
  format: 'json' | 'slack' | 'slackApi';
  channel?: string;
  /** Extra fields of a Slack message (username, icon). */
  slackExtras?: Record<string, string>;
  insecure: boolean;
  /** The triggers it is subscribed to; null: every one (`--notify`). */
  triggers: ReadonlySet<Trigger> | null;
  /** Retries after the first try, and the wait between them (Argo's webhook defaults: 3, 1 s to 5 s). */
  retry: { max: number; waitMinMs: number; waitMaxMs: number };
  /** Values that must never reach a message: the URL and its parts, tokens, passwords. */
  secrets: string[];
}

export const DEFAULT_RETRY = { max: 3, waitMinMs: 1_000, waitMaxMs: 5_000 } as const;

/** `https://hooks.slack.com/…`: scheme and host only; paths and queries of webhook URLs carry tokens. */
export function displayUrl(url: URL): string {
  const rest = url.pathname !== '/' || url.search || url.hash ? '/…' : '';
  return `${url.protocol}//${url.host}${rest}`;
}

/** The parts of a URL that may be a credential, for the redactor. */
export function urlSecrets(url: URL): string[] {
  const out = [url.href, url.username, url.password, url.search.slice(1), ...url.searchParams.values()];
  if (url.pathname.length > 1) out.push(url.pathname, ...url.pathname.split('/').filter((s) => s.length >= 6));
  return out.filter((s) => s.length > 0);
}

/** `--notify URL`: canary's JSON event for every trigger, or a Slack message for a Slack incoming webhook. */
export function notifyFlag(value: string): Destination | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `--notify ${value.length > 12 ? `${value.slice(0, 12)}…` : value}: not a URL (give an http:// or https:// webhook URL)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--notify ${displayUrl(url)}: not an http:// or https:// URL`;
  const slack = url.hostname === 'hooks.slack.com';
  return {
    label: `${slack ? 'Slack webhook' : 'webhook'} ${displayUrl(url)}`,
    url: url.href,
    headers: {},
    format: slack ? 'slack' : 'json',
    insecure: false,
    triggers: null,
    retry: { ...DEFAULT_RETRY },
    secrets: urlSecrets(url),
  };
}
