import { readFieldPath } from '../../src/analysis/field-ref.js';
import type { JsonValue } from '../../src/manifests/types.js';

const rollout: JsonValue = {
  metadata: { name: 'myapp', namespace: 'apps', uid: 'u-1', labels: { app: 'myapp', tier: 'web' }, annotations: { note: 'say "hi"' } },
  spec: { replicas: 3, strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }] } } },
};

describe('readFieldPath', () => {
  it.each([
    ['metadata.name', 'myapp'],
    ['metadata.namespace', 'apps'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['tier']", 'web'],
    ['metadata.labels[missing]', ''],
    ['metadata.labels', 'app="myapp"\ntier="web"'],
    ['metadata.annotations', 'note="say \\"hi\\""'],
    ['spec.replicas', '3'],
    ['spec.strategy.canary.steps[0].setWeight', '10'],
  ])('%s -> %j', (path, value) => {
    expect(readFieldPath(rollout, path)).toEqual({ ok: true, value });
  });

  it.each([
    ['metadata.generateName', 'unsupported fieldPath: metadata.generateName'],
    ['spec.nothing', 'invalid path spec.nothing in rollout'],
    ['spec.strategy.canary.steps[5]', 'index 5 out of range in fieldPath spec.strategy.canary.steps[5]'],
    ['spec.strategy.canary.steps.x', "invalid index 'x' in fieldPath spec.strategy.canary.steps.x"],
    ['spec.strategy', 'path spec.strategy in rollout must terminate in a primitive value'],
  ])('%s fails: %s', (path, message) => {
    expect(readFieldPath(rollout, path)).toEqual({ ok: false, message });
  });
});
