/** The run printer: the verdict line as soon as traffic is safe, the scale-down after it (issue 16 item 8). */
import { PassThrough } from 'node:stream';
import type { RunEvent } from '../../src/engine/events.js';
import { createRunPrinter } from '../../src/output/printer.js';
import type { FinalLine } from '../../src/output/verdict.js';
import { plainPalette } from '../../src/util/palette.js';
import { FakeClock } from '../support/fake-clock.js';

const T = Date.UTC(2026, 10, 26, 10, 0, 0);
const F: FinalLine = { verdict: 'promoted', name: 'myapp', namespace: 'apps', revision: 'abc123', step: '1/1', durationMs: 12_000, reason: 'promoted revision abc123 after 1 steps' };

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += String(d)));
  return { stream, text: () => text };
}

async function printed(mode: 'lines' | 'json') {
  const out = capture();
  const err = capture();
  const printer = await createRunPrinter({
    mode,
    stdout: out.stream,
    stderr: err.stream,
    palette: plainPalette,
    errPalette: plainPalette,
    env: {},
    clock: new FakeClock(T),
    rollout: 'apps/myapp',
    hint: { name: 'myapp', namespace: 'apps' },
    steps: [{ text: 'setWeight 100%', keys: [] }],
  });
  const events: RunEvent[] = [
    { kind: 'weightChanged', at: T + 1, from: 100, to: 0, router: 'TrafficSplit' },
    { kind: 'finished', at: T + 2, phase: 'Healthy', revision: 'abc123', stepIndex: 1, stepCount: 1, durationMs: 12_000, reason: F.reason },
  ];
  for (const e of events) printer.event(e);
  printer.verdict(F);
  printer.event({ kind: 'scaleDownScheduled', at: T + 2, due: T + 30_002, delay: 'scaleDownDelaySeconds', left: false });
  printer.event({ kind: 'scaledDown', at: T + 30_002, track: 'canary', replicas: 0 });
  await printer.done(F, 0);
  return { stdout: out.text(), stderr: err.text() };
}

describe('the verdict line comes as soon as traffic is safe', () => {
  it('lines: the verdict, then the scale-down countdown line, then the scale-down; the verdict is printed once', async () => {
    const { stdout } = await printed('lines');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+Z myapp /, ''))).toEqual([
      'weight 100% -> 0% canary (TrafficSplit)',
      '✔ promoted: apps/myapp revision abc123, step 1/1, 12s: promoted revision abc123 after 1 steps',
      'scaling the canary down at 10:00:30Z (in 30s, scaleDownDelaySeconds); Ctrl+C leaves it to the next canary command',
      'canary scaled down to 0',
    ]);
  });

  it('json: the human verdict on stderr first, the result line last on stdout', async () => {
    const { stdout, stderr } = await printed('json');
    expect(stderr.split('\n')[1]).toMatch(/^✔ promoted: apps\/myapp/);
    const last = JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as { type: string; exitCode: number };
    expect(last).toMatchObject({ type: 'result', exitCode: 0 });
    expect(stdout.split('\n').filter((l) => l.includes('"scaledDown"'))).toHaveLength(1);
  });
});
