// A JSON number's significant digits and decimal point, read once from its text: the common
// short numbers need nothing more, the others are parsed from it.

/** value = (negative ? -1 : 1) * 0.d1 d2 ... d(digits) * 10^point, trailing zeros excluded from `digits`. */
export class Decimal {
  negative: bool = false;
  /** The first min(digits, 19) significant digits as an integer. */
  mantissa: u64 = 0;
  digits: i32 = 0;
  point: i32 = 0;
  /** Where the significant digits are written (the number's text, or a scratch copy): a '.' among them is skipped. */
  first: usize = 0;
  last: usize = 0;

  /** Reads a number token already validated by the JSON reader. */
  scan(p: usize, end: usize): void {
    let negative = false;
    if (p < end && load<u8>(p) == 0x2D) {
      negative = true;
      p++;
    }
    let mantissa: u64 = 0;
    let seen = 0; // significant digits, zeros included
    let digits = 0; // up to the last nonzero one
    let point: i64 = 0;
    let afterPoint = false;
    let first: usize = 0;
    for (; p < end; p++) {
      const c = load<u8>(p);
      if (c == 0x2E) {
        afterPoint = true;
        continue;
      }
      if ((c | 0x20) == 0x65) break;
      const digit = <u32>c - 0x30;
      if (seen == 0) {
        if (digit == 0) {
          if (afterPoint) point--;
          continue;
        }
        first = p;
      }
      if (!afterPoint) point++;
      seen++;
      if (seen <= 19) mantissa = mantissa * 10 + digit;
      if (digit != 0) digits = seen;
    }
    const last = p;
    if (p < end) point += readExponent(p + 1, end);
    // Drop the trailing zeros the mantissa holds.
    for (let i = min(seen, 19); i > digits; i--) mantissa /= 10;
    this.negative = negative;
    this.mantissa = mantissa;
    this.digits = digits;
    this.point = <i32>max<i64>(-1 << 30, min<i64>(point, 1 << 30));
    this.first = first;
    this.last = last;
  }

  /** Sets the value n * 10^exponent (n > 0), its digits written to `scratch` (20 bytes) for the exact path. */
  setInteger(n: u64, exponent: i32, scratch: usize): void {
    let count = 0;
    for (let t = n; t != 0; t /= 10) count++;
    for (let i = count, t = n; i > 0; i--, t /= 10) store<u8>(scratch + i - 1, <u8>(0x30 + t % 10));
    this.negative = false;
    this.mantissa = n;
    this.digits = count;
    this.point = count + exponent;
    this.first = scratch;
    this.last = scratch + count;
  }
}

/** The exponent after 'e', saturated far beyond any double's range. */
function readExponent(p: usize, end: usize): i64 {
  let negative = false;
  const c = load<u8>(p);
  if (c == 0x2D || c == 0x2B) {
    negative = c == 0x2D;
    p++;
  }
  let e: i64 = 0;
  for (; p < end; p++) {
    const digit = <i64>load<u8>(p) - 0x30;
    if (<u64>digit > 9) break;
    if (e < 1 << 40) e = e * 10 + digit;
  }
  return negative ? -e : e;
}
