/** `canary lint` end to end in-process: the seed, broken inputs, and the JSON form. */
import { mkdtemp, open, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-lint-'));
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('canary lint', () => {
  it('passes the seed article manifests verbatim', async () => {
    const r = await runCli(['lint', 'examples/seed/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings in 3 files (1 Rollout, 1 AnalysisTemplate, 3 Services)');
  });

  it('passes the demo repository manifests, reporting the Deployment it skips', async () => {
    const r = await runCli(['lint', 'examples/demo-repo/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('skipped apps/v1 Deployment apps/slow-cooker');
  });

  it('names the line of one broken field', async () => {
    const text = await readFile('examples/seed/rollout.yaml', 'utf8');
    const broken = await file('rollout.yaml', text.replace('setWeight: 40', 'setWeight: "forty"'));
    const r = await runCli(['lint', broken, 'examples/seed/analysis-template.yaml', 'examples/seed/services.yaml']);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('setWeight: 40')) + 1;
    expect(r.stdout).toContain(`rollout.yaml:${line}:22: spec.strategy.canary.steps[2].setWeight: expected a whole number, got the string "forty"`);
  });

  it('gives the same as data with -o json', async () => {
    const r = await runCli(['lint', 'examples/seed/', '-o', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toEqual([]);
    expect(report.read.rollouts).toEqual(['apps/myapp']);
    expect(report.read.templates).toEqual(['AnalysisTemplate/apps/success-rate-analysis']);
  });

  it('keeps warnings apart from errors and exits 0 on warnings only', async () => {
    const text = await readFile('examples/seed/analysis-template.yaml', 'utf8');
    const p = await file('no-address.yaml', text.replace(/\s+address: .*\n/, '\n'));
    const r = await runCli(['lint', 'examples/seed/rollout.yaml', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warnings:\n {2}.*no-address.yaml:\d+:\d+: spec.metrics\[0\].provider.prometheus: no address/);
  });
});

describe('bad input: exit 2, the file, the line and what to fix, never a stack trace', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['malformed YAML', async () => [await file('bad.yaml', 'kind: Rollout\n  spec: [\n')], /bad\.yaml:\d+:\d+: invalid YAML/],
    ['a document that is not a mapping', async () => [await file('list.yaml', '- a\n- b\n')], /list\.yaml:1:1: a manifest must be a mapping with apiVersion and kind, this document is a list/],
    ['a mapping without apiVersion', async () => [await file('noapi.yaml', 'kind: Rollout\n')], /noapi\.yaml:1:1: not a Kubernetes manifest: apiVersion missing/],
    ['wrong types', async () => [await file('types.yaml', (await readFile('examples/seed/rollout.yaml', 'utf8')).replace('replicas: 1', 'replicas: [1]'))], /types\.yaml:7:13: spec\.replicas: expected a whole number, got a list/],
    ['an unknown Argo kind', async () => [await file('exp.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Experiment\nmetadata: {name: x}\n')], /exp\.yaml:2:7: kind: Experiment: Experiments are not supported/],
    ['a missing file', async () => [join(dir, 'nope.yaml')], /nope\.yaml:1:1: no such file or directory/],
    ['a directory with no YAML', async () => {
      const d = join(dir, 'empty');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'README.md'), '# nothing');
      return [d];
    }, /empty:1:1: no \.yaml, \.yml or \.json files in this directory/],
    ['a 50 MB file', async () => {
      const p = join(dir, 'huge.yaml');
      const h = await open(p, 'w');
      await h.truncate(50 * 1024 * 1024);
      await h.close();
      return [p];
    }, /huge\.yaml:1:1: file is 50\.0 MiB, over the 4\.0 MiB limit for a manifest/],
    ['a binary file', async () => [await file('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))], /bin\.yaml:1:1: not a text file/],
    ['duplicate metric names', async () => {
      const t = await readFile('examples/seed/analysis-template.yaml', 'utf8');
      const metric = t.slice(t.indexOf('    - name: success-rate'));
      return [await file('dup.yaml', t + metric)];
    }, /dup\.yaml:\d+:\d+: spec\.metrics\[1\]\.name: duplicate metric name "success-rate"/],
    ['a template referenced but absent', async () => ['examples/seed/rollout.yaml'], /rollout\.yaml:17:27: spec\.strategy\.canary\.analysis\.templates\[0\]\.templateName: background analysis: AnalysisTemplate "success-rate-analysis" not found in the files given \(namespace apps\): add its manifest/],
  ];

  it.each(cases)('%s', async (_name, make, expected) => {
    const r = await runCli(['lint', ...(await make())]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(expected);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  });

  it('an unknown flag is a usage error', async () => {
    const r = await runCli(['lint', '--bogus', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});
