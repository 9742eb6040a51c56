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

/**
 * Go's strconv.FormatFloat(v, 'f', precision) (fmt's %f is precision 6): the exact binary value
 * rounded half to even at `precision` decimals, never in exponent form. Number#toFixed rounds a
 * tie up (0.0078125 -> "0.007813", Go "0.007812") and switches to exponent form from 1e21.
 */
export function formatFixed(v: number, precision: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  // |v| = mantissa * 2^exponent exactly.
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, Math.abs(v));
  const biased = (bits.getUint32(0) >>> 20) & 0x7ff;
  const fraction = (BigInt(bits.getUint32(0) & 0xfffff) << 32n) | BigInt(bits.getUint32(4));
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const scale = 10n ** BigInt(precision);
  let scaled: bigint;
  if (exponent >= 0) scaled = (mantissa << BigInt(exponent)) * scale;
  else {
    const denominator = 1n << BigInt(-exponent);
    const numerator = mantissa * scale;
    scaled = numerator / denominator;
    const twice = (numerator % denominator) * 2n;
    if (twice > denominator || (twice === denominator && scaled % 2n === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  return precision > 0 ? `${sign}${whole}.${digits.slice(-precision)}` : `${sign}${whole}`;
}
