/** The driver's inbox never loses a change that arrives while nobody waits. */
import { Inbox } from '../../src/engine/inbox.js';

describe('Inbox', () => {
  it('remembers a poke made while the loop was busy', () => {
    const inbox = new Inbox();
    inbox.poke();
    expect(inbox.takePoke()).toBe(true);
    expect(inbox.takePoke()).toBe(false);
  });

  it('wakes a waiting loop', async () => {
    const inbox = new Inbox();
    const woke = inbox.next();
    inbox.poke();
    await expect(woke).resolves.toBeUndefined();
    expect(inbox.takePoke()).toBe(false);
  });

  it('queues inputs in order', () => {
    const inbox = new Inbox();
    inbox.push({ kind: 'interrupted', signal: 'SIGINT' });
    inbox.push({ kind: 'timedOut', afterMs: 1 });
    expect(inbox.drain().map((i) => i.kind)).toEqual(['interrupted', 'timedOut']);
    expect(inbox.size).toBe(0);
  });
});
