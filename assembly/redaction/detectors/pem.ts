// PEM-armoured private keys: from `-----BEGIN <label>-----` to the matching
// `-----END <label>-----`, where the label names a private key (RSA, EC, DSA, OPENSSH,
// ENCRYPTED, PGP ... PRIVATE KEY [BLOCK]) or another key that is not public (`RSA KEY`). Line breaks arrive as `\n` escapes and are simply
// part of the span. With no END line the rest of the string is key material. RFC 7468.
import { classOf, matchesAt, UPPER } from "./chars";
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
