/**
 * `canary completion bash|zsh|fish` in the real shells (issue 16 item 13), and `-V`, with the built binary on
 * PATH as `canary`: verbs, a flag's choices, file names, and rollout names from a sandbox. Each shell
 * that is not installed is skipped, saying how to install it (CI installs all three).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { seedWithoutAnalysis } from '../../support/seed.js';
import { BIN, ROOT, runCanary } from '../support/harness.js';
import { runProcess } from '../support/process.js';

/** Each shell's way to ask its completion system for the candidates of a command line. */
const SHELLS = {
  bash: (line: string) =>
    `source <(canary completion bash); read -ra COMP_WORDS <<< ${quote(line)}; [[ ${quote(line)} == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _canary_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
  // compsys needs a terminal; its two builtins the script calls are stood in for, the rest is zsh's.
  zsh: (line: string) =>
    `compdef() {}; compadd() { shift; print -l -- "$@" }; _files() { print -l -- *(N) }; source <(canary completion zsh); words=(\${=\${:-${quote(line)}}}); [[ ${quote(line)} == *' ' ]] && words+=(''); CURRENT=\${#words}; _canary`,
  fish: (line: string) => `canary completion fish | source; complete -C ${quote(line)}`,
} as const;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('shell completion scripts in real shells', () => {
  let sb: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('e2e: run `npm run build` first (npm run test:e2e does it)');
    dir = mkdtempSync(join(tmpdir(), 'canary-shells-'));
    symlinkSync(BIN, join(dir, 'canary'));
    sb = await startSandbox({ scenario: 'seed', prometheus: false, load: false, podStartDelayMs: 20, log: () => undefined });
    writeFileSync(join(dir, 'rollout.yaml'), seedWithoutAnalysis());
    env = { PATH: `${dir}:${process.env.PATH}`, HOME: dir, KUBECONFIG: sb.kubeconfigPath };
    // The sandbox answers in this process: every child runs asynchronously.
    const first = await runCanary(sb, ['run', join(dir, 'rollout.yaml')]);
    expect({ code: first.code, err: first.stderr }).toEqual({ code: 0, err: '' });
  }, 60_000);
  afterAll(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-V is an alias of --version: the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['-V', '--version']) expect(await runProcess(BIN, [flag], { env, cwd: dir })).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  for (const [shell, script] of Object.entries(SHELLS)) {
    const installed = existsSync(`/usr/bin/${shell}`);
    const run = async (line: string) => {
      const r = await runProcess(shell, ['-c', script(line)], { env, cwd: dir });
      expect({ shell, line, code: r.code, stderr: r.stderr }).toEqual({ shell, line, code: 0, stderr: '' });
      // fish prints "candidate<TAB>description"; the others one candidate a line.
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
    };
    (installed ? it : it.skip)(installed ? `${shell}: verbs, a flag's choices, file names, rollout names from the cluster` : `SKIPPED: ${shell} is not installed (apt-get install -y ${shell})`, async () => {
      expect(await run('canary sta')).toContain('status');
      expect(await run('canary status -o ')).toEqual(expect.arrayContaining(['json', 'yaml', 'wide', 'text']));
      expect(await run('canary lint roll')).toContain('rollout.yaml');
      for (const verb of ['status', 'abort', 'promote', 'retry', 'history']) expect({ verb, names: await run(`canary ${verb} my`) }).toEqual({ verb, names: ['myapp'] });
      expect(await run('canary -n apps history my')).toEqual(['myapp']);
      expect(await run('canary completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    }, 60_000);
  }
});

