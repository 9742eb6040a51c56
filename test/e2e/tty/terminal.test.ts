/**
 * The live views in a real terminal: `canary run` and `canary status --watch` in tmux panes of
 * 100x40, captured (tmux capture-pane) several times during a run and at its end. Every line on the
 * screen must be one the view renders: no leftover partial frames, no duplicated blocks, no raw
 * escape codes. Skipped, saying so, when tmux is not installed.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import { firstDeploy, fullRunState, GOOD, hasTmux, killAll, plannedRevision, requirePrometheus, SEED, seedCluster, Tmux, until } from '../support/harness.js';

const TMUX = await hasTmux();

/** Lines `canary run`'s terminal view is made of (colours stripped by capture-pane). */
const RUN_LINES: [string, RegExp][] = [
  ['info', /^new revision \w+: rolling out over 9 steps$/],
  ['spinner', /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S.*$/],
  ['header', /^apps\/myapp {2}revision \w+ {2}ghcr\.io\/mccutchen\/go-httpbin:2\.17\.1 {2}time scale x0\.2$/],
  ['step', /^ {2}[✔›·] {1,2}\d\. (setWeight \d+%|pause 6s)$/],
  ['weight', /^ {2}weight [█░]{24} \d+% canary$/],
  ['metric', /^ {2}success-rate (Successful|Failed|Inconclusive|Error) .*✔\d+ ✖\d+ \?\d+ ⚠\d+, [\dms.]+ ago$/],
  ['final', /^✔ promoted: apps\/myapp revision \w+, step 9\/9, [\dms]+: promoted revision \w+ after 9 steps$/],
  // After the verdict: the scale-down (scaleDownDelaySeconds), counted down by the spinner, then done.
  ['scale-down', /^scaling the canary down at \d\d:\d\d:\d\dZ \(in [\dms.]+, scaleDownDelaySeconds\); Ctrl\+C leaves it to the next canary command$/],
  ['scaled down', /^canary scaled down to 0$/],
  ['exit', /^EXIT=\d+$/],
];

/** Raw escape sequences or their remnants shown as text. */
const GARBAGE = /\u001b|\[\d+(;\d+)*[mABCDGHJK]|\[\?25[hl]/;

function classify(screen: string, kinds: [string, RegExp][]): { counts: Record<string, number>; unknown: string[] } {
  const counts: Record<string, number> = {};
  const unknown: string[] = [];
  for (const line of screen.split('\n')) {
    if (line.trim() === '') continue;
    const kind = kinds.find(([, re]) => re.test(line))?.[0];
    if (kind) counts[kind] = (counts[kind] ?? 0) + 1;
    else unknown.push(line);
  }
  return { counts, unknown };
}

function expectCleanRunScreen(screen: string, phase: 'during' | 'end'): void {
  expect(screen).not.toMatch(GARBAGE);
  const { counts, unknown } = classify(screen, RUN_LINES);
  expect({ unknown, screen }).toEqual({ unknown: [], screen });
  // One frame: one header, nine steps, one weight bar, one metric line.
  expect(counts).toMatchObject({ info: 1, header: 1, step: 9, weight: 1, metric: 1 });
  for (let i = 1; i <= 9; i++) expect(screen.split('\n').filter((l) => new RegExp(`^ {2}[✔›·] {1,2}${i}\\. `).test(l))).toHaveLength(1);
  if (phase === 'during') {
    expect(counts.spinner).toBe(1);
    expect(counts.final).toBeUndefined();
  } else {
    expect(counts.spinner).toBeUndefined(); // the spinner line is gone, not left behind
    expect(counts).toMatchObject({ final: 1, 'scale-down': 1, 'scaled down': 1, exit: 1 });
    // The verdict first, the scale-down after it.
    const at = (re: RegExp) => screen.split('\n').findIndex((l) => re.test(l));
    expect(at(/^✔ promoted/)).toBeLessThan(at(/^canary scaled down to 0$/));
  }
}

function expectCleanStatusScreen(screen: string): void {
  expect(screen).not.toMatch(GARBAGE);
  const lines = screen.split('\n');
  for (const once of [/^Name: +myapp$/, /^Namespace: +apps$/, /^Status: /, /^NAME +KIND +STATUS +AGE +INFO$/, /^⟳ myapp +Rollout /]) {
    expect({ pattern: String(once), n: lines.filter((l) => once.test(l)).length, screen }).toEqual({ pattern: String(once), n: 1, screen });
  }
  // No line holds the start of a second frame (a frame drawn over another without clearing).
  expect(lines.filter((l) => /\S.*(Name: |Namespace: )/.test(l))).toEqual([]);
}

if (requirePrometheus('terminal views')) {
  if (!TMUX) {
    describe('terminal views in tmux', () => it.skip('SKIPPED: tmux is not installed (apt-get install tmux); the TTY views are not checked', () => undefined));
  } else {
    describe('terminal views in tmux (100x40)', () => {
      let sb: Cluster;
      const tmux = new Tmux();
      /** What a 100x20 terminal running `status --watch` showed at the pause of step 4. */
      let small: string | null = null;
      /** Copies of the frames' first line in the scrollback + screen of each pane at step 4 (one = no pile-up). */
      let copies: Record<string, number> | null = null;
      beforeAll(async () => {
        sb = await seedCluster();
        await firstDeploy(sb);
      });
      afterEach(killAll);
      afterAll(async () => {
        await tmux.kill();
        await sb?.close();
      });

      it('canary run and canary status --watch render clean frames during a run and at its end', async () => {
        const args = [SEED, '--image', `myapp=${GOOD}`, '--time-scale', '0.2'];
        const revision = await plannedRevision(sb, args);
        await tmux.start('watch', sb, ['status', 'myapp', '--watch', '--revision', revision]);
        await tmux.start('small', sb, ['status', 'myapp', '--watch', '--revision', revision], { cols: 100, rows: 20 });
        await until(async () => /waiting for the run of revision/.test(await tmux.capture('watch')), 'the watch to draw', 30_000, 200);
        await tmux.start('run', sb, ['run', ...args]);

        // During: at the first pause, at 40%, and at 70%, once the frame shows it.
        for (const [step, weight] of [[2, 10], [4, 40], [6, 70]] as const) {
          await until(() => fullRunState(sb)?.stepIndex === step - 1 && fullRunState(sb)?.phase === 'Paused', `the pause at step ${step}`, 90_000, 50);
          const screen = await until(async () => {
            const s = await tmux.capture('run');
            return new RegExp(`^ {2}› {1,2}${step}\\. pause 6s$`, 'm').test(s) && new RegExp(`${weight}% canary$`, 'm').test(s) ? s : null;
          }, `the run's frame at step ${step}`, 20_000, 100);
          expectCleanRunScreen(screen, 'during');
          expect(screen).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] paused: [\dms.]+ left$/m);
          for (let i = 1; i < step; i++) expect(screen).toMatch(new RegExp(`^ {2}✔ {1,2}${i}\\. `, 'm'));
          expect(screen).toMatch(new RegExp(`^ {2}weight █{${Math.round((weight / 100) * 24)}}░* ${weight}% canary$`, 'm'));

          const watch = await until(async () => {
            const s = await tmux.capture('watch');
            return new RegExp(`^Status: +॥ Paused$`, 'm').test(s) && new RegExp(`^ {2}Step: +${step}/9$`, 'm').test(s) ? s : null;
          }, `the watch's frame at step ${step}`, 20_000, 100);
          expectCleanStatusScreen(watch);
          expect(watch).toMatch(new RegExp(`^ {2}ActualWeight: +${weight}$`, 'm'));
          expect(watch).toMatch(/^├─⇄ myapp +TrafficSplit /m);
          if (step === 4) {
            small = await until(async () => {
              const c = await tmux.capture('small');
              return /^ {2}Step: +4\/9$/m.test(c) ? c : null;
            }, "the 20-row watch's frame at step 4", 20_000, 100);
            const count = async (pane: string, first: RegExp) => (await tmux.captureHistory(pane)).split('\n').filter((l) => first.test(l)).length;
            const all = async () => ({ run: await count('run', /^apps\/myapp {2}revision/), watch: await count('watch', /^Name: +myapp$/), small: await count('small', /^Name: +myapp$/) });
            // A capture taken while a view redraws (ora erases the old frame line by line, then writes
            // the new one) can miss the frame's first line: a CI run saw run: 0. A pile-up shows as
            // more than one copy, so capture again until every pane shows its frame, and count then.
            copies = await all();
            for (let i = 0; i < 20 && Object.values(copies).some((n) => n === 0); i++) {
              await new Promise((r) => setTimeout(r, 50));
              copies = await all();
            }
          }
        }

        // The end: the run's last frame and verdict, the watch's last frame and verdict.
        const end = await until(async () => {
          const s = await tmux.capture('run');
          return /^EXIT=\d+$/m.test(s) ? s : null;
        }, 'the run to end', 120_000, 250);
        expect(end).toMatch(/^EXIT=0$/m);
        expectCleanRunScreen(end, 'end');
        for (let i = 1; i <= 9; i++) expect(end).toMatch(new RegExp(`^ {2}✔ {1,2}${i}\\. `, 'm'));
        expect(end).toMatch(/^ {2}weight ░{24} 0% canary$/m);
        // Colours reach the terminal as attributes, not as text.
        expect(await tmux.captureRaw('run')).toMatch(/\u001b\[/);

        const watchEnd = await until(async () => {
          const s = await tmux.capture('watch');
          return /^EXIT=\d+$/m.test(s) ? s : null;
        }, 'the watch to end', 60_000, 250);
        expect(watchEnd).toMatch(/^EXIT=0$/m);
        expectCleanStatusScreen(watchEnd);
        expect(watchEnd).toMatch(/^Status: +✔ Healthy$/m);
        expect(watchEnd).toMatch(/^apps\/myapp is Healthy: promoted revision \w+ after 9 steps$/m);
      });

      /*
       * A terminal shorter than the status frame (about 33 lines for a paused seed run): the header
       * stays on screen and the tree is cut with a note (before 0200ac6 the cursor-up was clamped at
       * the top row and only the bottom of the tree showed).
       */
      it('status --watch in a 100x20 terminal keeps its header on screen and cuts the tree with a note', () => {
        expect(small).not.toBeNull();
        expect(small!).not.toMatch(GARBAGE);
        const lines = small!.split('\n');
        for (const once of [/^Name: +myapp$/, /^Namespace: +apps$/, /^Status: /, /^ {2}Step: +4\/9$/]) expect(lines.filter((l) => once.test(l))).toHaveLength(1);
        expect(small!).toMatch(/^Status: +॥ Paused$/m);
        expect(small!).toMatch(/^… \d+ more lines: a taller terminal shows them \(or canary status without --watch\)$/m);
        expect(small!.split('\n').length).toBeLessThanOrEqual(20);
      });

      /*
       * Each redraw must rewrite the frame in place: erasing from the frame's first line when that is
       * the top row clears the whole screen, and tmux (default `scroll-on-clear on`) then keeps the
       * cleared screen in its scrollback, one copy per redraw (about 14 per pane by step 4 before
       * ccff14d; `canary run`'s view, erasing line by line, always left one).
       */
      it('redraws do not pile copies of the frame into tmux\'s scrollback (default scroll-on-clear)', () => {
        expect(copies).not.toBeNull();
        expect(copies).toEqual({ run: 1, watch: 1, small: 1 });
      });
    });
  }
}
