/**
 * Label selector matching as Kubernetes does it, cases from k8s.io/apimachinery
 * pkg/labels/selector_test.go at eed236c (TestSelectorMatches, its set-based forms written as
 * expressions: `x!=y` is NotIn, `x` Exists, `!x` DoesNotExist; TestRequirementSelectorMatching), and
 * the metav1 validation of an expression's values (TestRequirementConstructor: In and NotIn need
 * values, Exists takes none) through the manifest reader.
 */
import { describeRequirement, requirementMatches, selectorMatches, unmatchedBy } from '../../src/manifests/label-selector.js';
import type { LabelSelector } from '../../src/manifests/types.js';
import { errors, specFrom, seedWith } from '../support/spec.js';

type Expr = LabelSelector['matchExpressions'][number];
const sel = (matchLabels: Record<string, string>, ...matchExpressions: Expr[]): LabelSelector => ({ matchLabels, matchExpressions });
const In = (key: string, ...values: string[]): Expr => ({ key, operator: 'In', values });
const NotIn = (key: string, ...values: string[]): Expr => ({ key, operator: 'NotIn', values });
const Exists = (key: string): Expr => ({ key, operator: 'Exists' });
const DoesNotExist = (key: string): Expr => ({ key, operator: 'DoesNotExist' });

describe('label selector matching (Kubernetes labels.Selector)', () => {
  // TestSelectorMatches
  it.each<[string, LabelSelector, Record<string, string>, boolean]>([
    ['"" matches anything', sel({}), { x: 'y' }, true],
    ['x=y', sel({ x: 'y' }), { x: 'y' }, true],
    ['x=y,z=w', sel({ x: 'y', z: 'w' }), { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', sel({}, NotIn('x', 'y'), NotIn('z', 'w')), { x: 'z', z: 'a' }, true],
    ['notin=in', sel({ notin: 'in' }), { notin: 'in' }, true],
    ['x (exists)', sel({}, Exists('x')), { x: 'z' }, true],
    ['!x (does not exist)', sel({}, DoesNotExist('x')), { y: 'z' }, true],
    ['x=z on no labels', sel({ x: 'z' }), {}, false],
    ['x=y on x=z', sel({ x: 'y' }), { x: 'z' }, false],
    ['x=y,z=w on x=w,z=w', sel({ x: 'y', z: 'w' }), { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w on x=z,z=w', sel({}, NotIn('x', 'y'), NotIn('z', 'w')), { x: 'z', z: 'w' }, false],
    ['x on y=z', sel({}, Exists('x')), { y: 'z' }, false],
    ['!x on x=z', sel({}, DoesNotExist('x')), { x: 'z' }, false],
    ['foo=bar,foobar=bar,baz=blah on foo=bar,baz=blah', sel({ foo: 'bar', foobar: 'bar', baz: 'blah' }), { foo: 'bar', baz: 'blah' }, false],
  ])('TestSelectorMatches %s', (_name, selector, labels, match) => {
    expect(selectorMatches(selector, labels)).toBe(match);
  });

  // TestRequirementSelectorMatching
  it.each<[Record<string, string>, Expr[], boolean]>([
    [{ x: 'foo', y: 'baz' }, [In('x', 'foo'), NotIn('y', 'alpha')], true],
    [{ x: 'foo', y: 'baz' }, [In('x', 'foo'), In('y', 'alpha')], false],
    [{ y: '' }, [NotIn('x', ''), Exists('y')], true],
    [{ y: '' }, [DoesNotExist('x'), Exists('y')], true],
    [{ y: '' }, [NotIn('x', ''), DoesNotExist('y')], false],
    [{ y: 'baz' }, [In('x', '')], false],
  ])('TestRequirementSelectorMatching %j %j -> %s', (labels, exprs, match) => {
    expect(exprs.every((r) => requirementMatches(r, labels))).toBe(match);
    expect(selectorMatches(sel({}, ...exprs), labels)).toBe(match);
  });

  it('a label named like an Object method is a label, not a prototype property', () => {
    expect(selectorMatches(sel({}, Exists('toString')), {})).toBe(false);
    expect(selectorMatches(sel({}, DoesNotExist('constructor')), {})).toBe(true);
  });

  it('says what is not satisfied, as kubectl writes it', () => {
    expect(unmatchedBy(sel({ app: 'a' }, In('tier', 'web', 'api')), { app: 'a', tier: 'db' })).toBe('tier in (web,api)');
    expect(unmatchedBy(sel({ app: 'a' }), { app: 'b' })).toBe('app=a');
    expect([NotIn('t', 'x'), Exists('t'), DoesNotExist('t')].map(describeRequirement)).toEqual(['t notin (x)', 't', '!t']);
  });
});

describe('matchExpressions as the reader takes them (metav1 ValidateLabelSelectorRequirement)', () => {
  const withExpressions = (exprs: string) =>
    seedWith([['  selector:\n    matchLabels:\n      app: myapp\n', `  selector:\n    matchLabels:\n      app: myapp\n    matchExpressions: ${exprs}\n`]]);

  it('In and NotIn need values; Exists and DoesNotExist take none (TestRequirementConstructor x1, x2, x8)', () => {
    expect(errors(specFrom(withExpressions('[{key: x1, operator: In}]')).issues)).toEqual(['spec.selector.matchExpressions[0].values: must be specified when operator is In']);
    expect(errors(specFrom(withExpressions('[{key: x2, operator: NotIn, values: []}]')).issues)).toEqual(['spec.selector.matchExpressions[0].values: must be specified when operator is NotIn']);
    expect(errors(specFrom(withExpressions('[{key: x8, operator: Exists, values: [foo]}]')).issues)).toEqual(['spec.selector.matchExpressions[0].values: may not be specified when operator is Exists']);
    expect(errors(specFrom(withExpressions('[{key: x3, operator: In, values: [foo]}]')).issues)).toEqual([
      'spec.template.metadata.labels: selector does not match template labels: the selector\'s matchExpressions want x3 in (foo); change spec.template.metadata.labels or the expression',
    ]);
    expect(errors(specFrom(withExpressions('[{key: x6, operator: DoesNotExist}, {key: app, operator: In, values: [myapp, other]}]')).issues)).toEqual([]);
  });
});

describe('an experiment template selector with matchExpressions', () => {
  const step = (selector: string, labels = '') =>
    seedWith([['- setWeight: 10', `- experiment: {duration: 1m, templates: [{name: b, specRef: stable, selector: ${selector}${labels ? `, metadata: {labels: ${labels}}` : ''}}]}`]]);

  it('is read as Kubernetes reads a Deployment selector, and lints clean when the pods carry what it selects', () => {
    const { spec, issues } = specFrom(step('{matchLabels: {app: myapp}, matchExpressions: [{key: role, operator: In, values: [baseline, control]}, {key: canary, operator: DoesNotExist}]}', '{role: baseline}'));
    expect(errors(issues)).toEqual([]);
    const s = spec.rollouts[0]!.strategy;
    const ex = s.kind === 'canary' && s.steps[0]!.kind === 'experiment' ? s.steps[0]!.experiment : null;
    expect(ex!.templates[0]!.selector).toEqual({
      matchLabels: { app: 'myapp' },
      matchExpressions: [
        { key: 'role', operator: 'In', values: ['baseline', 'control'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
  });

  it("one its pods would not satisfy is refused at the selector (Kubernetes would refuse the Deployment)", () => {
    expect(errors(specFrom(step('{matchExpressions: [{key: role, operator: In, values: [baseline]}]}')).issues)).toEqual([
      "spec.strategy.canary.steps[0].experiment.templates[0].selector: experiment template b: the selector wants role in (baseline), which its pods' labels (the Rollout's template labels and metadata.labels) do not satisfy; Kubernetes would refuse the Deployment: change the selector or add the label under metadata.labels",
    ]);
    expect(errors(specFrom(step('{matchExpressions: [{key: app, operator: NotIn, values: [myapp]}]}')).issues)).toHaveLength(1);
  });
});
