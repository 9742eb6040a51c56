/** The run's renderers: every event kind has a line, JSON keeps stable names, the live view fits the width. */
import type { RunEvent } from '../../src/engine/events.js';
import { githubErrorAnnotation, githubSummary } from '../../src/output/github.js';
import { eventJson } from '../../src/output/json.js';
import { eventLine, formatEvent } from '../../src/output/line.js';
import { foldEvent, initialModel } from '../../src/output/live-model.js';
import { renderLiveView } from '../../src/output/live-view.js';
import { renderFinalLine, type FinalLine } from '../../src/output/verdict.js';
import { liveStages } from '../../src/output/stages.js';
import { describeStep } from '../../src/output/words.js';
import { blueGreenYaml, specFrom, templateYaml } from '../support/spec.js';
import { plainPalette } from '../../src/util/palette.js';

const T = Date.UTC(2026, 10, 26, 10, 0, 0);
const HINT = { name: 'myapp', namespace: 'apps', context: 'prod' };
const counts = { successful: 3, failed: 1, inconclusive: 0, error: 0 };

const EVENTS: RunEvent[] = [
  { kind: 'started', at: T, namespace: 'apps', name: 'myapp', mode: 'canary', resumed: false, revision: 'abc123', stableRevision: 'def456', images: ['ghcr.io/mccutchen/go-httpbin:2.17.1'], stepCount: 9, timeScale: 0.1, strategy: 'canary' },
  { kind: 'stepStarted', at: T + 1, index: 0, stepCount: 9, step: { kind: 'setWeight', weight: 10 } },
  { kind: 'waiting', at: T + 2, track: 'canary', ready: 0, desired: 1, problem: 'CrashLoopBackOff (myapp-canary-x)' },
  { kind: 'weightChanged', at: T + 3, from: 0, to: 10, router: 'TrafficSplit' },
  { kind: 'stepCompleted', at: T + 4, index: 0, stepCount: 9 },
  { kind: 'paused', at: T + 5, reason: 'PauseStep', until: T + 30_005 },
  { kind: 'resumed', at: T + 6, by: 'promote' },
  { kind: 'analysisStarted', at: T + 7, runId: 'background', metrics: ['success-rate'], dryRun: [] },
  { kind: 'measurement', at: T + 8, runId: 'background', metric: 'success-rate', phase: 'Failed', value: '[3]', message: 'matched failureCondition', counts },
  { kind: 'analysisCompleted', at: T + 9, runId: 'background', phase: 'Failed', message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)', terminated: false, counts },
  { kind: 'analysisCompleted', at: T + 9, runId: 'background', phase: 'Successful', message: 'terminated', terminated: true, counts: { ...counts, failed: 0 } },
  { kind: 'requestReceived', at: T + 10, request: { id: 'r', kind: 'abort', at: T, by: 'alice@laptop', reason: 'budget' }, outcome: 'rolling back to stable' },
  { kind: 'promoting', at: T + 11, stage: 'UpdateStable' },
  { kind: 'rollingBack', at: T + 12, cause: 'analysis', reason: 'analysis background failed' },
  { kind: 'scaledDown', at: T + 13, track: 'canary', replicas: 0 },
  { kind: 'deadlineExceeded', at: T + 14, abort: false, message: 'ProgressDeadlineExceeded: myapp-canary has 0/1 pods available after 10m' },
  { kind: 'warning', at: T + 15, message: 'setting the canary weight to 10% failed: connect ECONNRESET' },
  { kind: 'experimentDeleted', at: T + 15, object: 'Deployment', name: 'myapp-0123456789-1-baseline', leftover: true },
  { kind: 'experimentDeleted', at: T + 15, object: 'Service', name: 'myapp-abc123-1-canary', leftover: false },
  { kind: 'finished', at: T + 16, phase: 'Degraded', revision: 'abc123', stepIndex: 1, stepCount: 9, durationMs: 16, reason: 'analysis failed' },
  { kind: 'scaleDownScheduled', at: T + 17, due: T + 30_017, delay: 'abortScaleDownDelaySeconds', left: false },
  { kind: 'scaleDownScheduled', at: T + 18, due: T + 30_017, delay: 'abortScaleDownDelaySeconds', left: true },
];

describe('plain lines', () => {
  it('say what happened for every event kind, with a timestamp', () => {
    const lines = EVENTS.map((e) => eventLine(e, HINT, plainPalette));
    expect(lines).toMatchSnapshot();
    for (const l of lines) if (l) expect(l).toMatch(/^2026-11-26T10:00:00\.\d{3}Z myapp /);
  });
  it('name the rollout, its namespace and the --context given in every command they suggest (issue 16 item 5)', () => {
    const at = (e: RunEvent) => formatEvent(e, plainPalette, HINT);
    expect(at({ kind: 'paused', at: T, reason: 'PauseStep', until: null })).toBe('paused until `canary promote myapp -n apps --context prod`');
    expect(at({ kind: 'paused', at: T, reason: 'InconclusiveAnalysis', until: null })).toBe(
      'paused: inconclusive analysis; `canary promote myapp -n apps --context prod` continues, `canary abort myapp -n apps --context prod` rolls back',
    );
    expect(formatEvent({ kind: 'paused', at: T, reason: 'PauseStep', until: null }, plainPalette, { name: 'myapp', namespace: 'apps' })).toBe('paused until `canary promote myapp -n apps`');
  });
  it("name an experiment template's Deployment when its pods are waited for", () => {
    const e: RunEvent = { kind: 'waiting', at: T, track: 'canary', ready: 0, desired: 1, problem: null, deployment: 'myapp-abc123-1-baseline' };
    expect(formatEvent(e, plainPalette, HINT)).toBe('waiting for experiment Deployment myapp-abc123-1-baseline pods: 0/1 available');
    expect(renderLiveView(foldEvent(initialModel('apps/myapp', [], HINT), e), T, plainPalette, 100)[0]).toBe('waiting for experiment Deployment myapp-abc123-1-baseline pods: 0/1 available');
  });
  it('mention a time scale other than 1', () => {
    expect(formatEvent(EVENTS[0]!, plainPalette, HINT)).toContain('time scale x0.1');
  });
});

describe('JSON Lines', () => {
  it('use type/time/rollout and the event fields', () => {
    const o = JSON.parse(eventJson(EVENTS[3]!, 'apps/myapp'));
    expect(o).toEqual({ type: 'weightChanged', time: '2026-11-26T10:00:00.003Z', rollout: 'apps/myapp', from: 0, to: 10, router: 'TrafficSplit' });
  });
});

describe('the live view', () => {
  it('marks done, current and future steps and fits the width', () => {
    const steps = [
      { kind: 'setWeight', weight: 10 },
      { kind: 'pause', durationMs: 30_000 },
      { kind: 'setWeight', weight: 40 },
    ] as const;
    let m = initialModel('apps/myapp', steps.map((s) => ({ text: describeStep(s), keys: [] })), HINT);
    for (const e of EVENTS.slice(0, 6)) m = foldEvent(m, e);
    const lines = renderLiveView(m, T + 20_005, plainPalette, 60);
    expect(lines[0]).toBe('paused: 10s left');
    expect(lines.some((l) => l.includes('✔  1. setWeight 10%'))).toBe(true);
    expect(lines.some((l) => l.includes('›  2. pause 30s'))).toBe(true);
    expect(lines.some((l) => l.includes('weight ██'))).toBe(true);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
  });
});

describe('final line and GitHub', () => {
  const f: FinalLine = { verdict: 'rolled back', name: 'myapp', namespace: 'apps', revision: 'abc123', step: '2/9', durationMs: 47_000, reason: 'analysis background failed: metric success-rate: result [3]' };
  it('the final line says verdict, revision, step, duration and reason', () => {
    expect(renderFinalLine(f, plainPalette)).toBe('✖ rolled back: apps/myapp revision abc123, step 2/9, 47s: analysis background failed: metric success-rate: result [3]');
  });
  it('a failure becomes an ::error:: annotation, a success none', () => {
    expect(githubErrorAnnotation(f)).toBe('::error title=canary rolled back::apps/myapp revision abc123 rolled back at step 2/9: analysis background failed: metric success-rate: result [3]');
    expect(githubErrorAnnotation({ ...f, verdict: 'promoted' })).toBeNull();
  });
  it('the step summary has steps, weights over time and measurements', () => {
    const md = githubSummary(EVENTS, f);
    expect(md).toContain('### ❌ canary rolled back: `apps/myapp`');
    expect(md).toContain('| 1/9 | setWeight 10% | 10:00:00Z |');
    expect(md).toContain('**Canary weight over time:** 0% at 10:00:00Z → 10% at 10:00:00Z');
    expect(md).toContain('```mermaid\nxychart-beta\n  title "Canary weight (%)"\n  x-axis ["10:00:00Z", "10:00:00Z"]\n  y-axis "weight" 0 --> 100\n  line [0, 10]\n```');
    expect(md).toContain('**Analyses:** background Failed, background Terminated');
    expect(md).toContain('| 10:00:00Z | background | success-rate | Failed | [3] |');
  });
});

describe('the live view on a short terminal', () => {
  it('shows a window of steps around the current one, never more rows than the terminal has', () => {
    const steps = Array.from({ length: 30 }, (_, i) => (i % 2 ? { kind: 'pause' as const, durationMs: 1000 } : { kind: 'setWeight' as const, weight: i + 1 }));
    let m = initialModel('apps/myapp', steps.map((s) => ({ text: describeStep(s), keys: [] })), HINT);
    m = foldEvent(m, { kind: 'stepStarted', at: T, index: 14, stepCount: 30, step: steps[14]! });
    const lines = renderLiveView(m, T, plainPalette, 80, 12);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.join('\n')).toMatch(/✔ steps 1-\d+ done/);
    expect(lines.join('\n')).toMatch(/› 15\. setWeight 15%/);
    expect(lines.join('\n')).toMatch(/· steps \d+-30 to come/);
  });
});

describe('the live view of a blue-green release', () => {
  it('lists the blue-green stages and marks them off from the events', () => {
    const { spec } = specFrom(
      blueGreenYaml({ blueGreen: ['autoPromotionEnabled: false', 'prePromotionAnalysis: {templates: [{templateName: t}]}', 'postPromotionAnalysis: {templates: [{templateName: t}]}'], docs: [templateYaml('t', ['successCondition: result[0] < 1'])] }),
    );
    const stages = liveStages(spec.rollouts[0]!);
    expect(stages.map((s) => s.text)).toEqual([
      'preview: 2 pod(s) behind myapp-preview',
      'prePromotionAnalysis t',
      'pause until promoted',
      'switch myapp to the new revision',
      'postPromotionAnalysis t',
      'previous revision scaled down after 30s, stable updated',
      'preview scaled down after 30s',
    ]);
    let m = initialModel('apps/myapp', stages, HINT);
    const at = (e: RunEvent) => (m = foldEvent(m, e)).stepIndex;
    expect(at({ kind: 'started', at: T, namespace: 'apps', name: 'myapp', mode: 'canary', resumed: false, revision: 'abc', stableRevision: 'def', images: ['x'], stepCount: 0, timeScale: 1, strategy: 'blueGreen' })).toBe(0);
    expect(at({ kind: 'analysisStarted', at: T, runId: 'pre-promotion', metrics: ['m'], dryRun: [] })).toBe(1);
    expect(at({ kind: 'paused', at: T, reason: 'BlueGreenPause', until: null })).toBe(2);
    expect(renderLiveView(m, T, plainPalette)[0]).toBe('paused until `canary promote myapp -n apps --context prod`');
    expect(at({ kind: 'promoting', at: T, stage: 'PreviewFull' })).toBe(3);
    expect(at({ kind: 'serviceSwitched', at: T, service: 'myapp', role: 'activeService', from: 'stable', to: 'canary', fromRevision: 'def', toRevision: 'abc' })).toBe(3);
    expect(at({ kind: 'promoting', at: T, stage: 'PostPromotionAnalysis' })).toBe(4);
    expect(at({ kind: 'promoting', at: T, stage: 'ActiveToStable' })).toBe(5);
    expect(at({ kind: 'promoting', at: T, stage: 'ScaleDown' })).toBe(6);
    expect(formatEvent({ kind: 'serviceSwitched', at: T, service: 'myapp', role: 'activeService', from: 'stable', to: 'canary', fromRevision: 'def', toRevision: 'abc' }, plainPalette, HINT)).toBe(
      "active Service myapp now selects the canary Deployment's pods (revision abc)",
    );
    expect(formatEvent({ kind: 'paused', at: T, reason: 'BlueGreenPause', until: T + 30_000 }, plainPalette, HINT)).toBe('paused before the switch until 10:00:30Z (30s, autoPromotionSeconds)');
  });
});
