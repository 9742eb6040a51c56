/**
 * Which run events are worth a notification, under Argo's trigger names so that a Rollout's
 * `notifications.argoproj.io/subscribe.<trigger>.<service>` annotations mean what they mean for
 * Argo (its built-in triggers, manifests/notifications in argoproj/argo-rollouts). Pure.
 */
import type { RunEvent } from '../engine/events.js';
import type { RunMode } from '../engine/types.js';
import { SENT_TRIGGERS } from '../manifests/notification-config.js';

/** What happened, for a webhook's `event` field and a Slack message. */
export type NotificationKind = 'started' | 'paused' | 'stepCompleted' | 'analysisFailed' | 'analysisError' | 'promoted' | 'deployed' | 'rolledBack' | 'aborted';

/** Argo's built-in triggers canary sends; a subscription to another one is warned about (lint and run). */
export const TRIGGERS = SENT_TRIGGERS;

export type Trigger = (typeof TRIGGERS)[number];

export const TRIGGER_OF: { readonly [K in NotificationKind]: Trigger } = {
  started: 'on-rollout-updated',
  paused: 'on-rollout-paused',
  stepCompleted: 'on-rollout-step-completed',
  analysisFailed: 'on-analysis-run-failed',
  analysisError: 'on-analysis-run-error',
  promoted: 'on-rollout-completed',
  deployed: 'on-rollout-completed',
  rolledBack: 'on-rollout-aborted',
  aborted: 'on-rollout-aborted',
};

export interface Notification {
  kind: NotificationKind;
  at: number;
  /** Fields of the event that say what happened (reason, step, analysis, pause end...). */
  details: Record<string, string | number | boolean | null>;
}

/** The notification an event is, or null when it is not one (measurements, weights, waits...). */
export function notificationOf(e: RunEvent, mode: RunMode | null): Notification | null {
  switch (e.kind) {
    case 'started':
      // A resumed run is the same update: it was announced when it started.
      return e.resumed ? null : { kind: 'started', at: e.at, details: { mode: e.mode, stepCount: e.stepCount } };
    case 'paused':
      return { kind: 'paused', at: e.at, details: { reason: e.reason, until: e.until === null ? null : new Date(e.until).toISOString() } };
    case 'stepCompleted':
      return { kind: 'stepCompleted', at: e.at, details: { step: e.index + 1, stepCount: e.stepCount } };
    case 'analysisCompleted':
      if (e.terminated || (e.phase !== 'Failed' && e.phase !== 'Error')) return null;
      return { kind: e.phase === 'Failed' ? 'analysisFailed' : 'analysisError', at: e.at, details: { analysis: e.runId, phase: e.phase, message: e.message } };
    case 'finished': {
      const details = { phase: e.phase, reason: e.reason, durationMs: e.durationMs, step: Math.min(e.stepIndex + 1, e.stepCount), stepCount: e.stepCount };
      if (e.phase === 'Healthy') return { kind: mode === 'initial' ? 'deployed' : mode === 'rollbackToStable' ? 'rolledBack' : 'promoted', at: e.at, details };
      return { kind: e.phase === 'Aborted' ? 'aborted' : 'rolledBack', at: e.at, details };
    }
    case 'stepStarted':
    case 'weightChanged':
    case 'serviceSwitched':
    case 'waiting':
    case 'resumed':
    case 'analysisStarted':
    case 'measurement':
    case 'requestReceived':
    case 'promoting':
    case 'rollingBack':
    case 'scaledDown':
    case 'scaleDownScheduled':
    case 'deadlineExceeded':
    case 'warning':
    case 'experimentDeleted':
      return null;
  }
}
