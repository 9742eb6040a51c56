/**
 * Text measuring for fixed-width layouts. Widths count code points, as kubectl-argo-rollouts'
 * tabwriter counts runes: the icons (✔ ✖ ◌ ॥ ⚠ ⟳ ⧉ □ α) and sparkline blocks take one column each.
 */
export function width(s: string): number {
  return [...s].length;
}

export function padEnd(s: string, w: number): string {
  const n = width(s);
  return n >= w ? s : s + ' '.repeat(w - n);
}

export function truncateEnd(s: string, w: number): string {
  if (width(s) <= w) return s;
  if (w <= 0) return '';
  return [...s].slice(0, w - 1).join('') + '…';
}

/** Keeps both ends: a pod's unique suffix and an image's tag are at the end, its name at the start. */
export function truncateMiddle(s: string, w: number): string {
  if (width(s) <= w) return s;
  if (w <= 1) return truncateEnd(s, w);
  const chars = [...s];
  const head = Math.floor((w - 1) / 2);
  const tail = w - 1 - head;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/**
 * Keeps the end: a pod's unique suffix when its Deployment's name is on the row above. Starts at a
 * `-` when one is near, so the cut reads "…-5d8f7c9b4-abcde" rather than "…e-5d8f7c9b4-abcde".
 */
export function truncateStart(s: string, w: number): string {
  if (width(s) <= w) return s;
  if (w <= 0) return '';
  const chars = [...s];
  const tail = chars.slice(chars.length - (w - 1));
  const dash = tail.indexOf('-');
  const from = dash > 0 && dash <= 5 ? dash : 0;
  return '…' + tail.slice(from).join('');
}

/**
 * Word-wraps to lines of at most `w` columns; a word longer than a line is cut. A command in
 * backticks stays on one line when it fits one, so that it can be copied and pasted.
 */
export function wrap(text: string, w: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.match(/(?:[^\s`]*`[^`]*`[^\s`]*)+|\S+/g) ?? []) {
    let rest = word;
    while (width(rest) > w) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const chars = [...rest];
      lines.push(chars.slice(0, w).join(''));
      rest = chars.slice(w).join('');
    }
    if (!line) line = rest;
    else if (width(line) + 1 + width(rest) <= w) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
