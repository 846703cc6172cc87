// Decimal to binary64, correctly rounded (to nearest, ties to even) as ECMAScript's Number() and
// C's strtod: Clinger's exact fast path, then Eisel-Lemire (https://arxiv.org/abs/2101.11408, after
// Go's strconv/eisel_lemire.go), and where that cannot decide, an exact comparison with big integers.
import { Big, BIG_SIZE, compareScaled } from "./bignum";
import { Decimal } from "./decimal";
import { POW10_MAX, POW10_MIN } from "./pow10";
import { floorLog2Pow10, mulHigh, pow10High, pow10Low, productLow } from "./wide";

const FAILED: u64 = u64.MAX_VALUE;
const HIDDEN: u64 = 1 << 52;
const INFINITY_BITS: u64 = 0x7FF0000000000000;
const EXACT_POWERS = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

/** The binary64 nearest to the (unsigned) decimal, as raw bits; the sign is the caller's. */
export function decimalToBits(d: Decimal): u64 {
  if (d.digits == 0 || d.point < -324) return 0;
  if (d.point > 310) return INFINITY_BITS;
  const truncated = d.digits > 19;
  const exp10 = d.point - (truncated ? 19 : d.digits);
  const w = d.mantissa;
  if (!truncated) {
    if (w <= HIDDEN << 1 && exp10 >= -22 && exp10 <= 22) {
      // Both operands exact: one correctly rounded operation.
      const power = load<f64>(EXACT_POWERS + (<usize>abs(exp10) << 3));
      return reinterpret<u64>(exp10 >= 0 ? <f64>w * power : <f64>w / power);
    }
    const bits = eiselLemire(w, exp10);
    if (bits != FAILED) return bits;
  } else {
    // The true value lies between w and w + 1 units: if both round alike, so does it.
    const below = eiselLemire(w, exp10);
    if (below != FAILED && below == eiselLemire(w + 1, exp10)) return below;
  }
  return exactBits(d, exp10);
}

/** Eisel-Lemire: w * 10^exp10 correctly rounded, or FAILED when 128 bits of 10^exp10 cannot decide. */
function eiselLemire(w: u64, exp10: i32): u64 {
  if (w == 0) return 0;
  if (exp10 < POW10_MIN || exp10 > POW10_MAX) return FAILED;
  const shift = <i32>clz<u64>(w);
  const man = w << shift;
  let exp2 = <u64>(floorLog2Pow10(exp10) + 64 + 1023 - shift);
  let hi = mulHigh(man, pow10High(exp10));
  let lo = productLow();
  if ((hi & 0x1FF) == 0x1FF && lo + man < man) {
    // The low word of 10^exp10 may carry into the bits that decide the rounding.
    const yHi = mulHigh(man, pow10Low(exp10));
    const yLo = productLow();
    let mergedHi = hi;
    const mergedLo = lo + yHi;
    if (mergedLo < lo) mergedHi++;
    if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && yLo + man < man) return FAILED;
    hi = mergedHi;
    lo = mergedLo;
  }
  const msb = hi >> 63;
  let mantissa = hi >> (msb + 9);
  exp2 -= 1 ^ msb;
  if (lo == 0 && (hi & 0x1FF) == 0 && (mantissa & 3) == 1) return FAILED; // exactly halfway: undecidable here
  mantissa += mantissa & 1;
  mantissa >>= 1;
  if (mantissa >> 53 > 0) {
    mantissa >>= 1;
    exp2++;
  }
  if (exp2 - 1 >= 0x7FF - 1) return FAILED; // subnormal or overflow: the exact path knows
  return (exp2 << 52) | (mantissa & (HIDDEN - 1));
}

// The exact path: a candidate m * 2^e (within a few units of the last place) corrected by comparing
// the decimal with the midpoints to its neighbours. Midpoints have at most 767 significant digits, so
// 800 digits decide, a nonzero digit beyond them only breaks a tie.
const MAX_DIGITS = 800;
const DIGITS = Big.at(memory.data(BIG_SIZE, 8));
let candidate: u64 = 0; // mantissa: [2^52, 2^53), or below 2^52 at the least exponent (subnormal)
let candidateExp: i32 = 0; // value = candidate * 2^candidateExp, candidateExp >= -1074

function exactBits(d: Decimal, exp10: i32): u64 {
  approximate(d.mantissa, exp10);
  const sticky = loadDigits(d);
  const scale = d.point - min(d.digits, MAX_DIGITS);
  for (let step = 0; step < 8; step++) {
    let c = compareScaled(DIGITS, scale, (candidate << 1) + 1, candidateExp - 1);
    if (c == 0 && sticky) c = 1;
    if (c > 0) {
      next();
      continue;
    }
    if (c == 0) {
      if (candidate & 1) next();
      break;
    }
    const bottom = candidate == HIDDEN && candidateExp > -1074; // the gap below is half as wide
    c = bottom
      ? compareScaled(DIGITS, scale, (candidate << 2) - 1, candidateExp - 2)
      : compareScaled(DIGITS, scale, (candidate << 1) - 1, candidateExp - 1);
    if (c == 0 && sticky) c = 1;
    if (c < 0) {
      previous();
      continue;
    }
    if (c == 0 && (candidate & 1)) previous();
    break;
  }
  if (candidate < HIDDEN) return candidate; // subnormal (or zero)
  const biased = <u64>(candidateExp + 1075);
  return biased >= 0x7FF ? INFINITY_BITS : (biased << 52) | (candidate - HIDDEN);
}

/** A candidate from the truncated product, at most a few units below the true value. */
function approximate(w: u64, exp10: i32): void {
  const shift = <i32>clz<u64>(w);
  const hi = mulHigh(w << shift, pow10High(max(POW10_MIN, min(exp10, POW10_MAX))));
  const msb = <i32>(hi >> 63);
  let mantissa = hi >> (msb + 10); // 53 bits, truncated
  let biased = floorLog2Pow10(exp10) + 64 + 1023 - shift - (1 ^ msb);
  if (biased <= 0) {
    const down = 1 - biased;
    mantissa = down < 64 ? mantissa >> down : 0;
    biased = 1;
  } else if (biased >= 0x7FF) {
    mantissa = HIDDEN; // 2^1024: rounds to infinity unless corrected down
    biased = 0x7FF;
  }
  candidate = mantissa;
  candidateExp = biased - 1075;
}

function next(): void {
  candidate++;
  if (candidate == HIDDEN << 1) {
    candidate = HIDDEN;
    candidateExp++;
  }
}

function previous(): void {
  if (candidate == HIDDEN && candidateExp > -1074) {
    candidate = (HIDDEN << 1) - 1;
    candidateExp--;
  } else if (candidate != 0) {
    candidate--;
  }
}

/** DIGITS = the first MAX_DIGITS significant digits; returns whether a nonzero digit was cut. */
function loadDigits(d: Decimal): bool {
  DIGITS.setU64(0);
  let taken = 0;
  let chunk: u32 = 0, chunkDigits = 0;
  let p = d.first;
  for (; p < d.last && taken < d.digits && taken < MAX_DIGITS; p++) {
    const c = load<u8>(p);
    if (c == 0x2E) continue;
    chunk = chunk * 10 + (<u32>c - 0x30);
    taken++;
    if (++chunkDigits == 9) {
      DIGITS.mulAdd(1000000000, chunk);
      chunk = 0;
      chunkDigits = 0;
    }
  }
  if (chunkDigits != 0) DIGITS.mulAdd(<u32>TENS[chunkDigits], chunk);
  for (; p < d.last && taken < d.digits; p++) {
    const c = load<u8>(p);
    if (c == 0x2E) continue;
    if (c != 0x30) return true;
    taken++;
  }
  return false;
}

const TENS: StaticArray<u32> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
