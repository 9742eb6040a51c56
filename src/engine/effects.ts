/** What the machine asks the driver to do. Every effect is idempotent: replaying one after a crash is safe. */
import type { ExperimentWorkload, Track, WeightDestination } from './ports.js';
import type { ManagedRoute } from './routes.js';

export type Effect =
  /** Create or update the track's Deployment with the desired template at this replica count. */
  | { kind: 'ensureWorkload'; track: Track; replicas: number }
  /** Change the replica count only. */
  | { kind: 'scale'; track: Track; replicas: number }
  /** Point a Service at a track's pods. */
  | { kind: 'routeService'; service: Track; track: Track }
  /** Scale the Deployment the workloadRef names (its scaleDown: onsuccess, progressively). */
  | { kind: 'scaleReferenced'; replicas: number }
  /** Write the canary weight to the route object, and exactly these experiment backends (stable gets the rest). */
  | { kind: 'setWeight'; weight: number; additional: WeightDestination[] }
  /** Make canary's header and mirror routes exactly these ([] removes them all). */
  | { kind: 'setRoutes'; routes: ManagedRoute[] }
  /** Create an experiment template's Deployment (and Service), or set its replicas. */
  | { kind: 'ensureExperiment'; workload: ExperimentWorkload }
  /** Delete what an experiment made: it ended, or the run did; `leftover`: an earlier run's (its step since removed, or its runner gone). */
  | { kind: 'deleteExperimentObject'; object: 'Deployment' | 'Service'; name: string; leftover: boolean }
  /**
   * Resolve an analysis's templates and args (secrets are read here); answers with analysisResolved.
   * `vars`: an experiment's values for `{{templates.NAME.podTemplateHash}}` and the like.
   */
  | { kind: 'resolveAnalysis'; runId: string; vars?: Record<string, string> }
  /** Take one measurement; answers with measured. The in-flight measurement is already in the state. */
  | { kind: 'measure'; runId: string; metric: string };

export type EffectKind = Effect['kind'];

/** Effects the driver runs in the background (analysis-worker.ts); their answers arrive later as inputs. */
export type BackgroundEffect = Extract<Effect, { kind: 'resolveAnalysis' | 'measure' }>;
/** Effects the driver performs in order, waiting for each (perform.ts). */
export type ForegroundEffect = Exclude<Effect, BackgroundEffect>;

export function isBackground(e: Effect): e is BackgroundEffect {
  return e.kind === 'measure' || e.kind === 'resolveAnalysis';
}

export function effectKey(e: Effect): string {
  return JSON.stringify(e);
}
