/**
 * Lint for experiment template weights, from what each router's definition declares (Argo's
 * validation refuses a weight without trafficRouting, and for routers that cannot carry it); and,
 * canary's own check, the canary's weight at the step plus the templates' must leave stable >= 0.
 */
import { setWeightAt } from '../engine/replicas.js';
import { issue, type Issue } from '../manifests/issues.js';
import type { Rule } from '../manifests/rules.js';
import type { SpecSet, TrafficRouting } from '../manifests/types.js';
import { routeOf } from './registry.js';

export const experimentWeightsRule: Rule = {
  id: 'router-experiment-weights',
  check(spec: SpecSet): Issue[] {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      const s = r.strategy;
      // Without a router (or with one canary does not drive), the manifest reader already said so.
      if (s.kind !== 'canary' || s.trafficRouting.kind === 'none') continue;
      const support = routeOf(r, r.namespace ?? 'default').experimentWeights;
      s.steps.forEach((step, index) => {
        if (step.kind !== 'experiment') return;
        const weighted = step.experiment.templates.filter((t) => t.weight !== null);
        if (weighted.length === 0) return;
        if (!support.supported) {
          for (const t of weighted) {
            out.push(issue('error', t.weight!.loc, `experiment template ${t.name}: weight needs a router that sends traffic to experiment Services, and ${routerName(s.trafficRouting)} does not (${support.why}): remove weight, or route with trafficRouting.smi, trafficRouting.istio or the Gateway API plugin`));
          }
          return;
        }
        const canary = setWeightAt({ strategy: s }, index);
        const total = weighted.reduce((sum, t) => sum + t.weight!.value, canary);
        if (total > 100) {
          const parts = weighted.map((t) => `${t.name} ${t.weight!.value}`).join(' + ');
          out.push(issue('error', step.loc, `canary ${canary}% (the setWeight before this step) + ${parts} = ${total}%, over 100%: stable would get less than nothing; lower the weights`));
        }
      });
    }
    return out;
  },
};

function routerName(t: TrafficRouting): string {
  switch (t.kind) {
    case 'gatewayAPI':
      return 'the Gateway API plugin (trafficRouting.plugins["argoproj-labs/gatewayAPI"])';
    default:
      return `trafficRouting.${t.kind}`;
  }
}
