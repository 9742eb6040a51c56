import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('wakes sleepers in deadline order as time advances, letting each run before the next', async () => {
    const clock = new FakeClock(1000);
    const log: string[] = [];
    void clock.sleep(300).then(() => log.push(`b@${clock.now()}`));
    void clock.sleep(100).then(async () => {
      log.push(`a@${clock.now()}`);
      await clock.sleep(100);
      log.push(`a2@${clock.now()}`);
    });
    expect(clock.pending()).toBe(2);
    await clock.advance(250);
    expect(log).toEqual(['a@1100', 'a2@1200']);
    expect(clock.now()).toBe(1250);
    await clock.advance(50);
    expect(log).toEqual(['a@1100', 'a2@1200', 'b@1300']);
    expect(clock.pending()).toBe(0);
  });

  it('resolves a sleep early when its signal aborts, and at once when already aborted', async () => {
    const clock = new FakeClock();
    const ctl = new AbortController();
    let woke = false;
    const p = clock.sleep(60_000, ctl.signal).then(() => (woke = true));
    ctl.abort();
    await p;
    expect(woke).toBe(true);
    expect(clock.pending()).toBe(0);
    await clock.sleep(5, ctl.signal);
    expect(clock.pending()).toBe(0);
  });

  it('advanceToNext jumps to the earliest deadline', async () => {
    const clock = new FakeClock(0);
    void clock.sleep(10_000);
    expect(clock.nextDeadline()).toBe(10_000);
    expect(await clock.advanceToNext()).toBe(true);
    expect(clock.now()).toBe(10_000);
    expect(await clock.advanceToNext()).toBe(false);
  });
});
