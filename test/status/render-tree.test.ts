import { toStatusView } from '../../src/status/view.js';
import { renderTree } from '../../src/status/render-tree.js';
import { renderJson, renderYaml } from '../../src/status/json.js';
import { plainPalette, type Palette } from '../../src/util/palette.js';
import { FIXTURES, type FixtureName } from './fixtures.js';
import { expectGolden, overWidth } from './golden.js';

const names = Object.keys(FIXTURES) as FixtureName[];

describe.each(names)('%s', (name) => {
  const view = toStatusView(FIXTURES[name]);
  const tree = renderTree(view, plainPalette);

  it('renders the golden tree', () => {
    expectGolden(`tree/${name}.txt`, tree);
  });

  it('fits 80 columns', () => {
    expect(overWidth(tree)).toEqual([]);
  });

  it('prints the golden JSON', () => {
    expectGolden(`json/${name}.json`, renderJson(view));
  });
});

describe('an experiment with weighted templates', () => {
  const base = FIXTURES.experimentRunning;
  const weightOf = (tree: string, template: string) => tree.split('\n').find((l) => l.includes(`0-${template} `))!.match(/weight (\d+)%/)?.[1] ?? null;
  const named = (deployment: boolean) =>
    renderTree(
      toStatusView({
        ...base,
        route: {
          ...base.route,
          additional: [
            { service: 'myapp-baseline', weight: 5, ...(deployment ? { deployment: base.experiment![0]!.name } : {}) },
            { service: 'myapp-experiment', weight: 5, ...(deployment ? { deployment: base.experiment![1]!.name } : {}) },
          ],
        },
      }),
      plainPalette,
    );

  it("shows each template's weight on its Deployment when its Service is named in the manifest (service.name), by the Deployment the Service is for", () => {
    expect([weightOf(named(true), 'baseline'), weightOf(named(true), 'canary')]).toEqual(['5', '5']);
    // Without knowing which Deployment such a Service is for, no weight is guessed.
    expect([weightOf(named(false), 'baseline'), weightOf(named(false), 'canary')]).toEqual([null, null]);
  });
});

describe('-o wide', () => {
  it('adds the IMAGES column, counts and messages per metric, and truncates nothing', () => {
    const text = renderTree(toStatusView(FIXTURES.rolledBackByAnalysis), plainPalette, { wide: true });
    expectGolden('tree/rolledBackByAnalysis.wide.txt', text);
    expect(text).toContain('IMAGES');
    expect(text).toContain('myapp-stable-5d8f7c9b4-abcde');
    expect(text).toMatch(/^ {2}└─success-rate .* ██·▃▁ \[0\.42\] ✔ 2 ✖ 2 \? 0 ⚠ 1 failed \(2\) > failureLimit \(1\)$/m);
    expect(text).toMatch(/myapp-stable +Deployment +✔ Healthy +3d +ghcr\.io\/mccutchen\/go-httpbin:2\.17\.0 +stable,available:5\/5$/m);
  });
});

describe('-o yaml', () => {
  it('is the same document as JSON, messages unfolded', () => {
    const yaml = renderYaml(toStatusView(FIXTURES.pausedInconclusive));
    expectGolden('yaml/pausedInconclusive.yaml', yaml);
    expect(yaml).toMatch(/^ {2}message: 'paused: analysis step-5 was inconclusive .* \(inconclusive 1 > inconclusiveLimit 0\)\)'$/m);
  });
});

describe('colours', () => {
  // Marks each colour so the test sees where the renderer used which.
  const marking: Palette = {
    red: (s) => `<red>${s}</red>`,
    green: (s) => `<green>${s}</green>`,
    yellow: (s) => `<yellow>${s}</yellow>`,
    blue: (s) => `<blue>${s}</blue>`,
    cyan: (s) => `<cyan>${s}</cyan>`,
    magenta: (s) => `<magenta>${s}</magenta>`,
    gray: (s) => `<gray>${s}</gray>`,
    bold: (s) => `<bold>${s}</bold>`,
    dim: (s) => `<dim>${s}</dim>`,
  };

  it('come only from the palette, by status icon, after the columns are measured', () => {
    const text = renderTree(toStatusView(FIXTURES.waitingForCanaryPods), marking);
    expect(text).toContain('Status:          <yellow>◌ Progressing</yellow>');
    expect(text).toMatch(/ Pod +<red>✖ CrashLoopBackOff<\/red> +2m +restarts:4$/m);
    expect(text).toMatch(/ Pod +<green>✔ Running<\/green> +20m +ready$/m);
    // Without the marks, the layout is exactly the plain one.
    expect(text.replace(/<\/?[a-z]+>/g, '')).toBe(renderTree(toStatusView(FIXTURES.waitingForCanaryPods), plainPalette));
  });

  it('paint a lost runner red', () => {
    const text = renderTree(toStatusView(FIXTURES.noLiveRunner), marking);
    expect(text).toContain('Runner:          <red>no live runner');
  });
});

describe('narrow budgets', () => {
  it('keeps pod suffixes and the sparkline end when the width is tight', () => {
    const text = renderTree(toStatusView(FIXTURES.pausedWithTimeLeft), plainPalette, { maxWidth: 72 });
    expect(overWidth(text, 72)).toEqual([]);
    expect(text).toMatch(/□ …-5d8f7c9b4-abcde|□ …5d8f7c9b4-abcde/);
    expect(text).toMatch(/success-rate .* ▆▁█▃ \[0\.98\]$/m);
  });
});

describe('long names everywhere', () => {
  it('still fit 80 columns, and the wide view keeps them whole', () => {
    const long = 'checkout-frontend-service-with-a-very-long-name-for-testing';
    const image = `registry.example.internal:5000/platform/teams/checkout/${long}:2026.11.26-abcdef0123456789`;
    const base = FIXTURES.waitingForCanaryPods;
    const input = {
      ...base,
      name: long,
      namespace: 'shop-production-eu-west-1',
      lease: { holder: { identity: `gitlab-runner-${'x'.repeat(60)}@ci.example.internal`, renewedAt: base.now - 1000, durationMs: 15_000 } },
      canary: { ...base.canary!, name: `${long}-canary`, images: [image], pods: base.canary!.pods.map((p) => ({ ...p, name: `${long}-canary-6f8d9c7b5-x2x4k` })) },
      route: { kind: 'HTTPRoute' as const, name: `${long}-route`, weight: 0 },
    };
    const view = toStatusView(input);
    const text = renderTree(view, plainPalette);
    expect(overWidth(text)).toEqual([]);
    expect(text).toContain('(canary)');
    expect(text).toMatch(/□ …-x2x4k|□ …6f8d9c7b5-x2x4k|□ …-6f8d9c7b5-x2x4k/);
    const wide = renderTree(view, plainPalette, { wide: true });
    expect(wide).toContain(`${image} (canary)`);
    expect(wide).toContain(`${long}-canary-6f8d9c7b5-x2x4k`);
  });

  it('names canary\'s header and mirror routes on the route node', () => {
    const base = FIXTURES.waitingForCanaryPods;
    const view = toStatusView({ ...base, route: { kind: 'HTTPRoute', name: 'myapp', weight: 0, managedRoutes: ['testers', 'shadow'] } });
    expect(view.route.managedRoutes).toEqual(['testers', 'shadow']);
    expect(renderTree(view, plainPalette, { wide: true })).toMatch(/⇄ myapp +HTTPRoute .*canary 0% → 10%, routes testers, shadow/);
  });
});
