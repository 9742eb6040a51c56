/**
 * Numbers printed as Prometheus' Go client prints a sample value (strconv.FormatFloat(v, 'f', -1)):
 * the shortest digits that read back to the same float, never in exponent form, and NaN, +Inf, -Inf.
 * Argo stores this text as the measurement value, e.g. "[0.99,1]".
 */
export function formatSample(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const sign = v < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(v).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function formatSamples(values: readonly number[]): string {
  return `[${values.map(formatSample).join(',')}]`;
}

/** Prometheus sends sample values as strings: "1.5", "NaN", "+Inf", "-Inf". */
export function parseSample(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default: {
      const n = text.trim() === '' ? NaN : Number(text);
      return Number.isNaN(n) ? null : n;
    }
  }
}
