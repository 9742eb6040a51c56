/**
 * src/manifests/load.ts: a manifest in the YAML subset (util/yaml-subset.ts) is read without the
 * library's parser, and must be indistinguishable from the library's reading: the same documents,
 * numbered alike, no issue, and every field at the same line and column. Checked on every manifest
 * in examples/ and on Argo Rollouts' own (test/manifests/argo-examples/, copied from
 * argoproj/argo-rollouts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifestText, parseWithLibrary } from '../../src/manifests/load.js';
import { noPositions, SourceDoc, type Path, type PathSeg } from '../../src/manifests/source.js';
import { readYamlSubset } from '../../src/util/yaml-subset.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

const FILES = [...yamlFiles('examples'), ...yamlFiles('test/manifests/argo-examples')];

/** Every path in a value: the root, each key and each index, depth first. */
function pathsOf(value: unknown, path: PathSeg[] = []): Path[] {
  const out: Path[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...path, k]));
  return out;
}

/** A Loc as plain data (a subset document's line and col are getters). */
const plain = (loc: object) => ({ ...loc });

describe('parseManifestText', () => {
  const read = FILES.filter((f) => readYamlSubset(readFileSync(f, 'utf8')) !== null);

  it('reads most manifests without the library (the property below means something)', () => {
    expect(read.length).toBeGreaterThan(FILES.length / 2);
    expect(read).toEqual(expect.arrayContaining(['examples/seed/rollout.yaml', 'examples/seed/analysis-template.yaml', 'examples/seed/services.yaml']));
  });

  it.each(read)('%s: the same documents, and every field where the library puts it', (file) => {
    const text = readFileSync(file, 'utf8');
    const ours = parseManifestText(text, file);
    const theirs = parseWithLibrary(text, file);
    expect(ours.issues).toEqual([]);
    expect(theirs.issues).toEqual([]);
    expect(ours.docs.map((d) => [d.index, d.value])).toEqual(theirs.docs.map((d) => [d.index, d.value]));
    ours.docs.forEach((doc, i) => {
      const lib = theirs.docs[i]!;
      for (const path of [...pathsOf(doc.value), ['no', 'such', 'field']]) {
        expect(plain(doc.locOf(path, 'key'))).toEqual(plain(lib.locOf(path, 'key')));
        expect(plain(doc.locOf(path))).toEqual(plain(lib.locOf(path)));
      }
    });
  });
});

describe('SourceDoc', () => {
  it('finds positions only when a line or column is read', () => {
    let found = 0;
    const doc = new SourceDoc('f.yaml', 0, { a: 1 }, () => {
      found++;
      return noPositions();
    });
    const loc = doc.locOf(['a']);
    expect(loc.path).toBe('a');
    expect(loc.file).toBe('f.yaml');
    expect(found).toBe(0);
    expect(loc.line).toBe(1);
    expect(loc.col).toBe(1);
    doc.locOf(['b']).line;
    expect(found).toBe(1);
  });
});
