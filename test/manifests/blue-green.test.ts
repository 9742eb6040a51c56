/**
 * strategy.blueGreen and spec.workloadRef as lint reads them: Argo's defaults (utils/defaults) and
 * validation (pkg/apis/rollouts/validation, validation_test.go at argoproj/argo-rollouts@9f8d111).
 */
import { analysisUses } from '../../src/manifests/strategy.js';
import { blueGreenYaml, errors, specFrom, templateYaml, warnings } from '../support/spec.js';

describe('strategy.blueGreen', () => {
  it("reads every field, with Argo's defaults (utils/defaults/defaults.go)", () => {
    const { spec, issues } = specFrom(blueGreenYaml());
    expect(errors(issues)).toEqual([]);
    expect(spec.rollouts[0]!.strategy).toEqual({
      kind: 'blueGreen',
      activeService: 'myapp',
      previewService: 'myapp-preview',
      previewReplicaCount: null,
      autoPromotionEnabled: true, // DefaultAutoPromotionEnabled
      autoPromotionMs: 0,
      prePromotionAnalysis: null,
      postPromotionAnalysis: null,
      scaleDownDelayMs: 30_000, // DefaultScaleDownDelaySeconds
      scaleDownDelayRevisionLimit: null,
      abortScaleDownDelayMs: 30_000, // DefaultAbortScaleDownDelaySeconds
      maxUnavailable: { kind: 'percent', value: 25 }, // DefaultMaxUnavailable
      activeMetadata: null,
      previewMetadata: null,
    });
  });

  it('reads the written fields and both analyses, with their run ids', () => {
    const yaml = blueGreenYaml({
      blueGreen: [
        'previewReplicaCount: 1',
        'autoPromotionEnabled: false',
        'scaleDownDelaySeconds: 5',
        'scaleDownDelayRevisionLimit: 2',
        'abortScaleDownDelaySeconds: 0',
        'maxUnavailable: 1',
        'activeMetadata: {labels: {role: active}}',
        'previewMetadata: {labels: {role: preview}}',
        'prePromotionAnalysis: {templates: [{templateName: t}], args: [{name: x, value: "1"}]}',
        'postPromotionAnalysis: {templates: [{templateName: t}]}',
      ],
      docs: [templateYaml('t', ['successCondition: result[0] < 1']).replace('spec:\n', 'spec:\n  args: [{name: x, value: "0"}]\n')],
    });
    const { spec, issues } = specFrom(yaml);
    expect(errors(issues)).toEqual([]);
    const r = spec.rollouts[0]!;
    expect(r.strategy).toMatchObject({
      previewReplicaCount: 1,
      autoPromotionEnabled: false,
      scaleDownDelayMs: 5_000,
      scaleDownDelayRevisionLimit: 2,
      abortScaleDownDelayMs: 0,
      maxUnavailable: { kind: 'count', value: 1 },
      activeMetadata: { labels: { role: 'active' }, annotations: {} },
      previewMetadata: { labels: { role: 'preview' }, annotations: {} },
    });
    expect(analysisUses(r).map((u) => [u.id, u.label])).toEqual([
      ['pre-promotion', 'prePromotionAnalysis'],
      ['post-promotion', 'postPromotionAnalysis'],
    ]);
  });

  it('TestValidateRolloutStrategyBlueGreen: the same Service twice, and scaleDownDelayRevisionLimit over revisionHistoryLimit', () => {
    const yaml = blueGreenYaml({ blueGreen: ['scaleDownDelayRevisionLimit: 11'] }).replace('previewService: myapp-preview', 'previewService: myapp');
    expect(errors(specFrom(yaml).issues)).toEqual([
      'spec.strategy.blueGreen.activeService: activeService and previewService are both "myapp": they must be two different Services',
      'spec.strategy.blueGreen.scaleDownDelayRevisionLimit: must not exceed revisionHistoryLimit (10)',
    ]);
  });

  it('TestValidateRolloutStrategy: one strategy, and one at least', () => {
    const both = blueGreenYaml().replace('    blueGreen:\n', '    canary: {}\n    blueGreen:\n');
    expect(errors(specFrom(both).issues)).toEqual(['spec.strategy: set one strategy: canary or blueGreen, not both']);
    const none = blueGreenYaml().replace(/ {2}strategy:\n[\s\S]*$/, '  strategy: {}\n');
    expect(errors(specFrom(none).issues)).toEqual(['spec.strategy: required: strategy.canary or strategy.blueGreen']);
  });

  it('activeService is required', () => {
    const yaml = blueGreenYaml().replace('      activeService: myapp\n', '');
    expect(errors(specFrom(yaml).issues)).toEqual(['spec.strategy.blueGreen.activeService: required field is missing']);
  });

  it('autoPromotionSeconds without auto-promotion has no effect: a warning (Argo ignores it)', () => {
    const yaml = blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'autoPromotionSeconds: 30'] });
    const { issues } = specFrom(yaml);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual(['spec.strategy.blueGreen.autoPromotionSeconds: has no effect with autoPromotionEnabled: false (the rollout waits for `canary promote`)']);
  });

  it('antiAffinity is named as not implemented', () => {
    const yaml = blueGreenYaml({ blueGreen: ['antiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}'] });
    expect(errors(specFrom(yaml).issues)).toEqual([expect.stringMatching(/^spec\.strategy\.blueGreen\.antiAffinity: not supported by canary: antiAffinity between the active and preview pods/)]);
  });

  it('checks the analyses\' templates and args as a canary\'s', () => {
    const yaml = blueGreenYaml({ blueGreen: ['prePromotionAnalysis: {templates: [{templateName: missing}]}'] });
    expect(errors(specFrom(yaml).issues)).toEqual(['spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName: prePromotionAnalysis: AnalysisTemplate "missing" not found in the files given (namespace apps): add its manifest to the command line']);
  });

  it('a gating analysis whose metric has an interval and no count would never pass: a warning', () => {
    const yaml = blueGreenYaml({ blueGreen: ['prePromotionAnalysis: {templates: [{templateName: t}]}'], docs: [templateYaml('t', ['successCondition: result[0] < 1', 'interval: 15s'])] });
    const { issues } = specFrom(yaml);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([
      'spec.strategy.blueGreen.prePromotionAnalysis: prePromotionAnalysis: metric "m" of AnalysisTemplate "t" has an interval and no count, so it measures until terminated and the analysis never passes: give it a count',
    ]);
  });

  it('with Service manifests: the active and preview Services must be among them and select the pods', () => {
    const service = (name: string, app: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: apps}\nspec: {selector: {app: ${app}}, ports: [{port: 80}]}`;
    const yaml = blueGreenYaml({ docs: [service('myapp', 'other')] });
    expect(errors(specFrom(yaml).issues)).toEqual([
      'spec.strategy.blueGreen.previewService: Service "myapp-preview" is not among the Service manifests given: add it, or check the name',
      'spec.selector.app: Service "myapp" selects app=other, which the pods of Rollout "myapp" do not carry: it would route to no pod',
    ]);
  });
});

describe('spec.workloadRef (Argo docs/migrating.md; validation_test.go TestWorkloadRefWithTemplate)', () => {
  const rollout = (extra = '') => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: myapp, namespace: apps}
spec:
  replicas: 2
${extra}  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: myapp, scaleDown: onsuccess}
  strategy:
    blueGreen: {activeService: myapp}
`;
  const deployment = (labels = 'app: myapp') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: myapp, namespace: apps}
spec:
  replicas: 3
  selector: {matchLabels: {app: myapp}}
  template:
    metadata: {labels: {${labels}}}
    spec: {containers: [{name: myapp, image: "example/myapp:1"}]}
`;

  it('needs no selector or template: they come from the Deployment', () => {
    const { spec, issues } = specFrom(rollout());
    expect(errors(issues)).toEqual([]);
    expect(spec.rollouts[0]).toMatchObject({ selector: null, template: null, workloadRef: { name: 'myapp', scaleDown: 'onsuccess' } });
  });

  it('scaleDown defaults to never', () => {
    const { spec } = specFrom(rollout().replace(', scaleDown: onsuccess', ''));
    expect(spec.rollouts[0]!.workloadRef?.scaleDown).toBe('never');
  });

  it('checks the Deployment when it is among the files: its manifest, and the Services against its pods', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: myapp, namespace: apps}\nspec: {selector: {app: myapp, tier: web}, ports: [{port: 80}]}\n';
    const { spec, issues } = specFrom(`${rollout()}---\n${deployment('app: other')}---\n${svc}`);
    expect(spec.deployments.map((d) => d.name)).toEqual(['myapp']);
    expect(errors(issues)).toEqual([
      'spec.template.metadata.labels: selector does not match template labels: the selector wants app=myapp, add it to spec.template.metadata.labels',
      'spec.selector.app: Service "myapp" selects app=myapp, which the pods of Rollout "myapp" do not carry: it would route to no pod',
    ]);
  });

  it("a selector the Rollout writes must match the Deployment's pods", () => {
    const { issues } = specFrom(`${rollout('  selector: {matchLabels: {app: web}}\n')}---\n${deployment()}`);
    expect(errors(issues)).toEqual(['spec.selector.matchLabels: the pods of Deployment "myapp" (workloadRef) do not carry app=web: the Rollout\'s selector must match its template']);
  });

  it('a Deployment no workloadRef names is skipped, as before', () => {
    const other = deployment().replace('name: myapp, namespace', 'name: other, namespace');
    const { spec, issues } = specFrom(`${rollout()}---\n${other}`);
    expect(errors(issues)).toEqual([]);
    expect(spec.deployments).toEqual([]);
  });
});
