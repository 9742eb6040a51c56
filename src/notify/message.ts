/**
 * What a notification says: the JSON a webhook receives (schema in docs/notifications.md) and the
 * Slack message (incoming webhook or chat.postMessage), from the notification and what the run is
 * (folded from its `started` event). Pure.
 */
import type { RunEvent } from '../engine/events.js';
import { TRIGGER_OF, type Notification, type NotificationKind } from './triggers.js';

export const NOTIFICATION_SCHEMA_VERSION = 1;

/** The run a notification is about, from its `started` event. */
export interface RunContext {
  namespace: string;
  name: string;
  mode: Extract<RunEvent, { kind: 'started' }>['mode'];
  revision: string;
  stableRevision: string | null;
  images: string[];
  stepCount: number;
  /** Who drives it (user@host pid N [CI job URL]). */
  runner: string;
}

export interface WebhookBody {
  schemaVersion: typeof NOTIFICATION_SCHEMA_VERSION;
  event: NotificationKind;
  /** Argo's trigger name. */
  trigger: string;
  time: string;
  rollout: { namespace: string; name: string };
  revision: string;
  stableRevision: string | null;
  images: string[];
  runner: string;
  /** One sentence, as a person would read it. */
  message: string;
  details: Notification['details'];
}

export function webhookBody(n: Notification, run: RunContext): WebhookBody {
  return {
    schemaVersion: NOTIFICATION_SCHEMA_VERSION,
    event: n.kind,
    trigger: TRIGGER_OF[n.kind],
    time: new Date(n.at).toISOString(),
    rollout: { namespace: run.namespace, name: run.name },
    revision: run.revision,
    stableRevision: run.stableRevision,
    images: run.images,
    runner: run.runner,
    message: sentence(n, run),
    details: n.details,
  };
}

const COLOR: { readonly [K in NotificationKind]: string } = {
  started: '#1D9BD1',
  paused: '#ECB22E',
  stepCompleted: '#18BE52',
  analysisFailed: '#E01E5A',
  analysisError: '#ECB22E',
  promoted: '#18BE52',
  deployed: '#18BE52',
  rolledBack: '#E01E5A',
  aborted: '#E01E5A',
};

/** A Slack message (Block Kit's legacy attachments, as Argo's built-in templates use); `channel` for chat.postMessage. */
export function slackBody(n: Notification, run: RunContext, channel?: string): Record<string, unknown> {
  const fields = [
    { title: 'Rollout', value: `${run.namespace}/${run.name}`, short: true },
    { title: 'Revision', value: run.revision, short: true },
    ...run.images.map((image) => ({ title: 'Image', value: image, short: false })),
  ];
  if (typeof n.details.reason === 'string' && n.details.reason) fields.push({ title: 'Reason', value: n.details.reason, short: false });
  return {
    ...(channel ? { channel } : {}),
    text: sentence(n, run),
    attachments: [{ color: COLOR[n.kind], title: `${run.namespace}/${run.name}`, fields, footer: `canary (${TRIGGER_OF[n.kind]})`, ts: Math.floor(n.at / 1000) }],
  };
}

/** `canary: apps/myapp revision 5510787165 promoted after 9 steps (16s)` */
export function sentence(n: Notification, run: RunContext): string {
  const who = `canary: ${run.namespace}/${run.name} revision ${run.revision}`;
  const d = n.details;
  switch (n.kind) {
    case 'started':
      return `${who} started${run.stableRevision ? ` (stable ${run.stableRevision})` : ''}: ${run.images.join(', ')}${run.stepCount ? `, ${run.stepCount} steps` : ''}`;
    case 'paused':
      return `${who} paused${d.reason === 'InconclusiveAnalysis' ? ': inconclusive analysis' : ''}${d.until ? ` until ${String(d.until)}` : ' until promoted'}`;
    case 'stepCompleted':
      return `${who} step ${String(d.step)}/${String(d.stepCount)} completed`;
    case 'analysisFailed':
    case 'analysisError':
      return `${who} analysis ${String(d.analysis)} ${n.kind === 'analysisFailed' ? 'failed' : 'errored'}${d.message ? `: ${String(d.message)}` : ''}`;
    case 'promoted':
    case 'deployed':
    case 'rolledBack':
    case 'aborted':
      return `${who} ${VERDICT[n.kind]}: ${String(d.reason)}`;
  }
}

const VERDICT = { promoted: 'promoted', deployed: 'deployed', rolledBack: 'rolled back', aborted: 'aborted' } as const;
