/**
 * Status and kind icons as kubectl-argo-rollouts draws them, so a tree reads the same to someone who
 * knows `kubectl argo rollouts get rollout`. Icons are part of the view model; colours are not.
 */
export const ICON = {
  healthy: '✔',
  failed: '✖',
  progressing: '◌',
  paused: '॥',
  error: '⚠',
  unknown: '?',
  scaledDown: '•',
  waiting: '◷',
  terminated: '⊘',
} as const;

export type Icon = (typeof ICON)[keyof typeof ICON];

export const KIND_ICON = {
  rollout: '⟳',
  revision: '#',
  deployment: '⧉',
  pod: '□',
  analysisRun: 'α',
  // Argo's kubectl plugin draws an Experiment as Σ.
  experiment: 'Σ',
  // Argo has no route node; a narrow arrow that reads as "traffic split".
  route: '⇄',
} as const;
