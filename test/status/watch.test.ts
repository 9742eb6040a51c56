import type { StatusView } from '../../src/status/model.js';
import { toStatusView } from '../../src/status/view.js';
import { RedrawThrottle, watchDecision, type WatchOptions } from '../../src/status/watch.js';
import { FIXTURES, NOW, REV_NEW, REV_NEXT, type FixtureName } from './fixtures.js';

const view = (name: FixtureName) => toStatusView(FIXTURES[name]);
const outcomeOf = (v: StatusView, o: Partial<WatchOptions> = {}) => {
  const d = watchDecision(v, { exitOnPause: false, now: NOW, ...o });
  return d === 'continue' ? d : d.outcome;
};

describe('watchDecision', () => {
  it.each<[FixtureName, string, string]>([
    // fixture, without --exit-on-pause, with it
    ['initialDeploy', 'continue', 'continue'],
    ['waitingForCanaryPods', 'continue', 'continue'],
    ['pausedWithTimeLeft', 'continue', 'continue'], // a timed pause ends on its own
    ['pausedIndefinitely', 'continue', 'paused'],
    ['pausedInconclusive', 'continue', 'paused'],
    ['promoting', 'continue', 'continue'],
    ['rolledBackByAnalysis', 'rolledBack', 'rolledBack'],
    ['abortedByPerson', 'aborted', 'aborted'],
    ['progressDeadlineExceeded', 'continue', 'continue'], // Degraded, but the run keeps waiting (#1225)
    ['healthyAfterPromotion', 'ok', 'ok'],
    ['noLiveRunner', 'continue', 'continue'], // `canary run` can resume it
    ['waitingForRevision', 'continue', 'continue'], // the previous run's Healthy is not ours
    ['blueGreenPaused', 'continue', 'paused'], // autoPromotionEnabled: false waits for a person
    ['blueGreenPostPromotion', 'continue', 'continue'],
  ])('%s -> %s (exit-on-pause: %s)', (name, plain, onPause) => {
    expect(outcomeOf(view(name))).toBe(plain);
    expect(outcomeOf(view(name), { exitOnPause: true })).toBe(onPause);
  });

  it('times out with the last status, but a verdict at the deadline wins', () => {
    const d = watchDecision(view('pausedIndefinitely'), { exitOnPause: false, now: NOW, timeoutAt: NOW });
    expect(d).toEqual({ outcome: 'timeout', reason: 'gave up waiting for apps/myapp (--timeout): it is Paused: paused at step 4/9 until `canary promote myapp -n apps`' });
    expect(outcomeOf(view('pausedIndefinitely'), { timeoutAt: NOW + 1 })).toBe('continue');
    expect(outcomeOf(view('healthyAfterPromotion'), { timeoutAt: NOW - 1 })).toBe('ok');
    expect(outcomeOf(view('noLiveRunner'), { timeoutAt: NOW - 1 })).toBe('timeout');
  });

  it('with --revision, a previous run never ends the watch, even built without revisionWanted', () => {
    expect(outcomeOf(view('healthyAfterPromotion'), { revision: REV_NEXT })).toBe('continue');
    expect(outcomeOf(view('rolledBackByAnalysis'), { revision: REV_NEXT })).toBe('continue');
    expect(outcomeOf(view('pausedIndefinitely'), { revision: REV_NEXT, exitOnPause: true })).toBe('continue');
    expect(outcomeOf(view('healthyAfterPromotion'), { revision: REV_NEW })).toBe('ok');
    expect(outcomeOf(view('healthyAfterPromotion'), { revision: REV_NEW.slice(0, 6) })).toBe('ok');
    const d = watchDecision(view('waitingForRevision'), { exitOnPause: false, now: NOW, revision: REV_NEXT, timeoutAt: NOW });
    expect(d).toMatchObject({ outcome: 'timeout', reason: expect.stringContaining(`the run of revision ${REV_NEXT} has not started`) });
  });

  it('a stable that already runs the wanted revision is done', () => {
    const v = toStatusView({ ...FIXTURES.healthyAfterPromotion, state: null, revisionWanted: REV_NEW });
    expect(outcomeOf(v, { revision: REV_NEW })).toBe('ok');
  });

  it('reasons name the rollout and the message', () => {
    expect(watchDecision(view('rolledBackByAnalysis'), { exitOnPause: false, now: NOW })).toEqual({
      outcome: 'rolledBack',
      reason: expect.stringMatching(/^apps\/myapp is Degraded: rolled back: analysis background failed: metric success-rate: result \[0\.42\]/),
    });
    expect(watchDecision(view('pausedIndefinitely'), { exitOnPause: true, now: NOW })).toEqual({
      outcome: 'paused',
      reason: 'apps/myapp is paused: paused at step 4/9 until `canary promote myapp -n apps`; `canary promote myapp -n apps` continues, `canary abort myapp -n apps` rolls back',
    });
  });
});

describe('RedrawThrottle', () => {
  it('draws a new frame at once, then at most every 200 ms, only when it changed', () => {
    const t = new RedrawThrottle();
    expect(t.offer('a', 1000)).toEqual({ kind: 'draw', frame: 'a' });
    expect(t.offer('a', 1050)).toEqual({ kind: 'same' });
    expect(t.offer('b', 1100)).toEqual({ kind: 'hold', until: 1200 });
    expect(t.due(1199)).toBeNull();
    expect(t.offer('c', 1150)).toEqual({ kind: 'hold', until: 1200 });
    expect(t.due(1200)).toBe('c'); // the newest held frame; b was never drawn
    expect(t.due(1300)).toBeNull();
    expect(t.offer('d', 1400)).toEqual({ kind: 'draw', frame: 'd' });
  });

  it('a held frame that goes back to what is shown is dropped', () => {
    const t = new RedrawThrottle();
    t.offer('a', 0);
    t.offer('b', 10);
    expect(t.offer('a', 20)).toEqual({ kind: 'same' });
    expect(t.due(500)).toBeNull();
  });

  it('flush draws the held frame at once (the last one before exit)', () => {
    const t = new RedrawThrottle(200);
    t.offer('a', 0);
    t.offer('final', 50);
    expect(t.flush(60)).toBe('final');
    expect(t.flush(61)).toBeNull();
    expect(t.offer('final', 70)).toEqual({ kind: 'same' });
  });

  it('the interval is a parameter', () => {
    const t = new RedrawThrottle(1000);
    t.offer('a', 0);
    expect(t.offer('b', 999)).toEqual({ kind: 'hold', until: 1000 });
    expect(t.offer('b', 1000)).toEqual({ kind: 'draw', frame: 'b' });
  });
});

describe('a watch frame on a short terminal', () => {
  it('keeps the header and says how many lines were left out, never more rows than the screen', async () => {
    const { fitToRows } = await import('../../src/commands/status.js');
    const frame = Array.from({ length: 33 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const fitted = fitToRows(frame, 20);
    const lines = fitted.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThan(20);
    expect(lines[0]).toBe('line 1');
    expect(lines.at(-1)).toMatch(/^… 15 more lines/);
    expect(fitToRows('a\nb\n', 20)).toBe('a\nb\n');
  });
});
