/**
 * `canary history NAME` (issue 16 item 10) through main() against an in-process sandbox: a first
 * deploy, a release aborted by a person, a release promoted by a person, newest first, with who.
 */
import { runCli } from '../support/cli.js';
import { cliWorld, type CliWorld } from '../support/seed.js';

const IMAGE = 'ghcr.io/mccutchen/go-httpbin';

describe('canary history', () => {
  let world: CliWorld;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env });
  beforeAll(async () => {
    world = await cliWorld('history');
    ({ dir } = world);
    env = { ...world.env };
    const steps: [string[], number][] = [
      [['run', dir], 0],
      [['run', dir, '--image', `myapp=${IMAGE}:2.17.1`, '--exit-on-pause', '--time-scale', '0.01'], 7],
      [['abort', 'myapp', '--reason', 'error budget'], 0],
      [['run', dir, '--image', `myapp=${IMAGE}:2.18`, '--exit-on-pause', '--time-scale', '0.01'], 7],
      [['promote', 'myapp'], 0],
      [['run', dir, '--image', `myapp=${IMAGE}:2.18`, '--time-scale', '0.01'], 0],
    ];
    for (const [args, code] of steps) {
      const r = await cli(...args);
      expect({ args, code: r.code, err: r.code === code ? '' : r.stderr + r.stdout }).toEqual({ args, code, err: '' });
    }
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('-o json: every run newest first, with its verdict, reason, duration and who acted', async () => {
    const r = await cli('history', 'myapp', '-o', 'json');
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as { schemaVersion: number; runs: { verdict: string; images: string[]; reason: string; step: string; by: string[]; durationMs: number | null; mode: string }[] };
    expect(view.schemaVersion).toBe(1);
    expect(view.runs.map((x) => [x.mode, x.images[0], x.verdict, x.step])).toEqual([
      ['canary', `${IMAGE}:2.18`, 'promoted', '2/2'],
      ['canary', `${IMAGE}:2.17.1`, 'aborted', '2/2'],
      ['initial', `${IMAGE}:2.17`, 'deployed', '-'],
    ]);
    const [promoted, aborted] = view.runs;
    expect(promoted!.by).toEqual([expect.stringMatching(/^\S+@\S+ \(promote\)$/)]);
    expect(aborted!.by).toEqual([expect.stringMatching(/^\S+@\S+ \(abort\)$/)]);
    expect(aborted!.reason).toMatch(/^aborted by \S+@\S+: error budget at step 2\/2 \(weight 30%\)$/);
    for (const run of view.runs) expect(run.durationMs).toEqual(expect.any(Number));
  });

  it('text: a table, newest first, nothing cut off a terminal', async () => {
    const r = await cli('history', 'myapp');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED +REVISION +VERDICT +STEP +DURATION +BY +IMAGES +REASON$/);
    expect(lines.slice(1).map((l) => /[✔✖] (promoted|aborted|deployed)/.exec(l)?.[1])).toEqual(['promoted', 'aborted', 'deployed']);
    expect(lines[2]).toMatch(/ aborted by \S+@\S+: error budget at step 2\/2 \(weight 30%\)$/);
    expect(r.stdout).not.toContain('…');
  });

  it('an unknown name says what it looked for and suggests a near one', async () => {
    const r = await cli('history', 'myapps');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean myapp\?\nhint: `canary history myapp -n apps`\n$/);
  });
});
