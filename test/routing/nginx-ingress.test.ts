/**
 * The canary Ingress as Argo Rollouts builds it, ported from rollout/trafficrouting/nginx/nginx_test.go
 * (each case names its Go test) and utils/ingress (GetCanaryIngressName).
 */
import { canaryIngressName, canaryIngressWeight, desiredCanaryIngress, keptAnnotations, NoStableBackend, type CanaryIngressConfig, type IngressObject } from '../../src/routing/nginx-ingress.js';

const CFG: CanaryIngressConfig = {
  stableService: 'stable-service',
  canaryService: 'canary-service',
  annotationPrefix: 'nginx.ingress.kubernetes.io',
  additionalIngressAnnotations: {},
  canaryIngressAnnotations: {},
};

/** nginx_test.go networkingIngress(name, 80, service): class ingress-name, one rule with a path to the service. */
function ingress(name: string, service: string, extra: Partial<IngressObject['spec']> = {}): IngressObject {
  return {
    metadata: { name, annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: {
      ingressClassName: 'ingress-name',
      rules: [{ host: 'fakehost.example.com', http: { paths: [{ path: '/foo', pathType: 'ImplementationSpecific', backend: { service: { name: service, port: { name: 'http' } } } }] } }],
      ...extra,
    },
  };
}

describe('NGINX canary Ingress (Argo nginx_test.go)', () => {
  it('TestCanaryIngressCreate: backend switched to the canary Service, canary "true", the weight, the class kept', () => {
    const d = desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), CFG, 10);
    expect(d.spec.rules![0]!.http!.paths![0]!.backend!.service!.name).toBe('canary-service');
    expect(d.annotations).toEqual({ 'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
    expect(d.spec.ingressClassName).toBe('ingress-name');
  });

  it('TestCanaryIngressRetainTLS / TestCanaryIngressNotAddTLS: TLS copied when the stable Ingress has it, absent otherwise', () => {
    const tls = [{ hosts: ['fakehost.example.com'], secretName: 'tls-secret' }, { hosts: ['fakehost2.example.com'], secretName: 'tls-secret2' }];
    expect(desiredCanaryIngress(ingress('stable-ingress', 'stable-service', { tls }), CFG, 15).spec.tls).toEqual(tls);
    expect(desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), CFG, 15).spec).not.toHaveProperty('tls');
  });

  it('TestCanaryIngressAdditionalAnnotations: additional annotations get the prefix, canary annotations are written as they are', () => {
    const d = desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), {
      ...CFG,
      additionalIngressAnnotations: { 'canary-by-header': 'X-Foo', 'canary-by-header-value': 'DoCanary' },
      canaryIngressAnnotations: { 'annotation-prefix.some.group/some-key': 'some-value' },
    }, 15);
    expect(d.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '15',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Foo',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'DoCanary',
      'annotation-prefix.some.group/some-key': 'some-value',
    });
  });

  it('annotationPrefix (Argo GetCanaryIngressAnnotationPrefixOrDefault): every canary annotation uses it; a key already prefixed is not prefixed twice', () => {
    const d = desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), { ...CFG, annotationPrefix: 'custom.nginx', additionalIngressAnnotations: { 'custom.nginx/canary-by-cookie': 'beta' } }, 5);
    expect(d.annotations).toMatchObject({ 'custom.nginx/canary': 'true', 'custom.nginx/canary-weight': '5', 'custom.nginx/canary-by-cookie': 'beta' });
  });

  it('TestCanaryIngressRetainCurrentAnnotations: what others added to the canary Ingress stays, canary\'s own win', () => {
    const desired = desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), CFG, 15).annotations;
    const merged = keptAnnotations({ 'nginx.ingress.kubernetes.io/canary': 'false', 'annotation-prefix.some.group/some-key': 'some-value' }, desired);
    expect(merged).toMatchObject({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '15', 'annotation-prefix.some.group/some-key': 'some-value' });
  });

  it('TestReconcileStableIngressFoundWrongBackend: a stable Ingress without the stable Service is refused', () => {
    expect(() => desiredCanaryIngress(ingress('stable-ingress', 'other-service'), CFG, 10)).toThrow(new NoStableBackend('it has no rule with a path to Service stable-service'));
  });

  it('only the rules that use the stable Service are copied; other paths of such a rule keep their backend', () => {
    const stable = ingress('stable-ingress', 'stable-service');
    stable.spec!.rules!.push({ host: 'admin.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'admin' } } }] } });
    stable.spec!.rules![0]!.http!.paths!.push({ path: '/static', backend: { service: { name: 'cdn' } } });
    const rules = desiredCanaryIngress(stable, CFG, 10).spec.rules!;
    expect(rules).toHaveLength(1);
    expect(rules[0]!.http!.paths!.map((p) => p.backend!.service!.name)).toEqual(['canary-service', 'cdn']);
  });

  it('GetCanaryIngressName (utils/ingress): <rollout>-<stable>-canary, cut to 253 characters', () => {
    expect(canaryIngressName('rollout', 'stable-ingress')).toBe('rollout-stable-ingress-canary');
    const long = canaryIngressName('r'.repeat(200), 's'.repeat(100));
    expect(long).toHaveLength(253);
    expect(long.endsWith('-canary')).toBe(true);
  });

  it('reads the canary weight back; a missing or bad annotation is 0, as ingress-nginx reads it', () => {
    const d = desiredCanaryIngress(ingress('stable-ingress', 'stable-service'), CFG, 40);
    expect(canaryIngressWeight({ metadata: { name: 'x', annotations: d.annotations } }, CFG.annotationPrefix)).toBe(40);
    expect(canaryIngressWeight({ metadata: { name: 'x' } }, CFG.annotationPrefix)).toBe(0);
    expect(canaryIngressWeight({ metadata: { name: 'x', annotations: { 'nginx.ingress.kubernetes.io/canary-weight': 'ten' } } }, CFG.annotationPrefix)).toBe(0);
  });
});
