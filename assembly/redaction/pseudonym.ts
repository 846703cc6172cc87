// Keyed pseudonyms (GDPR pseudonymisation): prefix + the first hex characters of
// HMAC-SHA256(key, value). The same value always maps to the same token, so records stay
// joinable, and only the key holder can test a guess (`logseal pseudonym`).
import { ByteBuffer } from "../buffer";
import { HmacKey, hmacSha256 } from "../crypto/hmac";

const digest = memory.data(32);

export class Pseudonymizer {
  constructor(public key: HmacKey | null, private prefix: ArrayBuffer, private hexChars: i32) {}

  /** Writes the pseudonym of [ptr, ptr+len); false (nothing written) when there is no key. */
  write(out: ByteBuffer, ptr: usize, len: usize): bool {
    const key = this.key;
    if (key == null) return false;
    hmacSha256(key, ptr, len, digest);
    out.putBuffer(this.prefix);
    const hexChars = <usize>this.hexChars;
    out.putHex(digest, (hexChars + 1) >> 1);
    if (hexChars & 1) out.len -= 1;
    return true;
  }
}
