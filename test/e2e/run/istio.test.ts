/**
 * The seed over Istio (examples/istio/): canary writes only the weights of the myapp-stable and
 * myapp-canary destinations of route "primary" in VirtualService apps/myapp; the mesh sends the
 * load by those weights, so 2.18's 500s reach the analysis as over SMI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { requirePrometheus, ROOT } from '../support/harness.js';
import { routerRuns } from '../support/router-runs.js';

type Vs = K8sObject & {
  spec: { hosts: string[]; http: { name: string; match?: { uri: { prefix: string } }[]; route: { destination: { host: string }; weight?: number }[]; timeout?: string }[] };
};
const vs = (sb: Cluster) => sb.store.tryGet(catalog.virtualservices, 'apps', 'myapp') as Vs | undefined;

if (requirePrometheus('the seed over Istio')) {
  routerRuns({
    title: 'Istio VirtualService',
    dir: 'examples/istio/',
    cluster: { apis: { smi: ['v1alpha1', 'v1alpha2'], gatewayApi: ['v1', 'v1beta1'], istio: ['v1', 'v1beta1', 'v1alpha3'] } },
    objectKind: 'VirtualService',
    watched: () => catalog.virtualservices,
    async setUp(sb) {
      const doc = parseYaml(readFileSync(join(ROOT, 'examples/istio/virtualservice.yaml'), 'utf8')) as K8sObject;
      // Another route canary must leave alone, ahead of the managed one.
      (doc['spec'] as Vs['spec']).http.unshift({ name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [{ destination: { host: 'myapp-stable' } }] });
      await sb.create(catalog.virtualservices, 'apps', doc);
    },
    weight(sb) {
      const route = vs(sb)?.spec.http.find((r) => r.name === 'primary')?.route ?? [];
      const canary = route.find((d) => d.destination.host === 'myapp-canary')?.weight ?? 0;
      const stable = route.find((d) => d.destination.host === 'myapp-stable')?.weight ?? 0;
      return canary + stable === 0 ? null : Math.round((canary / (canary + stable)) * 100);
    },
    settledWeight: 0,
    untouched(sb) {
      const v = structuredClone(vs(sb)!);
      for (const d of v.spec.http.find((r) => r.name === 'primary')!.route) delete d.weight;
      return { labels: v.metadata.labels, annotations: v.metadata.annotations, spec: v.spec };
    },
    statusRoute: { kind: 'VirtualService', name: 'myapp' },
  });
}
