// The message a seal's MAC covers: the seal's fields in a fixed, length-prefixed binary encoding
// (so no two seals encode alike), then the canonical record, digested with BLAKE2b before the MAC
// (docs/sealing.md, "MAC").
import { ByteBuffer } from "../buffer";
import { Blake2b } from "../crypto/blake2b";

/** Domain separation: "logseal-seal-v3" and a NUL, 16 bytes. */
const DOMAIN = memory.data<u8>([
  0x6c, 0x6f, 0x67, 0x73, 0x65, 0x61, 0x6c, 0x2d, 0x73, 0x65, 0x61, 0x6c, 0x2d, 0x76, 0x33, 0x00,
]);
// The seal's fields are gathered here and reach the hash in one update: some twenty of them are
// one to eight bytes, and each update of its own cost a call, a copy and the pending block's checks.

export class MacInput {
  private readonly fields: ByteBuffer = new ByteBuffer(512);

  constructor(readonly ctx: Blake2b) {}

  /** Starts a seal's fields with the domain. */
  domain(): void {
    this.fields.reset();
    this.fields.putBytes(DOMAIN, 16);
  }

  u8(v: u8): void {
    this.fields.putByte(v);
  }

  u32(v: u32): void {
    store<u32>(this.fields.reserve(4), bswap<u32>(v));
    this.fields.len += 4;
  }

  u64(v: u64): void {
    store<u64>(this.fields.reserve(8), bswap<u64>(v));
    this.fields.len += 8;
  }

  /** Fixed-size bytes (MACs). */
  bytes(ptr: usize, len: usize): void {
    this.fields.putBytes(ptr, len);
  }

  /** Variable-size bytes: a 32-bit big-endian length, then the bytes. */
  text(ptr: usize, len: usize): void {
    this.u32(<u32>len);
    this.fields.putBytes(ptr, len);
  }

  /** Hands the fields gathered since `domain` to the hash (before the canonical record). */
  flush(): void {
    this.ctx.update(this.fields.ptr, this.fields.len);
    this.fields.reset();
  }
}
