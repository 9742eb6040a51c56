/** A run's stored manifests: JSON documents read without the YAML parser; YAML records (earlier canary, non-finite numbers) still read. */
import { stringify } from 'yaml';
import { loadSpec } from '../../src/manifests/index.js';
import { manifestsOf, readStoredManifests } from '../../src/manifests/stored.js';
import { readStoredRollout } from '../../src/manifests/stored-rollout.js';
import { readStoredText, storedText } from '../../src/manifests/stored-text.js';
import { isResolved, type SpecSet } from '../../src/manifests/types.js';

const ctx = { namespace: 'apps', prometheusAddress: null };

async function seed(dir = 'examples/seed/'): Promise<SpecSet> {
  const { spec, issues } = await loadSpec([dir], ctx);
  expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  return spec;
}

function stored(spec: SpecSet): string {
  const rollout = spec.rollouts[0]!;
  if (!isResolved(rollout)) throw new Error('seed rollout not resolved');
  return manifestsOf(rollout, rollout.template, spec.templates, spec.services);
}

/** What a run stored before JSON: each document as YAML, `---` between them. */
function asYaml(text: string): string {
  return text
    .split('\n---\n')
    .map((d) => stringify(JSON.parse(d), { lineWidth: 0 }))
    .join('---\n');
}

/** The spec without its source positions (a JSON record has none: every location is its line 1). */
function dataOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dataOf);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'loc' && k !== 'source').map(([k, x]) => [k, dataOf(x)]));
  return v;
}

describe('stored manifests', () => {
  it('are written as JSON documents that read back without the YAML parser', async () => {
    const text = stored(await seed());
    const parts = text.trimEnd().split('\n---\n');
    expect(parts).toHaveLength(1 + 1 + 3); // Rollout, AnalysisTemplate, 3 Services
    for (const p of parts) expect(() => JSON.parse(p)).not.toThrow();
    const { docs, issues } = readStoredText(text, '<stored>');
    expect(issues).toEqual([]);
    expect(docs.map((d) => (d.value as { kind: string }).kind)).toEqual(['Rollout', 'AnalysisTemplate', 'Service', 'Service', 'Service']);
  });

  it.each(['examples/seed/', 'examples/experiment/', 'examples/gateway-api-header/', 'examples/blue-green/'])('%s: status reads the same Rollout from the JSON record as from a YAML record', async (dir) => {
    const text = stored(await seed(dir));
    const fromJson = readStoredRollout(text, 'apps');
    const fromYaml = readStoredRollout(asYaml(text), 'apps');
    expect(fromJson).not.toBeNull();
    expect(dataOf(fromJson)).toEqual(dataOf(fromYaml));
  });

  it('a resumed run reads the same spec from either record, validated', async () => {
    const text = stored(await seed());
    const a = readStoredManifests(text, 'apps');
    const b = readStoredManifests(asYaml(text), 'apps');
    expect(dataOf(a.rollouts[0])).toEqual(dataOf(b.rollouts[0]));
    expect(a.templates.map((t) => t.name)).toEqual(b.templates.map((t) => t.name));
    expect(a.services.map((s) => s.name)).toEqual(b.services.map((s) => s.name));
  });

  it('a document JSON cannot carry exactly (Infinity) is written as YAML, and the record reads back through YAML', () => {
    const text = storedText([{ kind: 'A', spec: { n: 1 } }, { kind: 'B', spec: { x: Infinity } }]);
    expect(text).toContain('x: .inf');
    const { docs, issues } = readStoredText(text, '<stored>');
    expect(issues).toEqual([]);
    expect(docs.map((d) => d.value)).toEqual([{ kind: 'A', spec: { n: 1 } }, { kind: 'B', spec: { x: Infinity } }]);
  });

  it('a JSON record locates everything at its first line', () => {
    const { docs } = readStoredText(storedText([{ kind: 'A', spec: { n: 1 } }]), '<stored>');
    expect(docs[0]!.locOf(['spec', 'n'])).toEqual({ file: '<stored>', line: 1, col: 1, path: 'spec.n' });
  });

  it('strings that look like separators or YAML stay strings', () => {
    const value = { kind: 'ConfigMap', data: { a: '\n---\n', b: 'yes', c: '0x10', d: '{{args.service-name}}' } };
    const text = storedText([value, value]);
    expect(readStoredText(text, '<stored>').docs.map((d) => d.value)).toEqual([value, value]);
  });
});
