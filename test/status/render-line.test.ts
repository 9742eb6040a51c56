import { renderList, renderWatchLine, WatchLines } from '../../src/status/render-line.js';
import { toStatusView } from '../../src/status/view.js';
import { plainPalette } from '../../src/util/palette.js';
import { FIXTURES, NOW, RUNNER, S } from './fixtures.js';
import { overWidth } from './golden.js';

describe('renderList', () => {
  const views = [
    toStatusView(FIXTURES.pausedWithTimeLeft),
    toStatusView({ ...FIXTURES.healthyAfterPromotion, name: 'checkout-frontend-service', namespace: 'shop-production' }),
    toStatusView({ ...FIXTURES.noLiveRunner, name: 'api', namespace: 'apps' }),
    toStatusView({ ...FIXTURES.initialDeploy, name: 'web', namespace: 'apps', lease: { holder: { identity: 'very-long-runner-identity@gitlab-runner-1234567', renewedAt: NOW - S, durationMs: 15_000 } } }),
  ];

  it('one row per rollout, sorted, within 80 columns', () => {
    const text = renderList(views.slice(0, 3).map((v) => (v.name === 'checkout-frontend-service' ? { ...v, name: 'checkout', namespace: 'shop' } : v)), plainPalette);
    expect(text).toBe(
      [
        'NAMESPACE  NAME      STATUS      STEP  SETWEIGHT  ACTUAL  RUNNER             AGE',
        'apps       api       ✖ Degraded  2/9   10         10      lost               5m',
        'apps       myapp     ॥ Paused    2/9   10         10      ci-4711@gitlab-r…  5m',
        'shop       checkout  ✔ Healthy   9/9   -          0       -                  31m',
        '',
      ].join('\n'),
    );
  });

  it('long names and runner identities give way, runner first', () => {
    const text = renderList(views, plainPalette);
    expect(text).toBe(
      [
        'NAMESPACE  NAME            STATUS         STEP  SETWEIGHT  ACTUAL  RUNNER    AGE',
        'apps       api             ✖ Degraded     2/9   10         10      lost      5m',
        'apps       myapp           ॥ Paused       2/9   10         10      ci-4711…  5m',
        'apps       web             ◌ Progressing  -     -          0       very-lo…  70s',
        'shop-pro…  checko…service  ✔ Healthy      9/9   -          0       -         31m',
        '',
      ].join('\n'),
    );
    expect(overWidth(text)).toEqual([]);
  });

  it('wide: nothing truncated', () => {
    const text = renderList(views, plainPalette, { wide: true });
    expect(text).toContain('checkout-frontend-service');
    expect(text).toContain(RUNNER);
  });

  it('says how to get one when there is none', () => {
    expect(renderList([], plainPalette)).toBe('No rollouts found: `canary run` records one the first time it runs.\n');
  });
});

describe('watch lines', () => {
  it('time, name, phase, message and the countdown, in that order', () => {
    expect(renderWatchLine(toStatusView(FIXTURES.pausedWithTimeLeft), plainPalette)).toBe('2026-11-26T10:00:00Z myapp Paused - paused at step 2/9 for 30s (18s left)');
    expect(renderWatchLine(toStatusView(FIXTURES.waitingForCanaryPods), plainPalette)).toBe(
      '2026-11-26T10:00:00Z myapp Progressing - step 1/9: waiting for canary pods: 0/1 available (CrashLoopBackOff), 95s so far',
    );
  });

  it('print only when phase or message change, not when the clock moves', () => {
    const lines = new WatchLines(plainPalette);
    const at = (ms: number, input = FIXTURES.pausedWithTimeLeft) =>
      lines.next(toStatusView({ ...input, now: NOW + ms, lease: { holder: { identity: RUNNER, renewedAt: NOW + ms, durationMs: 15_000 } } }));
    expect(at(0)).toBe('2026-11-26T10:00:00Z myapp Paused - paused at step 2/9 for 30s (18s left)');
    expect(at(1000)).toBeNull();
    expect(at(5000)).toBeNull();
    expect(at(6000, FIXTURES.pausedIndefinitely)).toBe('2026-11-26T10:00:06Z myapp Paused - paused at step 4/9 until `canary promote myapp -n apps`');
    expect(at(7000, FIXTURES.pausedIndefinitely)).toBeNull();
    expect(at(8000)).toBe('2026-11-26T10:00:08Z myapp Paused - paused at step 2/9 for 30s (10s left)');
  });
});
