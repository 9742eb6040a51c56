/** docs/status.md is the schema's documentation: its example and its reason codes follow the code. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STATUS_REASONS } from '../../src/status/model.js';
import { renderTree } from '../../src/status/render-tree.js';
import { plainPalette } from '../../src/util/palette.js';
import { toStatusView } from '../../src/status/view.js';
import { FIXTURES } from './fixtures.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/status.md', import.meta.url)), 'utf8');

it('the JSON example is the view of the paused fixture (stable pods after the first left out)', () => {
  const block = /```json\n([\s\S]*?)\n```/.exec(doc);
  expect(block).not.toBeNull();
  const view = toStatusView(FIXTURES.pausedWithTimeLeft);
  const trimmed = { ...view, deployments: view.deployments.map((d) => (d.track === 'stable' ? { ...d, pods: d.pods.slice(0, 1) } : d)) };
  expect(JSON.parse(block![1]!)).toEqual(JSON.parse(JSON.stringify(trimmed)));
});

it('the text example is the tree of the paused fixture', () => {
  const block = /## The text view\n\n```\n([\s\S]*?)```/.exec(doc);
  expect(block?.[1]).toBe(renderTree(toStatusView(FIXTURES.pausedWithTimeLeft), plainPalette));
});

it.each(STATUS_REASONS)('documents the reason %s', (reason) => {
  expect(doc).toContain(`\`${reason}\``);
});
