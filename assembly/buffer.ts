// A growable byte buffer outside the garbage-collected heap: allocated once, reused for
// every record, so the hot path allocates nothing. It only grows (to the largest record
// seen), which keeps memory bounded by the biggest record, not by the number of calls.

export class ByteBuffer {
  ptr: usize = 0;
  len: usize = 0;
  cap: usize = 0;

  constructor(initial: usize) {
    this.ptr = heap.alloc(initial);
    this.cap = initial;
  }

  @inline reset(): void {
    this.len = 0;
  }

  /** Makes room for `n` more bytes and returns where they go. */
  @inline reserve(n: usize): usize {
    const need = this.len + n;
    if (need > this.cap) this.grow(need);
    return this.ptr + this.len;
  }

  private grow(need: usize): void {
    let cap = this.cap << 1;
    if (cap < need) cap = need;
    this.ptr = heap.realloc(this.ptr, cap);
    this.cap = cap;
  }

  @inline putByte(b: u8): void {
    store<u8>(this.reserve(1), b);
    this.len += 1;
  }

  @inline putBytes(src: usize, n: usize): void {
    memory.copy(this.reserve(n), src, n);
    this.len += n;
  }

  /** Appends pre-encoded UTF-8 (see `utf8`). */
  @inline putBuffer(bytes: ArrayBuffer): void {
    this.putBytes(changetype<usize>(bytes), <usize>bytes.byteLength);
  }

  /** Appends an unsigned decimal number. */
  putUint(v: u64): void {
    const at = this.reserve(20);
    let digits = 1;
    for (let t = v; t >= 10; t /= 10) digits++;
    let p = at + digits;
    do {
      p--;
      store<u8>(p, <u8>(48 + v % 10));
      v /= 10;
    } while (v != 0);
    this.len += digits;
  }

  /** Appends bytes as lowercase hex (four bytes per step: MACs and keys are multiples of four). */
  putHex(src: usize, n: usize): void {
    const at = this.reserve(n << 1);
    let i: usize = 0;
    for (; i + 4 <= n; i += 4) {
      const w = load<u32>(src + i);
      const low = <u64>hexPair(w & 0xFF) | (<u64>hexPair((w >> 8) & 0xFF) << 16);
      const high = <u64>hexPair((w >> 16) & 0xFF) | (<u64>hexPair(w >> 24) << 16);
      store<u64>(at + (i << 1), low | (high << 32));
    }
    for (; i < n; i++) store<u16>(at + (i << 1), hexPair(load<u8>(src + i)));
    this.len += n << 1;
  }

  /** Appends `count` copies of `byte`. */
  putFill(byte: u8, count: usize): void {
    memory.fill(this.reserve(count), byte, count);
    this.len += count;
  }

  /** Shortens the buffer to `len` bytes. */
  @inline truncate(len: usize): void {
    if (len < this.len) this.len = len;
  }
}

/** The two hex digits of every byte value, as one u16 per byte: a table load instead of arithmetic. */
const HEX_PAIRS = hexPairs();

@inline function hexPair(byte: u32): u16 {
  return load<u16>(HEX_PAIRS + (<usize>byte << 1));
}

function hexPairs(): usize {
  const table = memory.data(512);
  const digits = "0123456789abcdef";
  for (let b = 0; b < 256; b++) {
    store<u8>(table + (<usize>b << 1), <u8>digits.charCodeAt(b >> 4));
    store<u8>(table + (<usize>b << 1) + 1, <u8>digits.charCodeAt(b & 15));
  }
  return table;
}

/** UTF-8 bytes of a constant, encoded once at start-up so the hot path never converts strings. */
export function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}
