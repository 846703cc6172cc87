// Unsigned big integers of fixed capacity in static memory, for the rare exact comparisons of the
// number code: a decimal against a binary midpoint, with up to 800 significant digits.
const LIMBS = 160; // 5120 bits: 800 digits (2658 bits) scaled by up to 2^1100, with room to spare

@unmanaged
export class Big {
  /** A zero at `ptr` (4 + 4 * LIMBS bytes). */
  @inline static at(ptr: usize): Big {
    return changetype<Big>(ptr);
  }

  @inline get length(): u32 {
    return load<u32>(changetype<usize>(this));
  }

  @inline set length(n: u32) {
    store<u32>(changetype<usize>(this), n);
  }

  @inline limb(i: u32): u32 {
    return load<u32>(changetype<usize>(this) + 4 + (<usize>i << 2));
  }

  @inline setLimb(i: u32, v: u32): void {
    store<u32>(changetype<usize>(this) + 4 + (<usize>i << 2), v);
  }

  setU64(v: u64): void {
    this.length = 0;
    while (v != 0) {
      this.push(<u32>v);
      v >>= 32;
    }
  }

  copyFrom(other: Big): void {
    memory.copy(changetype<usize>(this), changetype<usize>(other), 4 + (<usize>other.length << 2));
  }

  /** this = this * m + add. */
  mulAdd(m: u32, add: u32): void {
    let carry = <u64>add;
    const n = this.length;
    for (let i: u32 = 0; i < n; i++) {
      const v = <u64>this.limb(i) * m + carry;
      this.setLimb(i, <u32>v);
      carry = v >> 32;
    }
    if (carry != 0) this.push(<u32>carry);
  }

  /** this = this * 5^n. */
  mulPow5(n: i32): void {
    for (; n >= 13; n -= 13) this.mulAdd(1220703125, 0); // 5^13, the largest power of 5 in a u32
    if (n > 0) this.mulAdd(unchecked(POW5[n]), 0);
  }

  /** this = this * 2^n. */
  shiftLeft(n: i32): void {
    if (this.length == 0 || n <= 0) return;
    const words = <u32>(n >> 5), bits = <u32>(n & 31);
    const oldLength = this.length;
    if (oldLength + words + 1 > <u32>LIMBS) return; // cannot happen for doubles: keeps memory safe
    if (bits != 0) {
      this.setLimb(oldLength + words, this.limb(oldLength - 1) >> (32 - bits));
      for (let i = oldLength - 1; i > 0; i--) {
        this.setLimb(i + words, (this.limb(i) << bits) | (this.limb(i - 1) >> (32 - bits)));
      }
      this.setLimb(words, this.limb(0) << bits);
    } else {
      for (let i = oldLength; i > 0; i--) this.setLimb(i - 1 + words, this.limb(i - 1));
      this.setLimb(oldLength + words, 0);
    }
    for (let i: u32 = 0; i < words; i++) this.setLimb(i, 0);
    this.length = oldLength + words + 1;
    this.trim();
  }

  private push(v: u32): void {
    const n = this.length;
    if (n >= <u32>LIMBS) return;
    this.setLimb(n, v);
    this.length = n + 1;
  }

  private trim(): void {
    let n = this.length;
    while (n > 0 && this.limb(n - 1) == 0) n--;
    this.length = n;
  }
}

export const BIG_SIZE: i32 = 4 + 4 * LIMBS;

/** Sign of a - b. */
export function compareBig(a: Big, b: Big): i32 {
  const n = a.length;
  if (n != b.length) return n > b.length ? 1 : -1;
  for (let i = n; i > 0; i--) {
    const x = a.limb(i - 1), y = b.limb(i - 1);
    if (x != y) return x > y ? 1 : -1;
  }
  return 0;
}

const POW5: StaticArray<u32> = [1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625, 48828125, 244140625];

const LEFT = Big.at(memory.data(BIG_SIZE, 8));
const RIGHT = Big.at(memory.data(BIG_SIZE, 8));

/** Sign of a * 10^decimalExp - m * 2^binaryExp, exactly (a is left unchanged). */
export function compareScaled(a: Big, decimalExp: i32, m: u64, binaryExp: i32): i32 {
  LEFT.copyFrom(a);
  RIGHT.setU64(m);
  // a * 5^d * 2^d  vs  m * 2^b: move the fives to one side, then balance the twos.
  if (decimalExp >= 0) LEFT.mulPow5(decimalExp);
  else RIGHT.mulPow5(-decimalExp);
  const twos = decimalExp - binaryExp;
  if (twos >= 0) LEFT.shiftLeft(twos);
  else RIGHT.shiftLeft(-twos);
  return compareBig(LEFT, RIGHT);
}
