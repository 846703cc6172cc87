// The shortest decimal that rounds back to a binary64, by Schubfach (R. Giulietti, "The Schubfach
// way to render doubles", 2020; after his Java DoubleToDecimal). Among the shortest it picks the
// closest, ties to even, as ECMAScript's Number::toString requires; unlike Java it allows one digit.
import { floorLog2Pow10, mulHigh, pow10High, pow10Low } from "./wide";

const HIDDEN: u64 = 1 << 52;
const MASK_63: u64 = 0x7FFFFFFFFFFFFFFF;

/** Result of `shortest`: value = digits * 10^exponent, digits without trailing zeros. */
export let shortestDigits: u64 = 0;
export let shortestExponent: i32 = 0;

/** Shortest decimal of a positive finite nonzero double given by its bits. */
export function shortest(bits: u64): void {
  const biased = <i32>(bits >> 52) & 0x7FF;
  const fraction = bits & (HIDDEN - 1);
  if (biased == 0) {
    toDecimal(-1074, fraction);
    return;
  }
  const q = biased - 1075;
  const c = HIDDEN | fraction;
  if (q < 0 && q > -53) {
    // An integer below 2^53 is its own shortest form.
    const f = c >> <u64>-q;
    if (f << <u64>-q == c) {
      setResult(f, 0);
      return;
    }
  }
  toDecimal(q, c);
}

function toDecimal(q: i32, c: u64): void {
  const out = c & 1;
  const cb = c << 2;
  const cbr = cb + 2;
  let cbl: u64;
  let k: i32;
  if (c != HIDDEN || q == -1074) {
    cbl = cb - 2;
    k = <i32>((<i64>q * 661971961083) >> 41); // floor(log10(2^q))
  } else {
    // At a power of two the gap below is half as wide.
    cbl = cb - 1;
    k = <i32>((<i64>q * 661971961083 - 274743187321) >> 41); // floor(log10(3/4 * 2^q))
  }
  const h = q + floorLog2Pow10(-k) + 2;
  // g = floor(10^-k scaled to 126 bits) + 1 = g1 * 2^63 + g0, from the 128-bit table entry.
  const high = pow10High(-k), low = pow10Low(-k);
  const gLow = ((low >> 2) | (high << 62)) + 1;
  const gHigh = (high >> 2) + <u64>(gLow == 0);
  const g1 = (gHigh << 1) | (gLow >> 63);
  const g0 = gLow & MASK_63;
  const vb = roundToOdd(g1, g0, cb << <u64>h);
  const vbl = roundToOdd(g1, g0, cbl << <u64>h);
  const vbr = roundToOdd(g1, g0, cbr << <u64>h);
  const s = vb >> 2;
  if (s >= 10) {
    // One digit shorter: at most one such decimal lies in the rounding interval.
    const sp10 = 10 * (s / 10);
    const tp10 = sp10 + 10;
    const upin = vbl + out <= sp10 << 2;
    const wpin = (tp10 << 2) + out <= vbr;
    if (upin != wpin) {
      setResult(upin ? sp10 : tp10, k);
      return;
    }
  }
  const t = s + 1;
  const uin = vbl + out <= s << 2;
  const win = (t << 2) + out <= vbr;
  if (uin != win) {
    setResult(uin ? s : t, k);
    return;
  }
  const cmp = <i64>(vb - ((s + t) << 1));
  setResult(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k);
}

/** (g * cp) >> 128 rounded to odd, g = g1 * 2^63 + g0 (Giulietti's rop). */
@inline function roundToOdd(g1: u64, g0: u64, cp: u64): u64 {
  const x1 = mulHigh(g0, cp);
  const y0 = g1 * cp;
  const y1 = mulHigh(g1, cp);
  const z = (y0 >> 1) + x1;
  const vbp = y1 + (z >> 63);
  return vbp | (((z & MASK_63) + MASK_63) >> 63);
}

function setResult(digits: u64, exponent: i32): void {
  while (digits != 0 && digits % 10 == 0) {
    digits /= 10;
    exponent++;
  }
  shortestDigits = digits;
  shortestExponent = exponent;
}

/** Number of decimal digits of n > 0. */
export function digitCount(n: u64): i32 {
  let count = 1;
  while (n >= 10) {
    n /= 10;
    count++;
  }
  return count;
}
