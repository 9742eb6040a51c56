/**
 * Go's strconv.ParseInt(s, 10, 64) and ParseFloat(s, 64), used by asInt/asFloat (whose error texts
 * Argo users see, e.g. `strconv.ParseInt: parsing "1.1": invalid syntax`) and by int()/float().
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export function parseGoInt(text: string): Parsed<bigint> {
  const fail = (why: string): Parsed<bigint> => ({
    ok: false,
    message: `strconv.ParseInt: parsing ${JSON.stringify(text)}: ${why}`,
  });
  if (!/^[+-]?[0-9]+$/.test(text)) return fail('invalid syntax');
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) return fail('value out of range');
  return { ok: true, value };
}

const DECIMAL = /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

export function parseGoFloat(text: string): Parsed<number> {
  const fail = (why: string): Parsed<number> => ({
    ok: false,
    message: `strconv.ParseFloat: parsing ${JSON.stringify(text)}: ${why}`,
  });
  const special = SPECIAL.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return special[1] ? fail('invalid syntax') : { ok: true, value: NaN };
    return { ok: true, value: special[1] === '-' ? -Infinity : Infinity };
  }
  if (!DECIMAL.test(text)) return fail('invalid syntax');
  const value = Number(text.replace(/_/g, ''));
  // Go returns ±Inf together with a range error for finite literals too large for float64.
  if (!Number.isFinite(value)) return fail('value out of range');
  return { ok: true, value };
}
