import { httpbin } from '../httpbin.js';
import { ManualClock } from '../manual-clock.js';
import { seededRandom } from '../random.js';

const clock = new ManualClock();
const healthy = httpbin({ behaviour: { kind: 'serve', errorRate: 0, errorStatus: 500, latencyMs: 0 }, random: seededRandom(1), clock });
const get = (path: string, method = 'GET') => healthy({ method, path, headers: { host: 'myapp' } });

describe('httpbin workload', () => {
  it.each([
    ['/', 200],
    ['/get', 200],
    ['/headers', 200],
    ['/status/500', 500],
    ['/status/204', 204],
    ['/status/302', 302],
    ['/status/abc', 400],
    ['/status/999', 400],
    ['/nope', 404],
  ])('%s answers %i', async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it('/get echoes args and headers as JSON, and refuses POST', async () => {
    const r = await get('/get?a=1&a=2');
    expect(JSON.parse(r.body)).toMatchObject({ args: { a: ['1', '2'] }, headers: { host: 'myapp' }, method: 'GET' });
    expect((await get('/get', 'POST')).status).toBe(405);
  });

  it('/status/200:0.9,500:0.1 chooses by weight', async () => {
    let fails = 0;
    for (let i = 0; i < 2000; i++) if ((await get('/status/200:0.9,500:0.1')).status === 500) fails++;
    expect(Math.abs(fails / 2000 - 0.1)).toBeLessThan(0.03);
  });

  it('/delay/S waits S seconds of clock time and caps at 10 s', async () => {
    let done = false;
    const p = get('/delay/2').then((r) => {
      done = true;
      return r;
    });
    await clock.advance(1999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect((await p).status).toBe(200);
    expect((await get('/delay/11')).status).toBe(400);
  });

  it('a bad release fails its share of requests on every path', async () => {
    const bad = httpbin({ behaviour: { kind: 'serve', errorRate: 0.3, errorStatus: 500, latencyMs: 0 }, random: seededRandom(2), clock });
    let fails = 0;
    for (let i = 0; i < 2000; i++) if ((await bad({ method: 'GET', path: i % 2 ? '/get' : '/', headers: {} })).status === 500) fails++;
    expect(Math.abs(fails / 2000 - 0.3)).toBeLessThan(0.03);
  });

  it('a slow release adds its latency before answering', async () => {
    const slow = httpbin({ behaviour: { kind: 'serve', errorRate: 0, errorStatus: 500, latencyMs: 300 }, random: seededRandom(3), clock });
    let done = false;
    const p = slow({ method: 'GET', path: '/get', headers: {} }).then(() => (done = true));
    await clock.advance(299);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
  });
});
