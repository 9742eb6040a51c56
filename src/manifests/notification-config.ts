/**
 * v1 ConfigMap `argo-rollouts-notification-configmap` in the files: Argo's notification services,
 * read by `canary run` for the Rollout's subscriptions (src/notify). Other ConfigMaps are skipped.
 */
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { Reader } from './reader.js';
import type { SourceDoc } from './source.js';
import type { NotificationConfigSpec } from './types.js';

export const NOTIFICATION_CONFIGMAP = 'argo-rollouts-notification-configmap';

/** Argo's built-in triggers canary sends (src/notify/triggers.ts maps run events to them). */
export const SENT_TRIGGERS = [
  'on-rollout-updated',
  'on-rollout-paused',
  'on-rollout-step-completed',
  'on-analysis-run-failed',
  'on-analysis-run-error',
  'on-rollout-completed',
  'on-rollout-aborted',
] as const;

export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';

export function isNotificationConfig(value: Record<string, unknown>): boolean {
  const meta = value.metadata as { name?: unknown } | undefined;
  return value.apiVersion === 'v1' && value.kind === 'ConfigMap' && meta?.name === NOTIFICATION_CONFIGMAP;
}

export function readNotificationConfig(doc: SourceDoc, issues: Issue[]): NotificationConfigSpec | null {
  const root = Reader.root(doc, issues);
  const meta = readMetadata(root, 'ConfigMap');
  if (!meta) return null;
  return { loc: root.loc(), name: meta.name, namespace: meta.namespace, data: root.field('data').stringMap() };
}
