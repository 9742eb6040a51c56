/**
 * src/util/yaml-subset.ts against the YAML library it stands in for: on kubeconfigs as kubectl,
 * kind, minikube, the AWS, Google and Azure CLIs and OpenShift's oc write them, on every manifest in
 * examples/ (the seed's among them) and in Argo Rollouts' examples, and on thousands of mutations of
 * them, it gives the library's documents or steps aside (null) - never another value, and never a
 * value where the library reports a problem.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readYamlSubset } from '../../src/util/yaml-subset.js';

const DIR = 'test/util/fixtures/kubeconfigs';
const fixtures = Object.fromEntries(readdirSync(DIR).map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
// The hand-written one without its flow mapping, so that its quoting and comments are read by the subset too.
fixtures['aks-openshift-block.yaml'] = fixtures['aks-openshift.yaml']!.replace('context: {cluster: aks-prod, user: clusterUser_rg_aks-prod}', 'context:\n      cluster: aks-prod\n      user: clusterUser_rg_aks-prod');

/** Every manifest under examples/ and Argo Rollouts' own (test/manifests/argo-examples/), by path. */
const manifests = Object.fromEntries(
  ['examples', 'test/manifests/argo-examples'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => [join(dir, f), readFileSync(join(dir, f), 'utf8')]),
  ),
);

type Library = { docs: unknown[] } | { error: string };
/** The library as canary's manifest loader calls it: any error in any document is a refusal. */
function library(text: string): Library {
  const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
  const docs = Array.isArray(parsed) ? parsed : [];
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) return { error: error.message };
  try {
    return { docs: docs.map((d) => d.toJS({ maxAliasCount: 100 }) ?? null) };
  } catch (err) {
    return { error: String(err) };
  }
}

/** The property: the subset's documents are the library's, or it steps aside. */
function agrees(text: string): boolean {
  const ours = readYamlSubset(text);
  if (ours === null) return true;
  expect({ text, theirs: library(text) }).toEqual({ text, theirs: { docs: ours } });
  return true;
}

/** What kubeconfig-data reads: one mapping document. */
function kubeconfig(text: string): Record<string, unknown> | null {
  const docs = readYamlSubset(text);
  return docs?.length === 1 ? (docs[0] as Record<string, unknown>) : null;
}

describe('readYamlSubset', () => {
  it.each(['kind.yaml', 'minikube.yaml', 'eks.yaml', 'aks-openshift-block.yaml'])('reads %s as the YAML library does', (name) => {
    const text = fixtures[name]!;
    const ours = readYamlSubset(text);
    expect(ours).toHaveLength(1);
    expect(library(text)).toEqual({ docs: ours });
  });

  it('reads quoting, escapes, comments, {} and null as the library does', () => {
    const ours = kubeconfig(fixtures['aks-openshift-block.yaml']!)!;
    expect(ours['current-context']).toBe('admin/api-ocp-example-com:6443/system:admin');
    const users = ours['users'] as { user: Record<string, unknown> }[];
    expect(users[1]!.user['username']).toBe('tab\there "quoted" é');
    expect((users[1]!.user['exec'] as Record<string, unknown>)['env']).toBeNull();
    expect(kubeconfig(fixtures['kind.yaml']!)!['preferences']).toEqual({});
  });

  it.each([
    ['a multi-line plain scalar (gke-gcloud-auth-plugin installHint)', fixtures['gke.yaml']!],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a float', 'a: 1.5\n'],
    ['a hexadecimal integer', 'a: 0x1F\n'],
    ['an integer past 2^53', 'a: 9007199254740993\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a duplicate key in a flow mapping', 'a: {b: 1, b: 2}\n'],
    ['a key the core schema reads as a boolean', 'true: 1\n'],
    ['a tab in indentation', 'a:\n\tb: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['content after ---', '--- a: 1\n'],
    ['a quoted scalar over two lines', 'a: "one\n  two"\n'],
    ['an escape it does not know', 'a: "\\x41"\n'],
    ['a document that is not a mapping', '- a\n- b\n'],
    ['a second document that is not a mapping', 'a: 1\n---\nplain\n'],
    ['a nested flow collection', 'a: {b: [1, 2]}\n'],
    ['a flow collection over two lines', 'a: [1,\n  2]\n'],
    ['an unquoted placeholder, which YAML reads as a mapping', 'value: {{args.x}}\n'],
    ['a comma before the closing bracket', 'a: [1, 2,]\n'],
    ['a quoted key in a flow mapping', 'a: {"b": 1}\n'],
    ['a flow entry without a value', 'a: {b: }\n'],
    ['a key and value without a space in a flow mapping', 'a: {b:1}\n'],
  ])('steps aside for %s', (_, text) => {
    expect(readYamlSubset(text)).toBeNull();
  });

  it.each([
    ['two documents', 'a: 1\n---\nb: 2\n', [{ a: 1 }, { b: 2 }]],
    ['a --- before the first document, comments before it', '# header\n---\na: 1\n', [{ a: 1 }]],
    ['an empty document between markers, and after the last', 'a: 1\n---\n---\nb: 2\n---\n', [{ a: 1 }, null, { b: 2 }, null]],
    ['only comments', '# nothing\n', []],
    ['nothing', '', []],
    ['flow mappings and sequences of scalars', 'p: {duration: 30s}\nq: { a: 1, b: "x, y" }\nr: ["--port", \'8080\', -1, ~]\ns: [a b, c] # c\n', [{ p: { duration: '30s' }, q: { a: 1, b: 'x, y' }, r: ['--port', '8080', -1, null], s: ['a b', 'c'] }]],
    ['a flow mapping as a sequence entry', 'steps:\n  - pause: {duration: 1h}\n  - {setWeight: 10}\n', [{ steps: [{ pause: { duration: '1h' } }, { setWeight: 10 }] }]],
  ])('reads %s as the library does', (_, text, docs) => {
    expect(readYamlSubset(text)).toEqual(docs);
    expect(library(text)).toEqual({ docs });
  });

  it('gives kubeconfig-data one mapping, or steps aside for several documents and none', () => {
    expect(kubeconfig('a: 1\n---\nb: 2\n')).toBeNull();
    expect(kubeconfig('# nothing\n')).toBeNull();
    expect(kubeconfig(fixtures['aks-openshift.yaml']!)).toEqual(library(fixtures['aks-openshift.yaml']!) && (library(fixtures['aks-openshift.yaml']!) as { docs: unknown[] }).docs[0]);
  });

  it.each(Object.keys(manifests))('reads %s as the library does, or steps aside', (name) => {
    agrees(manifests[name]!);
  });

  it("reads the seed's manifests (the article's, which lint and run read first)", () => {
    for (const f of ['rollout.yaml', 'analysis-template.yaml', 'services.yaml']) expect(readYamlSubset(manifests[join('examples/seed', f)]!)).not.toBeNull();
  });

  it('resolves plain scalars by the core schema (yaml library, YAML 1.2)', () => {
    const text = 'n1: ~\nn2: null\nn3: NULL\nn4:\nb1: true\nb2: False\ni1: 42\ni2: -7\ni3: +3\ni4: 0123\ns1: yes\ns2: on\ns3: 1_000\ns4: 12:30\ns5: -x\n';
    const expected = { n1: null, n2: null, n3: null, n4: null, b1: true, b2: false, i1: 42, i2: -7, i3: 3, i4: 123, s1: 'yes', s2: 'on', s3: '1_000', s4: '12:30', s5: '-x' };
    expect(readYamlSubset(text)).toEqual([expected]);
    expect(library(text)).toEqual({ docs: [expected] });
  });

  it('never disagrees with the library on 20,000 mutations of the kubeconfigs and manifests (seeded)', () => {
    let seed = Number(process.env.FUZZ_SEED ?? 20261205);
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const ALPHABET = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '\t', '{', '}', '[', ']', '{}', '&a ', '*a', '!', '|', '>', '\n', 'a', '1', '.', '~', '\\', '\\u00', 'true', 'null', '0x', '1.5', '---\n', '\r', '%', '@', '`', ',', '?', '<<: ', '{a: 1}', '[a, b]', ', ', '{{args.x}}', '"{{args.x}}"', '...\n', '\n---\n'];
    const bases = [...Object.values(fixtures), ...Object.values(manifests)];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = bases[rand(bases.length)]!;
      for (let m = 1 + rand(3); m > 0; m--) {
        const at = rand(text.length + 1);
        const lines = text.split('\n');
        const li = rand(lines.length);
        switch (rand(6)) {
          case 0:
            text = text.slice(0, at) + ALPHABET[rand(ALPHABET.length)]! + text.slice(at);
            break;
          case 1:
            text = text.slice(0, at) + text.slice(at + 1 + rand(4));
            break;
          case 2:
            lines.splice(li, 0, lines[rand(lines.length)]!);
            text = lines.join('\n');
            break;
          case 3:
            lines[li] = rand(2) ? `  ${lines[li]}` : lines[li]!.replace(/^ {1,2}/, '');
            text = lines.join('\n');
            break;
          case 4:
            lines.splice(li, 1);
            text = lines.join('\n');
            break;
          default:
            text = text.slice(0, at);
        }
      }
      agrees(text);
      if (readYamlSubset(text) !== null) accepted++;
    }
    // The property means something only if the subset reads many of them.
    expect(accepted).toBeGreaterThan(2_000);
  });
});
