import { renderTable } from '../../src/status/table.js';
import { truncateEnd, truncateMiddle, truncateStart, width, wrap } from '../../src/status/text.js';
import { formatAge, formatRemaining, iso } from '../../src/status/time.js';
import { plainPalette } from '../../src/util/palette.js';

describe('text', () => {
  it('counts icons and blocks as one column', () => {
    expect(width('✔ 3 ✖ 0 ? 0 ⚠ 0')).toBe(15);
    expect(width('॥ Paused')).toBe(8);
    expect(width('▁▂▃')).toBe(3);
  });

  it.each([
    [truncateEnd, 'abcdefghij', 5, 'abcd…'],
    [truncateEnd, 'abc', 5, 'abc'],
    [truncateEnd, 'abc', 0, ''],
    [truncateMiddle, 'ghcr.io/org/app:1.2.3', 13, 'ghcr.i…:1.2.3'],
    [truncateStart, 'myapp-stable-5d8f7c9b4-abcde', 17, '…-5d8f7c9b4-abcde'],
    [truncateStart, 'myapp-stable-5d8f7c9b4-abcde', 19, '…-5d8f7c9b4-abcde'],
    [truncateStart, 'myapp-stable-5d8f7c9b4-abcde', 15, '…d8f7c9b4-abcde'],
  ])('%p(%j, %d) = %j', (f, s, w, expected) => {
    expect(f(s as string, w as number)).toBe(expected);
    expect(width(f(s as string, w as number))).toBeLessThanOrEqual(w as number);
  });

  it('wraps at words, cuts words longer than a line', () => {
    expect(wrap('paused at step 2/9 for 30s', 10)).toEqual(['paused at', 'step 2/9', 'for 30s']);
    expect(wrap('abcdefghijkl xy', 5)).toEqual(['abcde', 'fghij', 'kl xy']);
    expect(wrap('', 5)).toEqual(['']);
  });
});

describe('time', () => {
  it.each([
    [-5000, '0s'],
    [0, '0s'],
    [59_999, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [372_000, '6m12s'],
    [17 * 60_000, '17m'],
    [185 * 60_000, '3h5m'],
    [30 * 3_600_000, '30h'],
    [53 * 3_600_000, '2d5h'],
    [12 * 86_400_000, '12d'],
    [800 * 86_400_000, '2y70d'],
    [3000 * 86_400_000, '8y'],
  ])('formatAge(%d) = %s (kubectl)', (ms, expected) => {
    expect(formatAge(ms)).toBe(expected);
  });

  it('remaining time rounds up: 0s left means over', () => {
    expect(formatRemaining(17_001)).toBe('18s');
    expect(formatRemaining(1)).toBe('1s');
    expect(formatRemaining(0)).toBe('0s');
    expect(formatRemaining(-10)).toBe('0s');
    expect(formatRemaining(90_000)).toBe('1m30s');
  });

  it('iso to the second', () => {
    expect(iso(Date.parse('2026-11-26T10:00:00.987Z'))).toBe('2026-11-26T10:00:00Z');
  });
});

describe('renderTable', () => {
  const columns = [{ header: 'A', shrinkOrder: 2, minWidth: 4 }, { header: 'B' }, { header: 'C', shrinkOrder: 1, minWidth: 3 }];
  const rows = [[{ text: 'aaaaaaaaaa' }, { text: 'bb' }, { text: 'cccccccc' }]];

  it('natural widths when they fit, no trailing spaces', () => {
    expect(renderTable(columns, rows, plainPalette, null)).toEqual(['A           B   C', 'aaaaaaaaaa  bb  cccccccc']);
  });

  it('shrinks in order down to the minimum, never below', () => {
    // 24 wide: C gives 4 first (8 -> 4), A keeps its natural width.
    expect(renderTable(columns, rows, plainPalette, 20)).toEqual(['A           B   C', 'aaaaaaaaaa  bb  ccc…']);
    const tight = renderTable(columns, rows, plainPalette, 5);
    expect(tight[1]).toBe('aaa…  bb  cc…');
  });

  it('keeps cells marked keep, and prefixes are never cut', () => {
    const kept = renderTable(columns, [[{ text: 'abcdefgh', prefix: '├─', keep: true }, { text: 'b' }, { text: 'c' }]], plainPalette, 8);
    expect(kept[1]).toBe('├─abcdefgh  b  c');
  });
});
