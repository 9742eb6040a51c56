/**
 * The CI integrations (issue 16 item 14) as far as they can run here: the GitHub Action's step
 * script (action/canary.sh) in bash with GitHub's environment variables set and the built binary as
 * canary, against a sandbox (no Prometheus needed); action.yml's inputs wired to the script; the
 * GitLab CI example's command run with --dry-run against the same sandbox.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { catalog } from '../../sandbox/api/catalog.js';
import { cliWorld, seedWithoutAnalysis, type CliWorld } from '../../support/seed.js';
import { BIN, ROOT } from '../support/harness.js';
import { runProcess } from '../support/process.js';

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; uses?: string; shell?: string; env?: Record<string, string>; run?: string }[] };
}

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string }).version;

function bash(script: string, env: NodeJS.ProcessEnv, cwd: string) {
  return runProcess('bash', ['-c', script], { env, cwd });
}

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
  it('is a composite action whose step passes every input to action/canary.sh as INPUT_<NAME>', () => {
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'run')!;
    expect(step.run).toBe('bash "$GITHUB_ACTION_PATH/action/canary.sh"');
    const script = readFileSync(join(ROOT, 'action', 'canary.sh'), 'utf8');
    for (const name of Object.keys(action.inputs)) {
      const variable = `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect({ name, env: step.env?.[variable] }).toEqual({ name, env: `\${{ inputs.${name} }}` });
      expect({ variable, read: script.includes(variable) }).toEqual({ variable, read: true });
    }
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['files', 'image', 'timeout', 'report']));
    expect(action.inputs.version!.default).toBe(VERSION);
    for (const [name, out] of Object.entries(action.outputs)) expect(out.value).toBe(`\${{ steps.run.outputs.${name} }}`);
  });
});

describe('the Action step and the GitLab job against a sandbox', () => {
  let world: CliWorld;
  let gh: string;
  let github: (inputs: Record<string, string>) => Promise<{ code: number | null; stdout: string; stderr: string; outputs: Record<string, string>; summary: string }>;
  beforeAll(async () => {
    world = await cliWorld('ci', null);
    writeFileSync(join(world.dir, 'rollout.yaml'), seedWithoutAnalysis().replace('        - pause: {}\n', '        - pause: {duration: 10s}\n'));
    gh = mkdtempSync(join(tmpdir(), 'canary-gh-'));
    github = async (inputs) => {
      const outputFile = join(gh, `output-${Date.now()}`);
      const summaryFile = join(gh, `summary-${Date.now()}`);
      writeFileSync(outputFile, '');
      const env: NodeJS.ProcessEnv = {
        ...world.env,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: world.dir,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'org/shop',
        GITHUB_RUN_ID: '4242',
        GITHUB_SHA: 'f00dfeed',
        RUNNER_TEMP: gh,
        RUNNER_OS: 'Linux',
        CANARY_BIN: BIN,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
      };
      const r = await bash('bash "$GITHUB_ACTION_PATH/action/canary.sh"', env, world.dir);
      const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      let summary = '';
      try {
        summary = readFileSync(summaryFile, 'utf8');
      } catch {
        summary = '';
      }
      return { ...r, outputs, summary };
    };
  }, 30_000);
  afterAll(async () => {
    await world?.close();
    rmSync(gh, { recursive: true, force: true });
  });

  const defaults = { timeout: '30m', report: 'canary-report.html', 'scale-down': 'leave', version: VERSION, namespace: '', args: '--time-scale 0.01' };

  it('first deploy, then a promoted release: exit 0, outputs, the step summary and the report', async () => {
    const first = await github({ ...defaults, files: 'rollout.yaml', image: '' });
    expect({ code: first.code, outputs: first.outputs }).toEqual({ code: 0, outputs: { verdict: 'deployed', 'exit-code': '0', report: 'canary-report.html' } });
    const r = await github({ ...defaults, files: 'rollout.yaml\n', image: '\n  myapp=ghcr.io/mccutchen/go-httpbin:2.17.1  \n' });
    expect({ code: r.code, outputs: r.outputs }).toEqual({ code: 0, outputs: { verdict: 'promoted', 'exit-code': '0', report: 'canary-report.html' } });
    expect(r.stdout).toMatch(/^✔ promoted: apps\/myapp revision \w+, step 2\/2, /m);
    expect(r.stdout).not.toMatch(/^::error/m);
    expect(r.summary).toMatch(/### ✅ canary promoted: `apps\/myapp`/);
    expect(readFileSync(join(world.dir, 'canary-report.html'), 'utf8')).toMatch(/<title>canary promoted: apps\/myapp revision \w+<\/title>/);
    // The runner's identity names the job, as the Lease and the run state keep it.
    const cm = world.sb.store.tryGet(catalog.configmaps, 'apps', 'myapp-canary-run') as unknown as { data: Record<string, string> };
    expect(JSON.parse(cm.data['state.json']!).owner).toMatch(/ https:\/\/github\.com\/org\/shop\/actions\/runs\/4242$/);
  });

  it('a release that stops at a pause: the step fails with the exit code, an ::error:: annotation and a failed summary', async () => {
    writeFileSync(join(world.dir, 'gated.yaml'), seedWithoutAnalysis());
    const r = await github({ ...defaults, files: 'gated.yaml', image: 'myapp=ghcr.io/mccutchen/go-httpbin:2.18', args: '--time-scale 0.01 --exit-on-pause' });
    expect({ code: r.code, outputs: r.outputs }).toEqual({ code: 7, outputs: { verdict: 'paused', 'exit-code': '7', report: 'canary-report.html' } });
    expect(r.stdout).toMatch(/^::error title=canary paused::apps\/myapp revision \w+ paused at step 2\/2: /m);
    expect(r.summary).toMatch(/### ❌ canary paused: `apps\/myapp`/);
  });

  it('no files: a usage error the step says in an annotation', async () => {
    const r = await github({ ...defaults, files: ' \n ', image: '' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('::error title=canary::the files input is empty: give the Rollout\'s manifests (e.g. files: k8s/)\n');
  });

  it("the GitLab CI example's command works (--dry-run) with GitLab's variables", async () => {
    const job = (parse(readFileSync(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as { canary: { script: string[]; variables: Record<string, string> } }).canary;
    expect(job.variables.CANARY_VERSION).toBe(VERSION);
    const command = job.script.join('\n').trimEnd().replace('npx --yes canary-rollouts@$CANARY_VERSION', `"${BIN}"`).replace(' k8s/', ' rollout.yaml');
    const env = { ...world.env, CI: 'true', GITLAB_CI: 'true', CI_REGISTRY_IMAGE: 'registry.example.com/shop/myapp', CI_COMMIT_SHA: 'f00dfeed', CANARY_VERSION: VERSION };
    const r = await bash(`${command} --dry-run`, env, world.dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/registry\.example\.com\/shop\/myapp:f00dfeed/);
  });
});
