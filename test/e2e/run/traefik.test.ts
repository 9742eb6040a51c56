/**
 * The seed over Traefik (examples/traefik/): the load generator calls myapp.example.com, which the
 * IngressRoute apps/myapp sends to the weighted TraefikService apps/myapp-weighted; canary writes
 * only the weights of its myapp-stable and myapp-canary services.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { requirePrometheus, ROOT } from '../support/harness.js';
import { routerRuns } from '../support/router-runs.js';

type Ts = K8sObject & { spec: { weighted: { services: { name: string; weight?: number }[] } } };
const weighted = (sb: Cluster) => sb.store.tryGet(catalog.traefikservices, 'apps', 'myapp-weighted') as Ts | undefined;

if (requirePrometheus('the seed over Traefik')) {
  routerRuns({
    title: 'a Traefik weighted TraefikService',
    dir: 'examples/traefik/',
    cluster: { apis: { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], traefik: ['v1alpha1'] }, load: { rps: 20, path: '/get', host: 'myapp.example.com' } },
    objectKind: 'TraefikService',
    watched: () => catalog.traefikservices,
    async setUp(sb) {
      for (const doc of parseAllDocuments(readFileSync(join(ROOT, 'examples/traefik/traefikservice.yaml'), 'utf8'))) {
        const o = doc.toJS() as K8sObject;
        await sb.create(o['kind'] === 'IngressRoute' ? catalog.ingressroutes : catalog.traefikservices, 'apps', o);
      }
      // A third service canary must leave alone.
      await sb.mutate(catalog.traefikservices, 'apps', 'myapp-weighted', (o) => {
        (o as Ts).spec.weighted.services.push({ name: 'myapp', weight: 0 });
      });
    },
    weight(sb) {
      const services = weighted(sb)?.spec.weighted.services ?? [];
      const canary = services.find((s) => s.name === 'myapp-canary')?.weight ?? 0;
      const stable = services.find((s) => s.name === 'myapp-stable')?.weight ?? 0;
      return canary + stable === 0 ? null : Math.round((canary / (canary + stable)) * 100);
    },
    settledWeight: 0,
    untouched(sb) {
      const t = structuredClone(weighted(sb)!);
      for (const s of t.spec.weighted.services) if (s.name !== 'myapp') delete s.weight;
      const route = sb.store.tryGet(catalog.ingressroutes, 'apps', 'myapp')!;
      return { labels: t.metadata.labels, spec: t.spec, route: route['spec'] };
    },
    statusRoute: { kind: 'TraefikService', name: 'myapp-weighted' },
  });
}
