/** strategy.canary.steps: exactly one step type per step. */
import type { Reader } from './reader.js';
import type { AnalysisRef, CanaryScale, Step } from './types.js';

const STEP_TYPES = ['setWeight', 'pause', 'analysis', 'setCanaryScale'] as const;
const UNSUPPORTED_STEPS: Record<string, string> = {
  experiment: 'experiment steps are not supported: use an analysis step against the canary',
  setHeaderRoute: 'setHeaderRoute is not supported: SMI has no header routes, and canary sets Gateway API weights only',
  setMirrorRoute: 'setMirrorRoute is not supported: canary sets weights only',
  plugin: 'step plugins are not supported',
};

export function readSteps(r: Reader, readAnalysis: (r: Reader) => AnalysisRef | null): Step[] {
  const steps: Step[] = [];
  for (const item of r.list()) {
    const s = item.object({ known: STEP_TYPES, unsupported: UNSUPPORTED_STEPS });
    if (!s) continue;
    const present = STEP_TYPES.filter((k) => s.field(k).present);
    const unsupported = Object.keys(UNSUPPORTED_STEPS).filter((k) => s.field(k).present);
    if (present.length === 0) {
      // An unknown or unsupported key has already been reported with its own message.
      const keys = Object.keys(s.value as object);
      if (keys.length === 0) s.error(`a step needs one of: ${STEP_TYPES.join(', ')}`);
      continue;
    }
    if (present.length + unsupported.length > 1) {
      s.error(`a step has exactly one type, this one has ${[...present, ...unsupported].join(' and ')}: split it into separate steps`);
      continue;
    }
    const step = readStep(s, present[0]!, readAnalysis);
    if (step) steps.push(step);
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
      const c = f.object({ known: ['replicas', 'weight', 'matchTrafficWeight'] });
      if (!c) return null;
      const set = ['replicas', 'weight', 'matchTrafficWeight'].filter((k) => c.field(k).present);
      if (set.length !== 1) {
        c.error('set exactly one of replicas, weight or matchTrafficWeight');
        return null;
      }
      let scale: CanaryScale | null = null;
      if (set[0] === 'replicas') {
        const replicas = c.field('replicas').int({ min: 0 });
        if (replicas !== null) scale = { kind: 'replicas', replicas };
      } else if (set[0] === 'weight') {
        const weight = c.field('weight').int({ min: 0, max: 100 });
        if (weight !== null) scale = { kind: 'weight', weight };
      } else if (c.field('matchTrafficWeight').bool(false)) {
        scale = { kind: 'matchTrafficWeight' };
      } else {
        c.field('matchTrafficWeight').error('matchTrafficWeight: false has no effect: remove the step or set replicas or weight');
      }
      return scale ? { kind, loc: f.loc(), scale } : null;
    }
  }
}
