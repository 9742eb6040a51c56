/**
 * The seed over ingress-nginx (examples/nginx/): the load generator calls myapp.example.com, which
 * the stable Ingress apps/myapp sends to myapp-stable; canary keeps the canary Ingress
 * apps/myapp-myapp-canary (backend myapp-canary, canary-weight) while the canary takes traffic and
 * deletes it at the end. The stable Ingress is never written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { requirePrometheus, ROOT } from '../support/harness.js';
import { routerRuns } from '../support/router-runs.js';

const ingress = (sb: Cluster, name: string) => sb.store.tryGet(catalog.ingresses, 'apps', name);

if (requirePrometheus('the seed over NGINX')) {
  routerRuns({
    title: 'an NGINX canary Ingress',
    dir: 'examples/nginx/',
    cluster: { load: { rps: 20, path: '/get', host: 'myapp.example.com' } },
    objectKind: 'Ingress',
    watched: () => catalog.ingresses,
    async setUp(sb) {
      const doc = parseYaml(readFileSync(join(ROOT, 'examples/nginx/ingress.yaml'), 'utf8')) as K8sObject;
      await sb.create(catalog.ingresses, 'apps', doc);
    },
    weight(sb) {
      const canary = ingress(sb, 'myapp-myapp-canary');
      return canary ? Number(canary.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight']) : null;
    },
    settledWeight: null,
    untouched(sb) {
      const stable = ingress(sb, 'myapp')!;
      return { labels: stable.metadata.labels, annotations: stable.metadata.annotations, spec: stable['spec'] };
    },
    statusRoute: { kind: 'Ingress', name: 'myapp-myapp-canary' },
  });
}
