/**
 * Go's math.Pow, bit for bit as Argo's amd64 build computes it: the portable Pow algorithm
 * (repeated squaring with Frexp/Ldexp, Exp(yf*Log(x)) for the fraction) over the amd64 assembly
 * Exp (with FMA, as on every current x86 CPU) and Log. JavaScript's Math.pow rounds differently
 * in the last digit for many inputs (0.5 ** 1.5, 0.99 ** 3).
 */

const buffer = new DataView(new ArrayBuffer(8));

function bits(x: number): bigint {
  buffer.setFloat64(0, x);
  return buffer.getBigUint64(0);
}

function fromBits(b: bigint): number {
  buffer.setBigUint64(0, BigInt.asUintN(64, b));
  return buffer.getFloat64(0);
}

const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** An exact rational m * 2^e with m a bigint, for fused multiply-add. */
function exact(x: number): { m: bigint; e: number } {
  const b = bits(x);
  const sign = b >> 63n ? -1n : 1n;
  const exp = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  if (exp === 0) return { m: sign * frac, e: -1074 };
  return { m: sign * (frac | 0x10000000000000n), e: exp - 1075 };
}

/** m * 2^e rounded to the nearest float64, ties to even. */
function round(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let a = negative ? -m : m;
  let exp = e;
  // Normalize to 53 significant bits (or fewer for subnormals), remembering what was cut off.
  let shift = a.toString(2).length - 53;
  if (exp + shift < -1074) shift = -1074 - exp;
  if (shift > 0) {
    const cut = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    exp += shift;
    const half = 1n << BigInt(shift - 1);
    if (cut > half || (cut === half && (a & 1n) === 1n)) a += 1n;
  } else if (shift < 0) {
    a <<= BigInt(-shift);
    exp += shift;
  }
  // a * 2^exp, with a < 2^54; Number() of the parts is exact.
  const value = Number(a) * 2 ** exp;
  return negative ? -value : value;
}

/** fma(a, b, c) = a*b + c with a single rounding, as the VFMADD instructions compute it. */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  if (a === 0 || b === 0) return a * b + c;
  const x = exact(a);
  const y = exact(b);
  const z = exact(c);
  const pm = x.m * y.m;
  const pe = x.e + y.e;
  if (z.m === 0n) return round(pm, pe);
  const e = Math.min(pe, z.e);
  const sum = (pm << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  if (sum === 0n) return 0;
  return round(sum, e);
}

/** The amd64 assembly math.Exp (exp_amd64.s), FMA variant. */
export function goExp(x: number): number {
  const LOG2E = 1.442695040888963407359924681001892;
  const LN2U = 0.69314718055966295651160180568695068359375;
  const LN2L = 0.28235290563031577122588448175013436025525412068e-12;
  const OVERFLOW = 7.09782712893384e2;
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > OVERFLOW) return Infinity;
  // CVTSD2SL: round to nearest even; out-of-range gives the "integer indefinite" value.
  const scaled = LOG2E * x;
  let n = Math.abs(scaled) < 2 ** 31 ? roundEven(scaled) : -(2 ** 31);
  const k = n;
  let r = fma(-LN2U, k, x);
  r = fma(-LN2L, k, r);
  r *= 0.0625;
  let p = 2.4801587301587301587e-5;
  p = fma(p, r, 1.984126984126984127e-4);
  p = fma(p, r, 1.3888888888888888889e-3);
  p = fma(p, r, 8.3333333333333333333e-3);
  p = fma(p, r, 4.1666666666666666667e-2);
  p = fma(p, r, 1.6666666666666666667e-1);
  p = fma(p, r, 0.5);
  p = fma(p, r, 1.0);
  r = r * p;
  let t = r + 2.0;
  r = r * t;
  t = r + 2.0;
  r = r * t;
  t = r + 2.0;
  r = r * t;
  t = r + 2.0;
  r = fma(t, r, 1.0);
  // ldexp by building the power of two directly, as the assembly does.
  n += 0x3ff;
  if (n <= 0) {
    if (n < -52) return 0;
    r *= fromBits(BigInt(n + 0x3fe) << 52n);
    return r * fromBits(1n << 52n);
  }
  if (n >= 0x7ff) return Infinity;
  return r * fromBits(BigInt(n) << 52n);
}

function roundEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The amd64 assembly math.Log (log_amd64.s). */
export function goLog(x: number): number {
  const HSQRT2 = 7.07106781186547524401e-1;
  const LN2HI = 6.93147180369123816490e-1;
  const LN2LO = 1.90821492927058770002e-10;
  const L1 = 6.666666666666735130e-1;
  const L2 = 3.999999999940941908e-1;
  const L3 = 2.857142874366239149e-1;
  const L4 = 2.222219843214978396e-1;
  const L5 = 1.818357216161805012e-1;
  const L6 = 1.531383769920937332e-1;
  const L7 = 1.479819860511658591e-1;
  const b = bits(x);
  if ((b & 0x7fffffffffffffffn) === 0n) return -Infinity;
  if (b >> 63n) return NaN;
  if (b >= 0x7ff0000000000000n) return x;
  let f1 = fromBits((b & 0x000fffffffffffffn) | 0x3fe0000000000000n);
  let k = Number((b >> 52n) & 0x7ffn) - 0x3fe;
  if (f1 <= HSQRT2) {
    k -= 1;
    f1 *= 2;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2HI - (hfsq - (s * (hfsq + R) + k * LN2LO) - f);
}

function frexp(f: number): [number, number] {
  if (f === 0 || !Number.isFinite(f)) return [f, 0];
  let x = f;
  let exp = 0;
  if (Math.abs(x) < SMALLEST_NORMAL) {
    x *= 2 ** 52;
    exp = -52;
  }
  const b = bits(x);
  exp += Number((b >> 52n) & 0x7ffn) - 1023 + 1;
  return [fromBits((b & ~(0x7ffn << 52n)) | (1022n << 52n)), exp];
}

function ldexp(frac: number, e: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  let x = frac;
  let exp = e;
  if (Math.abs(x) < SMALLEST_NORMAL) {
    x *= 2 ** 52;
    exp -= 52;
  }
  let b = bits(x);
  exp += Number((b >> 52n) & 0x7ffn) - 1023;
  if (exp < -1075) return frac < 0 ? -0 : 0;
  if (exp > 1023) return frac < 0 ? -Infinity : Infinity;
  let m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 2 ** -53;
  }
  b &= ~(0x7ffn << 52n);
  b |= BigInt(exp + 1023) << 52n;
  return m * fromBits(b);
}

function isOddInt(x: number): boolean {
  if (Math.abs(x) >= 2 ** 53) return false;
  const xi = Math.trunc(x);
  return x - xi === 0 && BigInt(xi) % 2n !== 0n;
}

/** math.Pow(x, y) as Go computes it on amd64. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0) {
    const negZero = Object.is(x, -0);
    if (y < 0) return negZero && isOddInt(y) ? -Infinity : Infinity;
    return negZero && isOddInt(y) ? x : 0;
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1;
    return (Math.abs(x) < 1) === (y === Infinity) ? 0 : Infinity;
  }
  if (!Number.isFinite(x)) {
    if (x === -Infinity) return goPow(1 / x, -y);
    return y < 0 ? 0 : Infinity;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);

  let yi = Math.trunc(Math.abs(y));
  let yf = Math.abs(y) - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yi >= 2 ** 63) {
    if (x === -1) return 1;
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity;
  }
  let a1 = 1.0;
  let ae = 0;
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = goExp(yf * goLog(x));
  }
  let [x1, xe] = frexp(x);
  for (let i = BigInt(yi); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}
