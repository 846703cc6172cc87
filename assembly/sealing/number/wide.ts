// 64 x 64 -> 128-bit products (WebAssembly has none) and the rows of the powers-of-ten table.
import { POW10_MIN, POW10_TABLE } from "./pow10";

let low: u64 = 0;

/** High 64 bits of the unsigned product a * b; the low 64 bits are kept for `productLow`. */
export function mulHigh(a: u64, b: u64): u64 {
  const a0 = a & 0xFFFFFFFF, a1 = a >> 32, b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  low = (mid << 32) | (p00 & 0xFFFFFFFF);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** Low 64 bits of the last `mulHigh`. */
@inline export function productLow(): u64 {
  return low;
}

/** High word of 10^q's 128-bit mantissa (q within the table). */
@inline export function pow10High(q: i32): u64 {
  return load<u64>(POW10_TABLE + (<usize>(q - POW10_MIN) << 4));
}

@inline export function pow10Low(q: i32): u64 {
  return load<u64>(POW10_TABLE + (<usize>(q - POW10_MIN) << 4), 8);
}

/** floor(log2(10^q)) for |q| < 1233 (checked over the table by scripts/pow10-table.ts). */
@inline export function floorLog2Pow10(q: i32): i32 {
  return <i32>((<i64>q * 913124641741) >> 38);
}
