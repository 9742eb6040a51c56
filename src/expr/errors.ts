/**
 * The single error type of the expression language. Argo shows expr's bare message ("unknown name x",
 * "expected bool, but got int"), so `message` is exactly that; the position lives in separate fields.
 */
export type ExprPhase = 'compile' | 'runtime';

export class ExprError extends Error {
  readonly phase: ExprPhase;
  /** 1-based line of the offending token or node, when known. */
  declare readonly line?: number;
  /** 1-based column (in characters) of the offending token or node, when known. */
  declare readonly column?: number;
  /** The source line with a caret under the column, as expr prints it: " | len(result) >> 0\n | ............^". */
  declare readonly detail?: string;

  constructor(phase: ExprPhase, message: string, where?: { line: number; column: number; detail: string }) {
    super(message);
    this.name = 'ExprError';
    this.phase = phase;
    // Assigned only when known, so errors without a position carry no empty fields.
    if (where) Object.assign(this, where);
  }
}

/** An error pointing at `offset` (UTF-16 index into `source`); columns count characters, not code units. */
export function errorAt(phase: ExprPhase, message: string, source: string, offset: number): ExprError {
  return new ExprError(phase, message, locate(source, offset));
}

function locate(source: string, offset: number): { line: number; column: number; detail: string } {
  const at = Math.max(0, Math.min(offset, source.length));
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const newline = source.indexOf('\n', lineStart);
  const lineEnd = newline < 0 ? source.length : newline;
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < lineStart; i = source.indexOf('\n', i + 1)) line++;
  const before = [...source.slice(lineStart, at)].length;
  // Tabs become spaces so the caret lines up in a terminal, as expr does.
  const text = source.slice(lineStart, lineEnd).replace(/\t/g, ' ');
  return { line, column: before + 1, detail: ` | ${text}\n | ${'.'.repeat(before)}^` };
}

/**
 * Raised by value operations that know what went wrong but not where; the interpreter turns it
 * into a runtime ExprError pointing at the node it was evaluating. Never escapes the module.
 */
export class Fault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Fault';
  }
}
