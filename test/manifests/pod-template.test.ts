/** The pod template's labels as Kubernetes reads them: strings only, and no name is special. */
import { errors, SEED, specFrom } from '../support/spec.js';

const withLabels = (extra: string) => SEED.replace('      labels:\n        app: myapp\n', `      labels:\n        app: myapp\n${extra}`);

describe('pod template labels', () => {
  it('a label whose value is a mapping is reported at its key, not a crash (found by test/fuzz/lint.fuzz.ts)', () => {
    const { issues } = specFrom(withLabels('        "":\n          toString:\n            - - 1\n'));
    expect(errors(issues)).toContain('spec.template.metadata.labels[""]: expected a string, got a mapping');
  });

  it('labels named after Object.prototype members are plain labels', () => {
    const { issues } = specFrom(withLabels('        toString: x\n        constructor: y\n'));
    expect(errors(issues)).toEqual([]);
  });

  it('the selector is checked against a label named toString like any other', () => {
    const text = withLabels('').replace('    matchLabels:\n      app: myapp\n', '    matchLabels:\n      app: myapp\n      toString: x\n');
    expect(errors(specFrom(text).issues).join('\n')).toMatch(/selector does not match template labels: the selector wants toString=x/);
  });
});
