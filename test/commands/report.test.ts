/**
 * `canary run --report FILE` (issue 16 item 12) through main() against an in-process sandbox, with a
 * background analysis of a web metric served on 127.0.0.1: the Markdown report, and the HTML report
 * opened in a real headless browser (Debian's chromium, driven by playwright-core; no browser is
 * ever downloaded). Without /usr/bin/chromium the browser check is skipped, saying so; CI installs it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../support/cli.js';
import { cliWorld, seedWithoutAnalysis, type CliWorld } from '../support/seed.js';

const CHROMIUM = '/usr/bin/chromium';
// Skipped only without the browser; playwright-core is a devDependency (`npm ci` installs it), so a
// missing driver with the browser present fails the test instead of hiding the check.
const BROWSER_SKIP = existsSync(CHROMIUM) ? null : `SKIPPED: ${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium); the HTML report is not checked in a browser`;
const IMAGE = 'ghcr.io/mccutchen/go-httpbin';

describe('canary run --report', () => {
  let world: CliWorld;
  let metrics: Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    metrics = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errorRate": 0.01}'));
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(metrics.address() as { port: number }).port}/errors`;
    world = await cliWorld('report', null);
    ({ dir } = world);
    env = { ...world.env };
    const rollout = seedWithoutAnalysis()
      .replace('        - pause: {}\n', '        - pause: {duration: 20s}\n        - setWeight: 60\n        - pause: {duration: 20s}\n')
      .replace('      steps:\n', '      analysis:\n        templates:\n          - templateName: error-rate\n      steps:\n');
    const template = `apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: error-rate\n  namespace: apps\nspec:\n  metrics:\n    - name: error-rate\n      interval: 5s\n      successCondition: result < 0.05\n      provider:\n        web:\n          url: ${url}\n          jsonPath: "{$.errorRate}"\n`;
    writeFileSync(join(dir, 'rollout.yaml'), rollout);
    writeFileSync(join(dir, 'analysis.yaml'), template);
    expect((await runCli(['run', dir], { env })).code).toBe(0);
    const r = await runCli(['run', dir, '--image', `myapp=${IMAGE}:2.17.1`, '--time-scale', '0.02', '--scale-down', 'leave', '--report', 'report.html'], { env, cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const md = await runCli(['run', dir, '--image', `myapp=${IMAGE}:2.18`, '--time-scale', '0.02', '--scale-down', 'leave', '--report', 'report.md'], { env, cwd: dir });
    expect(md.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await new Promise<void>((resolve) => metrics.close(() => resolve()));
  });

  it('.md: the step summary: verdict, steps, the weight chart, measurements', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^### ✅ canary promoted: `apps\/myapp`\n\nRevision `\w+` \(`ghcr\.io\/mccutchen\/go-httpbin:2\.18`\), step 4\/4, /);
    expect(md).toContain('| 1/4 | setWeight 30% |');
    expect(md).toMatch(/```mermaid\nxychart-beta\n {2}title "Canary weight \(%\)"\n {2}x-axis \[("[\d:]+Z", ){4}"[\d:]+Z"\]\n {2}y-axis "weight" 0 --> 100\n {2}line \[0, 30, 60, 100, 0\]\n```/);
    expect(md).toMatch(/\| background \| error-rate \| Successful \| 0\.01 \|/);
  });

  it('an extension canary does not write is a usage error before anything runs', async () => {
    const r = await runCli(['run', dir, '--report', 'report.pdf'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --report report\.pdf: the file name says which format: \.md \(Markdown\) or \.html/);
  });

  (BROWSER_SKIP ? it.skip : it)(
    BROWSER_SKIP ?? '.html: one self-contained page, checked in headless chromium',
    async () => {
      const { chromium } = await import('playwright-core');
      const file = join(dir, 'report.html');
      const html = readFileSync(file, 'utf8');
      expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(|@import/i);
      const profile = mkdtempSync(join(tmpdir(), 'canary-chromium-'));
      const browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 800, height: 900 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage();
        const requests: string[] = [];
        const problems: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        page.on('pageerror', (e) => problems.push(e.message));
        const url = pathToFileURL(file).href;
        await page.goto(url, { waitUntil: 'load' });
        // Self-contained: the file itself is the only thing loaded.
        expect(requests).toEqual([url]);
        expect(problems).toEqual([]);
        expect(await page.title()).toMatch(/^canary promoted: apps\/myapp revision \w+$/);
        expect((await page.locator('h1').innerText()).replace(/\s+/g, ' ')).toBe('✔ canary promoted: apps/myapp');
        const dl = await page.locator('dl').innerText();
        expect(dl).toMatch(/Images\s+ghcr\.io\/mccutchen\/go-httpbin:2\.17\.1/);
        expect(dl).toMatch(/Step reached\s+4\/4/);
        // The chart: drawn (a visible box), one point per weight change, the line's path a step function.
        const svg = page.locator('svg[role="img"]');
        const box = await svg.boundingBox();
        expect(box!.width).toBeGreaterThan(600);
        expect(box!.height).toBeGreaterThan(150);
        // 0 -> 30 -> 60 -> 100 (promotion) -> 0: five points; the step line has two vertices per change after the first.
        expect(await page.locator('svg circle.point').count()).toBe(5);
        const points = (await page.locator('svg polyline.weight').getAttribute('points'))!.split(' ');
        expect(points).toHaveLength(1 + 2 * 5);
        expect(await page.evaluate("getComputedStyle(document.querySelector('svg polyline.weight')).stroke")).not.toBe('none');
        expect(await page.locator('#weight-desc').textContent()).toMatch(/^0% at [\d:]+Z, 30% at [\d:]+Z, 60% at [\d:]+Z, 100% at [\d:]+Z, 0% at [\d:]+Z$/);
        // Steps and measurements as tables.
        expect(await page.locator('section[aria-labelledby="steps"] tbody tr').count()).toBe(4);
        expect(await page.locator('section[aria-labelledby="measurements"] tbody tr').count()).toBeGreaterThan(0);
        expect(await page.locator('section[aria-labelledby="measurements"] tbody tr').first().innerText()).toMatch(/background\s+error-rate\s+Successful\s+0\.01/);
        // Fits a narrow window without a horizontal scrollbar, in light and dark.
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          await page.setViewportSize({ width: 420, height: 800 });
          expect({ colorScheme, fits: await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth') }).toEqual({ colorScheme, fits: true });
        }
        const screenshot = await page.screenshot({ fullPage: true });
        expect(screenshot.length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
