// The message a seal's MAC covers: the seal's fields in a fixed, length-prefixed binary encoding
// (so no two seals encode alike), then the canonical record, digested with BLAKE2b before the MAC
// (docs/sealing.md, "MAC").
import { Blake2b } from "../crypto/blake2b";

/** Domain separation: "logseal-seal-v3" and a NUL, 16 bytes. */
const DOMAIN = memory.data<u8>([
  0x6c, 0x6f, 0x67, 0x73, 0x65, 0x61, 0x6c, 0x2d, 0x73, 0x65, 0x61, 0x6c, 0x2d, 0x76, 0x33, 0x00,
]);
const number = memory.data(8);

export class MacInput {
  constructor(readonly ctx: Blake2b) {}

  domain(): void {
    this.ctx.update(DOMAIN, 16);
  }

  u8(v: u8): void {
    store<u8>(number, v);
    this.ctx.update(number, 1);
  }

  u32(v: u32): void {
    store<u32>(number, bswap<u32>(v));
    this.ctx.update(number, 4);
  }

  u64(v: u64): void {
    store<u64>(number, bswap<u64>(v));
    this.ctx.update(number, 8);
  }

  /** Fixed-size bytes (MACs). */
  bytes(ptr: usize, len: usize): void {
    this.ctx.update(ptr, len);
  }

  /** Variable-size bytes: a 32-bit big-endian length, then the bytes. */
  text(ptr: usize, len: usize): void {
    this.u32(<u32>len);
    this.ctx.update(ptr, len);
  }
}
