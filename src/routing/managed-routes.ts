/**
 * Lint for header and mirror route steps, from what each router's definition declares: a router
 * without the capability (SMI) is refused at the step, as Argo's validation refuses setHeaderRoute
 * for routers that do not implement it. Passed to loadSpec by lint, run and analyze.
 */
import { issue, type Issue } from '../manifests/issues.js';
import type { Rule } from '../manifests/rules.js';
import { routeChanges } from '../manifests/steps.js';
import type { SpecSet } from '../manifests/types.js';
import { routeOf } from './registry.js';

export const routeStepsRule: Rule = {
  id: 'router-managed-routes',
  check(spec: SpecSet): Issue[] {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      const s = r.strategy;
      // Without a router written (or with one canary does not drive), the manifest reader already said so.
      if (s.kind !== 'canary' || s.trafficRouting.kind === 'none') continue;
      const route = routeOf(r, r.namespace ?? 'default');
      const support = route.managedRoutes;
      for (const step of s.steps.flatMap(routeChanges)) {
        const what = step.kind === 'setHeaderRoute' ? 'header' : 'mirror';
        if (!support?.[what]) {
          const why = route.noManagedRoutes ? ` (${route.noManagedRoutes})` : '';
          out.push(issue('error', step.loc, `${step.kind} needs a router that writes ${what} routes, and ${route.objectKind ?? 'this router'} has none${why}: use the Gateway API plugin (trafficRouting.plugins["argoproj-labs/gatewayAPI"]) or remove the step`));
          continue;
        }
        if (route.headerTargets().length === 0) {
          out.push(issue('error', step.loc, `${step.kind}: none of the route objects takes header and mirror routes: set useHeaderRoutes: true on the httpRoutes entry they go to`));
        }
        if (step.kind === 'setMirrorRoute' && support.methodMatch === 'exact') {
          for (const m of step.match ?? []) {
            if (m.method && m.method.kind !== 'exact') out.push(issue('error', step.loc, `setMirrorRoute ${step.name}: ${route.objectKind} matches a method exactly: write method: {exact: ${m.method.value.toUpperCase()}}`));
          }
        }
      }
    }
    return out;
  },
};
