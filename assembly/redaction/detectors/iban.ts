// International bank account numbers: a country code with its registered length, mod-97
// check digits, written in one run or in groups of four separated by single spaces.
// https://www.swift.com/standards/data-standards/iban-international-bank-account-number
import { ALNUM, DIGIT, isDigit, isIn, peek, UPPER } from "./chars";
import { found } from "./match";

// IBAN length by country (the SEPA countries and the other registry members in common use).
const LENGTHS =
  "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 " +
  "EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 " +
  "KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 " +
  "PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 " +
  "LY25 SD18 BI27 DJ27 SO23 NI28 MN20 RU33 OM23 FK18 HN28 YE30";

// Length by country code, indexed by (first letter - 'A') * 26 + (second letter - 'A'); 0 = none.
const LENGTH_BY_COUNTRY = memory.data(26 * 26);

function buildLengths(): void {
  for (let k = 0; k + 4 <= LENGTHS.length; k += 5) {
    const country = (LENGTHS.charCodeAt(k) - 0x41) * 26 + LENGTHS.charCodeAt(k + 1) - 0x41;
    const length = (LENGTHS.charCodeAt(k + 2) - 0x30) * 10 + LENGTHS.charCodeAt(k + 3) - 0x30;
    store<u8>(LENGTH_BY_COUNTRY + <usize>country, <u8>length);
  }
}

buildLengths();

/** Registered IBAN length for the country code `a b` (upper case), or 0. */
@inline export function ibanLength(a: u32, b: u32): u32 {
  const i = a - 0x41;
  const j = b - 0x41;
  return i < 26 && j < 26 ? <u32>load<u8>(LENGTH_BY_COUNTRY + <usize>(i * 26 + j)) : 0;
}

/** ISO 7064 mod 97-10 over [from, to) with the first four characters moved to the end,
 * letters as 10-35 and spaces skipped: a valid IBAN leaves 1. */
function ibanChecksumValid(p: usize, from: usize, to: usize): bool {
  let rem = mod97(p, from + 4, to, 0);
  rem = mod97(p, from, from + 4, rem);
  return rem == 1;
}

function mod97(p: usize, from: usize, to: usize, rem: u32): u32 {
  for (let j = from; j < to; j++) {
    const b = <u32>load<u8>(p + j);
    if (isDigit(b)) rem = (rem * 10 + b - 0x30) % 97;
    else if (isIn(b, UPPER)) rem = (rem * 100 + b - 0x37) % 97;
  }
  return rem;
}

/** An IBAN at `i`: `CCkk` then the account part up to the country's length. */
export function ibanAt(p: usize, n: usize, i: usize, floor: usize): bool {
  const expected = ibanLength(peek(p, n, i), peek(p, n, i + 1));
  if (expected == 0 || !isDigit(peek(p, n, i + 2)) || !isDigit(peek(p, n, i + 3))) return false;
  const sep = peek(p, n, i + 4);
  const grouped = sep == 0x20 || sep == 0x2d;
  let j = i + 4;
  for (let count: u32 = 4; count < expected; count++) {
    if (grouped && (count & 3) == 0) {
      if (peek(p, n, j) != sep) return false;
      j++;
    }
    if (!isIn(peek(p, n, j), DIGIT | UPPER)) return false;
    j++;
  }
  if (isIn(peek(p, n, j), ALNUM)) return false;
  return ibanChecksumValid(p, i, j) && found(i, j);
}
