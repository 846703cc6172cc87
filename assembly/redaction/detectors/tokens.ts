// JSON Web Tokens (vendor tokens are data rules: pack.ts). A token starts where no byte of its
// alphabet precedes it.
import { B64URL, matchesAt, peek, runEnd, startsRun } from "./chars";
import { found } from "./match";

const JWT_MIN_SEGMENT: usize = 10;

/** A JSON Web Token: header and payload both base64url of a JSON object (so they start with
 * `eyJ`, the encoding of `{"`), then a signature that may be empty or absent (`alg: none`,
 * unsigned two-part tokens). The header must decode to a JOSE header (`"alg"`, `"typ"`,
 * `"kid"` or `"enc"`), so two base64 blobs of other JSON are not a JWT. */
export function jwtAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!startsRun(p, n, i, floor, B64URL)) return false;
  const header = jwtSegmentEnd(p, n, i);
  if (header == 0 || peek(p, n, header) != 0x2e) return false;
  const payload = jwtSegmentEnd(p, n, header + 1);
  if (payload == 0 || !joseHeader(p, i, header)) return false;
  if (peek(p, n, payload) != 0x2e) return found(i, payload);
  return found(i, runEnd(p, n, payload + 1, B64URL));
}

const DECODED = memory.data(256);

@inline function b64urlValue(b: u32): u32 {
  if (b - 0x41 < 26) return b - 0x41;
  if (b - 0x61 < 26) return b - 0x61 + 26;
  if (b - 0x30 < 10) return b - 0x30 + 52;
  return b == 0x2d || b == 0x2b ? 62 : 63;
}

/** Whether the base64url header [from, to) decodes (its first 256 bytes) to JSON naming a
 * JOSE member. */
function joseHeader(p: usize, from: usize, to: usize): bool {
  let out: usize = 0;
  let acc: u32 = 0;
  let bits: u32 = 0;
  for (let j = from; j < to && out < 256; j++) {
    acc = (acc << 6) | b64urlValue(load<u8>(p + j));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      store<u8>(DECODED + out++, <u8>(acc >> bits));
    }
  }
  for (let k: usize = 0; k + 5 <= out; k++) {
    if (load<u8>(DECODED + k) != 0x22 || load<u8>(DECODED + k + 4) != 0x22) continue;
    const w = load<u32>(DECODED + k + 1) & 0xffffff;
    if (w == 0x676c61 || w == 0x707974 || w == 0x64696b || w == 0x636e65) return true; // alg typ kid enc
  }
  return false;
}

function jwtSegmentEnd(p: usize, n: usize, j: usize): usize {
  if (!matchesAt(p, n, j, "eyJ")) return 0;
  const end = runEnd(p, n, j, B64URL);
  return end - j >= JWT_MIN_SEGMENT ? end : 0;
}
