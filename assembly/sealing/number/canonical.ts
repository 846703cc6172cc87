// A JSON number in canonical text: ECMAScript's Number::toString of its double (RFC 8785 section
// 3.2.2.3), written straight from the digits when they are few, through parse and shortest print
// otherwise. The sealed form adds one step for numbers that need 17 digits (see canonicalNumber).
import { ByteBuffer } from "../../buffer";
import { Big, BIG_SIZE, compareScaled } from "./bignum";
import { Decimal } from "./decimal";
import { decimalToBits } from "./parse";
import { digitCount, shortest, shortestDigits, shortestExponent } from "./shortest";

const INFINITY_BITS: u64 = 0x7FF0000000000000;
const HIDDEN: u64 = 1 << 52;
const decimal = new Decimal();
const rounded = new Decimal();
const roundedDigits = memory.data(24);
const boundary = Big.at(memory.data(BIG_SIZE, 8));
const digitText = memory.data(24);

/**
 * Writes the canonical text of the number token [p, end). With `fluentStable`, a double whose
 * shortest form has 17 significant digits is first rounded to 16 (to nearest, ties to even) and
 * re-read: Fluent Bit prints doubles with "%.16g", so that is the value every later reader sees,
 * and the seal must not depend on the digit Fluent Bit drops. Doubles with at most 16 digits (all
 * integers below 2^53, every number written with up to 15 significant digits) are unaffected.
 * Integers in Fluent Bit's 64-bit range are written digit for digit (it keeps them exactly in
 * msgpack); infinite values (1e400) are `Infinity`/`-Infinity`, apart from null.
 */
export function writeCanonicalNumber(out: ByteBuffer, p: usize, end: usize, fluentStable: bool): void {
  if (isCanonicalInteger(p, end)) {
    out.putBytes(p, end - p);
    return;
  }
  if (writeWideInteger(out, p, end)) return;
  decimal.scan(p, end);
  const point = decimal.point;
  if (decimal.digits == 0) {
    out.putByte(0x30);
  } else if (decimal.digits <= 15 && point >= -306 && point <= 308) {
    // Up to 15 digits in the normal range round-trip through a double unchanged, and no shorter
    // decimal reaches the same double: the digits themselves are the shortest form.
    writeLayout(out, decimal.negative, decimal.mantissa, decimal.digits, point);
  } else {
    writeDouble(out, decimal.negative, decimalToBits(decimal), fluentStable);
  }
}

/**
 * Whether the number token [p, end) is written canonically already: an integer of 1 to 15 digits
 * (exact as a double, in either mode) without a leading zero, and not -0.
 */
export function isCanonicalInteger(p: usize, end: usize): bool {
  const negative = load<u8>(p) == 0x2D;
  const first = negative ? p + 1 : p;
  const count = end - first;
  if (count == 0 || count > 15 || (load<u8>(first) == 0x30 && (count > 1 || negative))) return false;
  for (let q = first; q < end; q++) if (<u32>load<u8>(q) - 0x30 > 9) return false;
  return true;
}

/**
 * An integer of 16 to 20 digits that Fluent Bit keeps as int64 or uint64 (-2^63 to 2^64 - 1, as
 * flb_pack.c's strtoll/strtoull): its digits as written. False for anything else (shorter
 * integers are exact through the double path too; longer or fractional ones are doubles).
 */
function writeWideInteger(out: ByteBuffer, p: usize, end: usize): bool {
  const negative = load<u8>(p) == 0x2D;
  const first = negative ? p + 1 : p;
  const count = end - first;
  if (count < 16 || count > 20) return false;
  for (let q = first; q < end; q++) if (<u32>load<u8>(q) - 0x30 > 9) return false;
  if (count == 20 || (negative && count == 19)) {
    const limit = negative ? INT64_MIN_DIGITS : UINT64_MAX_DIGITS;
    if (<usize>limit.byteLength != count || memory.compare(first, changetype<usize>(limit), count) > 0) return false;
  }
  out.putBytes(p, end - p);
  return true;
}

/** Writes a double (given as its magnitude's bits and a sign) as Number::toString does. */
export function writeDouble(out: ByteBuffer, negative: bool, bits: u64, fluentStable: bool): void {
  if (bits >= INFINITY_BITS) {
    out.putBuffer(negative ? MINUS_INFINITY_TEXT : INFINITY_TEXT);
    return;
  }
  if (bits == 0) {
    out.putByte(0x30);
    return;
  }
  shortest(bits);
  if (fluentStable && digitCount(shortestDigits) == 17) {
    bits = roundTo16Digits(bits);
    if (bits >= INFINITY_BITS) {
      out.putBuffer(negative ? MINUS_INFINITY_TEXT : INFINITY_TEXT);
      return;
    }
    shortest(bits);
  }
  const count = digitCount(shortestDigits);
  writeLayout(out, negative, shortestDigits, count, count + shortestExponent);
}

/**
 * The double nearest to the value of `bits` rounded to 16 significant digits (as C's "%.16g" and
 * then strtod). Called right after `shortest` found 17 digits d * 10^e: the exact value lies within
 * half a 16-digit step of it, so the result is floor(d / 10) or the next 16-digit decimal, decided
 * by comparing the exact value with the midpoint between them.
 */
function roundTo16Digits(bits: u64): u64 {
  const biased = <i32>(bits >> 52);
  const c = biased == 0 ? bits & (HIDDEN - 1) : (bits & (HIDDEN - 1)) | HIDDEN;
  const q = biased == 0 ? -1074 : biased - 1075;
  const exponent = shortestExponent;
  let n = shortestDigits / 10;
  boundary.setU64((2 * n + 1) * 5); // the midpoint is (2n + 1) * 5 * 10^exponent
  const side = compareScaled(boundary, exponent, c, q);
  if (side < 0 || (side == 0 && (n & 1) != 0)) n++;
  rounded.setInteger(n, exponent + 1, roundedDigits);
  return decimalToBits(rounded);
}

/** value = 0.d1 d2 ... d(count) * 10^point, laid out as ECMAScript's Number::toString. */
function writeLayout(out: ByteBuffer, negative: bool, digits: u64, count: i32, point: i32): void {
  if (negative) out.putByte(0x2D);
  for (let i = count, t = digits; i > 0; i--, t /= 10) store<u8>(digitText + i - 1, <u8>(0x30 + t % 10));
  const text = digitText;
  if (count <= point && point <= 21) {
    out.putBytes(text, count);
    for (let i = count; i < point; i++) out.putByte(0x30);
  } else if (0 < point && point <= 21) {
    out.putBytes(text, point);
    out.putByte(0x2E);
    out.putBytes(text + point, count - point);
  } else if (-6 < point && point <= 0) {
    out.putByte(0x30);
    out.putByte(0x2E);
    for (let i = point; i < 0; i++) out.putByte(0x30);
    out.putBytes(text, count);
  } else {
    out.putByte(load<u8>(text));
    if (count > 1) {
      out.putByte(0x2E);
      out.putBytes(text + 1, count - 1);
    }
    out.putByte(0x65);
    const exponent = point - 1;
    out.putByte(exponent < 0 ? 0x2D : 0x2B);
    out.putUint(<u64>abs(exponent));
  }
}

// Not JSON: canonical text only feeds the hash, and infinity must not collide with null.
const INFINITY_TEXT = String.UTF8.encode("Infinity");
const MINUS_INFINITY_TEXT = String.UTF8.encode("-Infinity");
const INT64_MIN_DIGITS = String.UTF8.encode("9223372036854775808");
const UINT64_MAX_DIGITS = String.UTF8.encode("18446744073709551615");
