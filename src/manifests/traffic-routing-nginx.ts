/** strategy.canary.trafficRouting.nginx, with Argo's field names and defaults (annotationPrefix nginx.ingress.kubernetes.io). */
import type { Reader } from './reader.js';
import type { TrafficRouting } from './types.js';

export const DEFAULT_NGINX_PREFIX = 'nginx.ingress.kubernetes.io';

export function readNginx(field: Reader): TrafficRouting {
  const n = field.object({ known: ['annotationPrefix', 'stableIngress', 'stableIngresses', 'additionalIngressAnnotations', 'canaryIngressAnnotations'] });
  if (!n) return { kind: 'none' };
  const single = n.field('stableIngress');
  const several = n.field('stableIngresses');
  // Argo's ValidateRolloutNginxIngressesConfig: exactly one of the two.
  if (single.present && several.present) several.error('set either stableIngress or stableIngresses, not both', 'key');
  if (!single.present && !several.present) n.error('name the Ingress canary copies for the canary: stableIngress: <name>');
  const names = [
    ...(single.present ? [single.string({ required: true })] : []),
    ...several.list().map((x) => x.string({ required: true })),
  ];
  if (several.present && !single.present && names.length === 0) several.error('list at least one Ingress');
  const prefix = n.field('annotationPrefix').string() ?? '';
  const result = {
    kind: 'nginx' as const,
    loc: field.loc(),
    stableIngresses: names.filter((x): x is string => x !== null),
    annotationPrefix: prefix === '' ? DEFAULT_NGINX_PREFIX : prefix,
    additionalIngressAnnotations: n.field('additionalIngressAnnotations').stringMap(),
    canaryIngressAnnotations: n.field('canaryIngressAnnotations').stringMap(),
  };
  if ((single.present && several.present) || names.length === 0 || result.stableIngresses.length !== names.length) return { kind: 'none' };
  return result;
}
