/**
 * src/kube/kubeconfig-yaml.ts against the YAML library it stands in for: on kubeconfigs as kubectl,
 * kind, minikube, the AWS, Google and Azure CLIs and OpenShift's oc write them, and on thousands of
 * mutations of them, it gives the library's value or steps aside (null) - never another value, and
 * never a value where the library refuses the text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseKubeconfigYaml } from '../../src/kube/kubeconfig-yaml.js';

const DIR = 'test/kube/fixtures/kubeconfigs';
const fixtures = Object.fromEntries(readdirSync(DIR).map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
// The hand-written one without its flow mapping, so that its quoting and comments are read by the subset too.
fixtures['aks-openshift-block.yaml'] = fixtures['aks-openshift.yaml']!.replace('context: {cluster: aks-prod, user: clusterUser_rg_aks-prod}', 'context:\n      cluster: aks-prod\n      user: clusterUser_rg_aks-prod');

type Library = { value: unknown } | { error: string };
function library(text: string): Library {
  try {
    // logLevel 'error': warnings are not printed; errors still throw, as in canary's own parse().
    return { value: parse(text, { logLevel: 'error' }) };
  } catch (err) {
    return { error: String(err) };
  }
}

/** The property: the subset's value is the library's, or it steps aside. */
function agrees(text: string): boolean {
  const ours = parseKubeconfigYaml(text);
  if (ours === null) return true;
  const theirs = library(text);
  expect({ text, theirs }).toEqual({ text, theirs: { value: ours } });
  return true;
}

describe('parseKubeconfigYaml', () => {
  it.each(['kind.yaml', 'minikube.yaml', 'eks.yaml', 'aks-openshift-block.yaml'])('reads %s as the YAML library does', (name) => {
    const text = fixtures[name]!;
    const ours = parseKubeconfigYaml(text);
    expect(ours).not.toBeNull();
    expect(ours).toEqual((library(text) as { value: unknown }).value);
  });

  it('reads quoting, escapes, comments, {} and null as the library does', () => {
    const ours = parseKubeconfigYaml(fixtures['aks-openshift-block.yaml']!)!;
    expect(ours['current-context']).toBe('admin/api-ocp-example-com:6443/system:admin');
    const users = ours['users'] as { user: Record<string, unknown> }[];
    expect(users[1]!.user['username']).toBe('tab\there "quoted" é');
    expect((users[1]!.user['exec'] as Record<string, unknown>)['env']).toBeNull();
    expect(parseKubeconfigYaml(fixtures['kind.yaml']!)!['preferences']).toEqual({});
  });

  it.each([
    ['a multi-line plain scalar (gke-gcloud-auth-plugin installHint)', fixtures['gke.yaml']!],
    ['a flow mapping with content', fixtures['aks-openshift.yaml']!],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a float', 'a: 1.5\n'],
    ['a hexadecimal integer', 'a: 0x1F\n'],
    ['an integer past 2^53', 'a: 9007199254740993\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a key the core schema reads as a boolean', 'true: 1\n'],
    ['a tab in indentation', 'a:\n\tb: 1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a quoted scalar over two lines', 'a: "one\n  two"\n'],
    ['an escape it does not know', 'a: "\\x41"\n'],
    ['a document that is not a mapping', '- a\n- b\n'],
    ['an empty document', '# nothing\n'],
  ])('steps aside for %s', (_, text) => {
    expect(parseKubeconfigYaml(text)).toBeNull();
  });

  it('resolves plain scalars by the core schema (yaml library, YAML 1.2)', () => {
    const text = 'n1: ~\nn2: null\nn3: NULL\nn4:\nb1: true\nb2: False\ni1: 42\ni2: -7\ni3: +3\ni4: 0123\ns1: yes\ns2: on\ns3: 1_000\ns4: 12:30\ns5: -x\n';
    expect(parseKubeconfigYaml(text)).toEqual((library(text) as { value: unknown }).value);
    expect(parseKubeconfigYaml(text)).toEqual({ n1: null, n2: null, n3: null, n4: null, b1: true, b2: false, i1: 42, i2: -7, i3: 3, i4: 123, s1: 'yes', s2: 'on', s3: '1_000', s4: '12:30', s5: '-x' });
  });

  it('never disagrees with the library on 20,000 mutations of the fixtures (seeded)', () => {
    let seed = 20261205;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const ALPHABET = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '\t', '{', '}', '[', ']', '{}', '&a ', '*a', '!', '|', '>', '\n', 'a', '1', '.', '~', '\\', '\\u00', 'true', 'null', '0x', '1.5', '---\n', '\r', '%', '@', '`', ',', '?', '<<: '];
    const bases = Object.values(fixtures);
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
      if (parseKubeconfigYaml(text) !== null) accepted++;
    }
    // The property means something only if the subset reads many of them.
    expect(accepted).toBeGreaterThan(2_000);
  });
});
