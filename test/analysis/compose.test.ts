import { mergeTemplates } from '../../src/analysis/compose.js';
import { arg, loc, metric, template } from './fixtures.js';

const ref = (templateName: string, clusterScope = false) => ({ templateName, clusterScope });

describe('mergeTemplates', () => {
  it('merges the metrics and args of several templates, namespaced ones before cluster ones', () => {
    const a = template({ name: 'a', args: [arg('svc')], metrics: [metric({ name: 'm1' })] });
    const c = template({ kind: 'ClusterAnalysisTemplate', name: 'c', namespace: null, args: [arg('svc'), arg('window', { kind: 'value', value: '5m' })], metrics: [metric({ name: 'm3' })] });
    const b = template({ name: 'b', metrics: [metric({ name: 'm2' })], dryRun: [{ loc, metricName: 'm2' }] });
    const out = mergeTemplates([ref('c', true), ref('a'), ref('b')], [a, b, c]);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    expect(out.template.templates).toEqual(['AnalysisTemplate a', 'AnalysisTemplate b', 'ClusterAnalysisTemplate c']);
    expect(out.template.metrics.map((m) => `${m.template}/${m.spec.name}`)).toEqual([
      'AnalysisTemplate a/m1',
      'AnalysisTemplate b/m2',
      'ClusterAnalysisTemplate c/m3',
    ]);
    expect(out.template.args.map((x) => x.name)).toEqual(['svc', 'window']);
    expect(out.template.dryRun.map((r) => r.metricName)).toEqual(['m2']);
  });

  it('follows templates included by templates, once each even when reached twice', () => {
    const top = template({ name: 'top', metrics: [], templates: [{ loc, ...ref('left') }, { loc, ...ref('right') }] });
    const left = template({ name: 'left', metrics: [metric({ name: 'l' })], templates: [{ loc, ...ref('base') }] });
    const right = template({ name: 'right', metrics: [metric({ name: 'r' })], templates: [{ loc, ...ref('base') }] });
    const base = template({ name: 'base', metrics: [metric({ name: 'b' })] });
    const out = mergeTemplates([ref('top')], [top, left, right, base]);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    expect(out.template.metrics.map((m) => m.spec.name)).toEqual(['l', 'b', 'r']);
  });

  it('refuses two metrics with the same name, naming both templates', () => {
    const out = mergeTemplates([ref('a'), ref('b')], [template({ name: 'a' }), template({ name: 'b' })]);
    expect(out).toEqual({
      ok: false,
      errors: ["two metrics have the same name 'success-rate' (in AnalysisTemplate a and AnalysisTemplate b)"],
    });
  });

  it('refuses a missing template, a cycle, and conflicting arg values', () => {
    expect(mergeTemplates([ref('nope', true)], [])).toEqual({
      ok: false,
      errors: ['ClusterAnalysisTemplate "nope", which is not in the given files: add the file that defines it'],
    });
    const x = template({ name: 'x', metrics: [], templates: [{ loc, ...ref('y') }] });
    const y = template({ name: 'y', templates: [{ loc, ...ref('x') }] });
    const cycle = mergeTemplates([ref('x')], [x, y]);
    expect(cycle).toEqual({
      ok: false,
      errors: ['AnalysisTemplate x: templates include each other in a cycle: AnalysisTemplate x -> AnalysisTemplate y -> AnalysisTemplate x'],
    });
    const p = template({ name: 'p', args: [arg('w', { kind: 'value', value: '1m' })], metrics: [metric({ name: 'p' })] });
    const q = template({ name: 'q', args: [arg('w', { kind: 'value', value: '5m' })], metrics: [metric({ name: 'q' })] });
    expect(mergeTemplates([ref('p'), ref('q')], [p, q])).toEqual({
      ok: false,
      errors: ["argument `w` specified multiple times with different values: '1m' (AnalysisTemplate p), '5m' (AnalysisTemplate q)"],
    });
  });

  it('keeps the arg that has a value over a same-named one without', () => {
    const p = template({ name: 'p', args: [arg('w')], metrics: [metric({ name: 'p' })] });
    const q = template({ name: 'q', args: [arg('w', { kind: 'value', value: '5m' })], metrics: [metric({ name: 'q' })] });
    const r = template({ name: 'r', args: [arg('w')], metrics: [metric({ name: 'r' })] });
    const out = mergeTemplates([ref('p'), ref('q'), ref('r')], [p, q, r]);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    expect(out.template.args).toEqual([expect.objectContaining({ name: 'w', source: { kind: 'value', value: '5m' }, template: 'AnalysisTemplate q' })]);
  });
});
