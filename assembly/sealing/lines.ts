// The fixed-size, checksummed text lines of logseal's own files (the chain state, the signing
// file): a line ends with " check=<8 hex>", FNV-1a over what precedes it, so a torn or edited line
// is noticed and only that line is lost. Not a defence against an attacker: the chain is that.
import { ByteBuffer, utf8 } from "../buffer";

const CHECK = utf8(" check=");
const checkScratch = memory.data(4, 4);

/** Appends the line's checksum and pads it with spaces to `size` bytes, the last a newline. */
export function sealLine(line: ByteBuffer, size: usize): void {
  checkLine(line);
  if (line.len < size - 1) line.putFill(0x20, size - 1 - line.len);
  line.putByte(0x0A);
}

/** Appends the line's checksum, and nothing after it. */
export function checkLine(line: ByteBuffer): void {
  store<u32>(checkScratch, bswap<u32>(checksum(line.ptr, line.len)));
  line.putBuffer(CHECK);
  line.putHex(checkScratch, 4);
}

/** Reads a checked line; any surprise clears `ok` (and reads stay inside the line). */
export class LineCursor {
  ok: bool = true;
  private p: usize;
  private readonly end: usize;
  private checkAt: usize = 0;

  constructor(readonly start: usize, size: usize) {
    this.p = start;
    this.end = start + size;
  }

  /** Finds " check=", verifies the checksum of what precedes it. */
  sealed(): bool {
    const checkLen = <usize>CHECK.byteLength;
    for (let p = this.start; p + checkLen + 8 <= this.end; p++) {
      if (memory.compare(p, changetype<usize>(CHECK), checkLen) != 0) continue;
      let value: u32 = 0;
      for (let i: usize = 0; i < 8; i++) {
        const digit = hexValue(load<u8>(p + checkLen + i));
        if (digit < 0) return false;
        value = (value << 4) | <u32>digit;
      }
      this.checkAt = p;
      return value == checksum(this.start, p - this.start);
    }
    return false;
  }

  atCheck(): bool {
    return this.ok && this.p == this.checkAt;
  }

  /** Bytes from the line's start to the end of its checksum (after `sealed`). */
  get checkedLength(): usize {
    return this.checkAt + <usize>CHECK.byteLength + 8 - this.start;
  }

  label(bytes: ArrayBuffer): void {
    const n = <usize>bytes.byteLength;
    if (!this.ok || this.p + n > this.end || memory.compare(this.p, changetype<usize>(bytes), n) != 0) this.ok = false;
    else this.p += n;
  }

  /** Whether the optional `bytes` come next (then read past them). */
  optional(bytes: ArrayBuffer): bool {
    const n = <usize>bytes.byteLength;
    if (!this.ok || this.p + n > this.end || memory.compare(this.p, changetype<usize>(bytes), n) != 0) return false;
    this.p += n;
    return true;
  }

  dash(): bool {
    if (this.ok && this.p < this.end && load<u8>(this.p) == 0x2D) {
      this.p++;
      return true;
    }
    return false;
  }

  comma(): void {
    this.byte(0x2C);
  }

  slash(): void {
    this.byte(0x2F);
  }

  colon(): void {
    this.byte(0x3A);
  }

  byte(c: u8): void {
    if (!this.ok || this.p >= this.end || load<u8>(this.p) != c) this.ok = false;
    else this.p++;
  }

  uint(): u64 {
    let value: u64 = 0;
    let digits = 0;
    while (this.ok && this.p < this.end) {
      const digit = <u32>load<u8>(this.p) - 0x30;
      if (digit > 9) break;
      if (value > (u64.MAX_VALUE - digit) / 10) this.ok = false;
      value = value * 10 + digit;
      digits++;
      this.p++;
    }
    if (digits == 0) this.ok = false;
    return value;
  }

  /** Exactly n bytes as 2n hex digits. */
  hex(out: usize, n: usize): void {
    for (let i: usize = 0; i < n && this.ok; i++) store<u8>(out + i, <u8>this.hexByte());
  }

  /** Hex digits up to a delimiter, at most `limit` bytes. */
  hexBytes(out: ByteBuffer, limit: usize): void {
    out.reset();
    while (this.ok && this.p < this.end && hexValue(load<u8>(this.p)) >= 0) {
      if (out.len == limit) this.ok = false;
      else out.putByte(<u8>this.hexByte());
    }
  }

  private hexByte(): i32 {
    if (this.p + 2 > this.end) {
      this.ok = false;
      return 0;
    }
    const high = hexValue(load<u8>(this.p)), low = hexValue(load<u8>(this.p + 1));
    if (high < 0 || low < 0) this.ok = false;
    this.p += 2;
    return (high << 4) | low;
  }
}

@inline function hexValue(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return <i32>c - 0x30;
  if (c >= 0x61 && c <= 0x66) return <i32>c - 0x61 + 10;
  return -1;
}

/** FNV-1a over a line: catches torn or edited lines (not an attacker: the chain itself does that). */
function checksum(ptr: usize, len: usize): u32 {
  let hash: u32 = 0x811C9DC5;
  let i: usize = 0;
  for (; i + 4 <= len; i += 4) { // FNV-1a byte by byte, four bytes per load (once per record)
    const w = load<u32>(ptr + i);
    hash = (hash ^ (w & 0xFF)) * 0x01000193;
    hash = (hash ^ ((w >> 8) & 0xFF)) * 0x01000193;
    hash = (hash ^ ((w >> 16) & 0xFF)) * 0x01000193;
    hash = (hash ^ (w >> 24)) * 0x01000193;
  }
  for (; i < len; i++) hash = (hash ^ load<u8>(ptr + i)) * 0x01000193;
  return hash;
}

