// PEM-armoured private keys: from `-----BEGIN <label>-----` to the matching
// `-----END <label>-----`, where the label names a private key (RSA, EC, DSA, OPENSSH,
// ENCRYPTED, PGP ... PRIVATE KEY [BLOCK]) or another key that is not public (`RSA KEY`). Line breaks arrive as `\n` escapes and are simply
// part of the span. With no END line the rest of the string is key material. RFC 7468.
// The same key base64-encoded (a kubeconfig's `client-key-data`, a TLS Secret's `tls.key`, a
// key passed through `base64`): a run starting `LS0tLS1CRUdJTi` ("-----BEGIN" encoded) whose
// first line, decoded, is such a BEGIN line, or that holds "PRIVATE KEY" encoded further on (EC
// parameters or a certificate before the key); the whole run is the key.
import { ALNUM, B64, BACKSLASH, classOf, matchesAt, peek, UPPER } from "./chars";
import { found } from "./match";

const DASHES = "-----";
const BEGIN = "-----BEGIN ";
const END = "-----END ";

/** End of the label at `j`: upper-case letters, digits and spaces. */
function labelEnd(p: usize, n: usize, j: usize): usize {
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if (b != 0x20 && (classOf(b) & UPPER) == 0 && b - 0x30 > 9) break;
    j++;
  }
  return j;
}

function namesPrivateKey(p: usize, n: usize, from: usize, to: usize): bool {
  const len = to - from;
  if ((len >= 11 && matchesAt(p, n, to - 11, "PRIVATE KEY")) || (len >= 17 && matchesAt(p, n, to - 17, "PRIVATE KEY BLOCK"))) return true;
  // Another label ending in ` KEY` that is not a public key (`RSA KEY`, `EC KEY`, `SECRET KEY`:
  // not RFC 7468's names, but nobody armours a public key without saying so): key material too.
  if (len < 6 || !matchesAt(p, n, to - 4, " KEY")) return false;
  for (let j = from; j + 6 <= to; j++) if (load<u8>(p + j) == 0x50 && matchesAt(p, n, j, "PUBLIC")) return false;
  return true;
}

export function pemPrivateKeyAt(p: usize, n: usize, i: usize, floor: usize): bool {
  if (load<u8>(p + i) == 0x4c) return pemBase64At(p, n, i, floor);
  if (!matchesAt(p, n, i, BEGIN)) return false;
  const label = i + BEGIN.length;
  const labelTo = labelEnd(p, n, label);
  if (!matchesAt(p, n, labelTo, DASHES) || !namesPrivateKey(p, n, label, labelTo)) return false;
  const labelLen = labelTo - label;
  for (let j = labelTo + 5; j < n; j++) {
    if (load<u8>(p + j) != 0x2d || !matchesAt(p, n, j, END)) continue;
    const at = j + END.length;
    if (at + labelLen <= n && memory.compare(p + at, p + label, labelLen) == 0 && matchesAt(p, n, at + labelLen, DASHES)) {
      return found(i, at + labelLen + 5);
    }
  }
  return found(i, n);
}

/** "-----BEGIN" and the top bits of the space after it, base64-encoded (every alignment of a
 * PEM block that starts the encoded text). */
const B64_BEGIN = "LS0tLS1CRUdJTi";
/** Base64 characters decoded to read the BEGIN line: 48 bytes, a label of up to 32 characters
 * (`ENCRYPTED PRIVATE KEY`, `PGP PRIVATE KEY BLOCK` take 21). The labels' bytes (upper case,
 * space, `-`) never encode to `+` or `/`, so the line is letters and digits. */
const HEAD_CHARS: usize = 64;
const HEAD = memory.data(<i32>(HEAD_CHARS / 4 * 3));
/** Value of each base64 character, 0xff for other bytes. */
const B64_VALUE = memory.data(256);

function buildValues(): void {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  memory.fill(B64_VALUE, 0xff, 256);
  for (let k = 0; k < alphabet.length; k++) store<u8>(B64_VALUE + <usize>alphabet.charCodeAt(k), <u8>k);
}

buildValues();

/** A base64-encoded PEM private key at `i`: the BEGIN line, decoded, names a private key as
 * `namesPrivateKey` reads it (certificates, public keys and CSRs stay readable). Not inside a
 * base64 run (after `+` or `/`; an escape before it, `\\n`, is a boundary): a run read from each
 * such start would be read again and again. */
function pemBase64At(p: usize, n: usize, i: usize, floor: usize): bool {
  if (!matchesAt(p, n, i, B64_BEGIN)) return false;
  if (i > floor && (classOf(load<u8>(p + i - 1)) & B64) != 0) return false;
  let len: usize = 0;
  let acc: u32 = 0;
  let bits: u32 = 0;
  const limit = min(n, i + HEAD_CHARS);
  for (let j = i; j < limit; j++) {
    const v = <u32>load<u8>(B64_VALUE + <usize>load<u8>(p + j));
    if (v > 63) break;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      store<u8>(HEAD + len++, <u8>(acc >> bits));
    }
  }
  const label = <usize>BEGIN.length;
  const labelTo = labelEnd(HEAD, len, label);
  const first = matchesAt(HEAD, len, labelTo, DASHES) && namesPrivateKey(HEAD, len, label, labelTo);
  const end = base64RunEnd(p, n, i);
  if (runChars < MIN_RUN_CHARS) return false;
  // A file whose first block is no key but a later one is: EC or DSA parameters before the key
  // (`openssl ecparam -genkey` writes them so), a certificate before its key (combined .pem files).
  return first || privateKeyLater(p, i, end) ? found(i, end) : false;
}

/** "PRIVATE KEY" base64-encoded at each of its three alignments (the characters its bytes alone
 * decide): in a run that begins with another block, a private key's BEGIN or END line. A needle
 * cut by a wrapped line's break is not found. */
const PRIVATE_KEY_B64_0 = "UFJJVkFURSBLRV";
const PRIVATE_KEY_B64_1 = "BSSVZBVEUgS0VZ";
const PRIVATE_KEY_B64_2 = "QUklWQVRFIEtFW";

function privateKeyLater(p: usize, from: usize, to: usize): bool {
  for (let j = from; j + 14 <= to; j++) {
    const b = load<u8>(p + j);
    if ((b == 0x55 && matchesAt(p, to, j, PRIVATE_KEY_B64_0)) || (b == 0x42 && matchesAt(p, to, j, PRIVATE_KEY_B64_1)) ||
        (b == 0x51 && matchesAt(p, to, j, PRIVATE_KEY_B64_2))) return true;
  }
  return false;
}

/** The shortest run taken: a BEGIN line and key material after it (the smallest key, Ed25519 in
 * PKCS#8, encodes to 160); a bare encoded BEGIN line (a scanner rule's text, documentation) is none. */
const MIN_RUN_CHARS: usize = 100;

/** End of the base64 run at `i` (`\/` counts as `/`), across line breaks when it is wrapped:
 * after a line as long as the first (a multiple of 4, 16 or more characters), the next line
 * continues it when it is no longer and, if shorter, a multiple of 4 (the last line). Padding
 * ends it. */
function base64RunEnd(p: usize, n: usize, i: usize): usize {
  let width: usize = 0;
  let j = i;
  runChars = 0;
  while (true) {
    const line = base64LineEnd(p, n, j);
    const count = lineCount;
    runChars += count;
    j = line;
    if (lineCount == 0 || lineEndedInPadding) return j;
    const br = lineBreakLength(p, n, j);
    if (br == 0) return j;
    if (width == 0) {
      if (count < 16 || (count & 3) != 0) return j;
      width = count;
    } else if (count != width) {
      return j;
    }
    base64LineEnd(p, n, j + br);
    if (lineCount == 0 || lineCount > width || (lineCount < width && (lineCount & 3) != 0)) return j;
    j += br;
  }
  return j;
}

/** Characters in the run `base64RunEnd` read last. */
let runChars: usize = 0;
/** Characters in the line `base64LineEnd` read last, and whether padding ended it. */
let lineCount: usize = 0;
let lineEndedInPadding = false;

/** End of the base64 characters (then up to two `=`) at `j`. */
function base64LineEnd(p: usize, n: usize, j: usize): usize {
  let count: usize = 0;
  while (j < n) {
    const b = <u32>load<u8>(p + j);
    if ((classOf(b) & (ALNUM | B64)) != 0) {
      j++;
    } else if (b == BACKSLASH && peek(p, n, j + 1) == 0x2f) {
      j += 2;
    } else {
      break;
    }
    count++;
  }
  let pads: usize = 0;
  while (pads < 2 && peek(p, n, j) == 0x3d) {
    j++;
    pads++;
  }
  lineCount = count + pads;
  lineEndedInPadding = pads > 0;
  return j;
}

/** Length of the line break at `j`: a `\n` or `\r\n` escape, the same escaped twice (JSON text
 * inside a JSON string), or a raw LF / CRLF; 0 if none. */
function lineBreakLength(p: usize, n: usize, j: usize): usize {
  let k = j;
  if (peek(p, n, k) == 0x0d) k++;
  if (peek(p, n, k) == 0x0a) return k + 1 - j;
  k = j;
  for (let pass = 0; pass < 2; pass++) {
    let s = k;
    if (peek(p, n, s) != BACKSLASH) return 0;
    if (peek(p, n, s + 1) == BACKSLASH) s++;
    if (peek(p, n, s + 1) == 0x6e) return s + 2 - j;
    if (pass == 1 || peek(p, n, s + 1) != 0x72) return 0;
    k = s + 2;
  }
  return 0;
}
