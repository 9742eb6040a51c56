/**
 * Shell completion's back end, `canary __complete WORD...` (issue 16 item 13), through main(): verbs,
 * flags and choices from the program itself; rollout names, namespaces and contexts from a sandbox.
 * The scripts themselves run in real shells in test/e2e/cli/completion.test.ts.
 */
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { cliWorld, type CliWorld } from '../support/seed.js';

const complete = async (words: string[], env?: NodeJS.ProcessEnv) => {
  const r = await runCli(['__complete', ...words], env ? { env } : {});
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout.split('\n').filter(Boolean);
};

describe('__complete: from the program', () => {
  it('verbs, then each verb its flags (and the global ones), then the values of a flag', async () => {
    expect(await complete([''])).toEqual(['lint', 'run', 'status', 'abort', 'promote', 'retry', 'history', 'completion', 'analyze']);
    const status = await complete(['status', '-']);
    expect(status).toEqual(expect.arrayContaining(['--watch', '-w', '--timeout', '--output', '-o', '--namespace', '-n', '--context', '--kubeconfig', '--version', '-V', '--help']));
    expect(status).not.toContain('--image');
    expect(await complete(['status', '-o', ''])).toEqual(['text', 'wide', 'json', 'yaml']);
    expect(await complete(['run', 'k8s/', '--scale-down', ''])).toEqual(['wait', 'leave']);
    expect(await complete(['-n', 'apps', 'run', '--on-interrupt', ''])).toEqual(['rollback', 'leave']);
    expect(await complete(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('file names where the command takes files, nothing where a value is free text', async () => {
    expect(await complete(['run', ''])).toEqual([':files']);
    expect(await complete(['lint', 'a.yaml', ''])).toEqual([':files']);
    expect(await complete(['run', 'k8s/', '--report', ''])).toEqual([':files']);
    expect(await complete(['--kubeconfig', ''])).toEqual([':files']);
    expect(await complete(['abort', 'myapp', '--reason', ''])).toEqual([]);
    expect(await complete(['abort', 'myapp', ''])).toEqual([]);
  });

  it('-V is --version', async () => {
    const [v, version] = await Promise.all([runCli(['-V']), runCli(['--version'])]);
    expect(v).toEqual(version);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('__complete: from the cluster', () => {
  let world: CliWorld;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    world = await cliWorld('complete');
    ({ dir } = world);
    env = { ...world.env };
    expect((await runCli(['run', dir], { env })).code).toBe(0);
  }, 30_000);
  afterAll(async () => {
    await world?.close();
  });

  it('rollout names for status, abort, promote, retry and history, in the namespace typed (or the context\'s)', async () => {
    for (const verb of ['status', 'abort', 'promote', 'retry', 'history']) expect({ verb, words: await complete([verb, ''], env) }).toEqual({ verb, words: ['myapp'] });
    expect(await complete(['status', '-n', 'default', ''], env)).toEqual([]);
    expect(await complete(['--namespace=apps', 'history', 'my'], env)).toEqual(['myapp']);
  });

  it('namespaces and contexts', async () => {
    expect(await complete(['status', '-n', ''], env)).toEqual(expect.arrayContaining(['apps', 'default', 'monitoring']));
    expect(await complete(['--context', ''], env)).toEqual(['canary-sandbox']);
  });

  it('a cluster that cannot be reached gives no words, quickly, and no error', async () => {
    const none = await complete(['status', ''], { ...env, KUBECONFIG: join(dir, 'missing.yaml') });
    expect(none).toEqual([]);
  });
});
