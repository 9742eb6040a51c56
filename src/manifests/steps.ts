/**
 * strategy.canary.steps. As Argo's validation (hasMultipleStepsType): setWeight, pause, experiment
 * and analysis exclude each other; setCanaryScale may share a step with setWeight, pause,
 * setHeaderRoute or setMirrorRoute (Argo's examples/apisix scales the canary in its header-route
 * step); setHeaderRoute and setMirrorRoute may share a step with any of them, and are then carried
 * in the step's `routes` (Argo's reconciler writes them when the step begins).
 */
import { assertNever } from '../util/assert-never.js';
import { readExperimentStep } from './experiment-step.js';
import type { Reader } from './reader.js';
import { readHeaderRoute, readMirrorRoute } from './route-steps.js';
import type { AnalysisRef, CanaryScale, RouteChange, Step } from './types.js';

const STEP_TYPES = ['setWeight', 'pause', 'analysis', 'experiment', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute'] as const;
const ROUTE_STEPS = ['setHeaderRoute', 'setMirrorRoute'] as const;
/** Argo's mutually exclusive step types. */
const EXCLUSIVE = ['setWeight', 'pause', 'experiment', 'analysis'] as const;
const UNSUPPORTED_STEPS: Record<string, string> = {
  plugin: 'step plugins are not supported',
};

/** `trafficRouting`: whether the Rollout writes one (supported or not), which setCanaryScale needs. */
export function readSteps(r: Reader, readAnalysis: (r: Reader) => AnalysisRef | null, options: { trafficRouting: boolean }): Step[] {
  const steps: Step[] = [];
  for (const item of r.list()) {
    const s = item.object({ known: STEP_TYPES, unsupported: UNSUPPORTED_STEPS });
    if (!s) continue;
    const present = STEP_TYPES.filter((k) => s.field(k).present);
    const exclusive = EXCLUSIVE.filter((k) => s.field(k).present);
    if (exclusive.length > 1) {
      s.error(`a step has one of setWeight, pause, experiment or analysis, this one has ${exclusive.join(' and ')}: split it into separate steps`);
      continue;
    }
    if (present.length === 0) {
      // An unknown or unsupported key has already been reported with its own message.
      const keys = Object.keys(s.value as object);
      if (keys.length === 0) s.error(`a step needs one of: ${STEP_TYPES.join(', ')}`);
      continue;
    }
    const routeKinds = ROUTE_STEPS.filter((k) => s.field(k).present);
    if (routeKinds.length > 0 && !options.trafficRouting) {
      for (const k of routeKinds) s.field(k).error(`${k} requires trafficRouting with managedRoutes: header and mirror routes are written to the route object`, 'key');
      continue;
    }
    // An unsupported type in the step is reported already; what remains is read for the other checks.
    // exclusive[0] is typed as always present; at run time it may not be.
    const main = (exclusive[0] ?? routeKinds[0] ?? 'setCanaryScale') as (typeof STEP_TYPES)[number];
    if ((main === 'analysis' || main === 'experiment') && s.field('setCanaryScale').present) {
      s.field('setCanaryScale').error(
        `setCanaryScale in an ${main} step is not supported: Argo completes such a step once the canary is scaled, without waiting for the ${main}; put setCanaryScale in a step of its own before the ${main}`,
        'key',
      );
      continue;
    }
    if (s.field('setCanaryScale').present && !options.trafficRouting) {
      s.field('setCanaryScale').error('setCanaryScale requires trafficRouting: without it the weight is carried by replica counts', 'key');
    }
    const read = readStep(s, main, readAnalysis);
    const routes = routeKinds.filter((k) => k !== main).map((k) => readRouteChange(s.field(k), k));
    if (!read || routes.includes(null)) continue;
    const step = routes.length > 0 && read.kind !== 'setCanaryScale' ? { ...read, routes: routes as RouteChange[] } : read;
    if (step.kind === 'experiment' && !options.trafficRouting) {
      // Argo's InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting.
      for (const t of s.field('experiment').field('templates').list()) {
        if (t.field('weight').present) t.field('weight').error('an experiment template weight requires trafficRouting: without it replica counts carry the weight and no share of the traffic can go to the template\'s Service; remove weight', 'key');
      }
    }
    if (step.kind !== 'setCanaryScale' && step.kind !== 'analysis' && step.kind !== 'experiment' && s.field('setCanaryScale').present) {
      const scale = readScale(s.field('setCanaryScale'));
      if (scale) steps.push({ ...step, canaryScale: scale });
      continue;
    }
    steps.push(step);
  }
  return steps;
}

function readStep(s: Reader, kind: (typeof STEP_TYPES)[number], readAnalysis: (r: Reader) => AnalysisRef | null): Step | null {
  const f = s.field(kind);
  switch (kind) {
    case 'setWeight': {
      const weight = f.int({ min: 0, max: 100 });
      return weight === null ? null : { kind, loc: f.loc(), weight };
    }
    case 'pause': {
      const p = f.object({ known: ['duration'] });
      if (!p) return null;
      const d = p.field('duration');
      if (!d.present) return { kind, loc: f.loc(), durationMs: null };
      const ms = d.duration();
      return ms === null ? null : { kind, loc: f.loc(), durationMs: ms };
    }
    case 'analysis': {
      const analysis = readAnalysis(f);
      return analysis ? { kind, loc: f.loc(), analysis } : null;
    }
    case 'setCanaryScale': {
      const scale = readScale(f);
      return scale ? { kind, loc: f.loc(), scale } : null;
    }
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return readRouteChange(f, kind);
    case 'experiment': {
      const experiment = readExperimentStep(f);
      return experiment ? { kind, loc: f.loc(), experiment } : null;
    }
  }
}

function readScale(f: Reader): CanaryScale | null {
  const c = f.object({ known: ['replicas', 'weight', 'matchTrafficWeight'] });
  if (!c) return null;
  const set = ['replicas', 'weight', 'matchTrafficWeight'].filter((k) => c.field(k).present);
  if (set.length !== 1) {
    c.error('set exactly one of replicas, weight or matchTrafficWeight');
    return null;
  }
  if (set[0] === 'replicas') {
    const replicas = c.field('replicas').int({ min: 0 });
    return replicas === null ? null : { kind: 'replicas', replicas };
  }
  if (set[0] === 'weight') {
    const weight = c.field('weight').int({ min: 0, max: 100 });
    return weight === null ? null : { kind: 'weight', weight };
  }
  if (c.field('matchTrafficWeight').bool(false)) return { kind: 'matchTrafficWeight' };
  c.field('matchTrafficWeight').error('matchTrafficWeight: false has no effect: remove the step or set replicas or weight');
  return null;
}

/** The setCanaryScale a step carries, on its own or next to setWeight or pause; null if none. */
export function stepScale(step: Step): CanaryScale | null {
  switch (step.kind) {
    case 'setCanaryScale':
      return step.scale;
    case 'setWeight':
    case 'pause':
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return step.canaryScale ?? null;
    case 'analysis':
    case 'experiment':
      return null;
    default:
      return assertNever(step, 'step');
  }
}

function readRouteChange(f: Reader, kind: (typeof ROUTE_STEPS)[number]): RouteChange | null {
  return kind === 'setHeaderRoute' ? readHeaderRoute(f) : readMirrorRoute(f);
}

/** The header and mirror routes a step sets or removes, in the order Argo writes them (header first). */
export function routeChanges(step: Step): RouteChange[] {
  switch (step.kind) {
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return [step, ...(step.routes ?? [])];
    case 'setWeight':
    case 'pause':
    case 'analysis':
    case 'experiment':
      return step.routes ?? [];
    case 'setCanaryScale':
      return [];
    default:
      return assertNever(step, 'step');
  }
}
