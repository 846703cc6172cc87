// Probes of the sealing internals (canonical form, numbers) for tests/sealing-canonical.test.ts.
import { ByteBuffer } from "../buffer";
import { Blake2b, BLAKE2B_CONTEXT_SIZE } from "../crypto/blake2b";
import { Canonicalizer } from "../sealing/canonical";
import { Decimal } from "../sealing/number/decimal";
import { decimalToBits } from "../sealing/number/parse";
import { writeCanonicalNumber, writeDouble } from "../sealing/number/canonical";

const out = new ByteBuffer(4096);
const decimal = new Decimal();

/** Where the last probe wrote its text (its length is the probe's result). */
export function sealing_output(): usize {
  return out.ptr;
}

/** Canonical text of the number token at [ptr, ptr + len). */
export function canonical_number(ptr: usize, len: usize, fluentStable: bool): usize {
  out.reset();
  writeCanonicalNumber(out, ptr, ptr + len, fluentStable);
  return out.len;
}

/** Number::toString of a double (plain JCS, no 16-digit step). */
export function number_to_string(x: f64): usize {
  out.reset();
  if (isNaN(x)) return 0;
  writeDouble(out, x < 0, reinterpret<u64>(abs(x)), false);
  return out.len;
}

/** The double nearest to the number token at [ptr, ptr + len). */
export function number_parse(ptr: usize, len: usize): f64 {
  decimal.scan(ptr, ptr + len);
  const magnitude = reinterpret<f64>(decimalToBits(decimal));
  return decimal.negative ? -magnitude : magnitude;
}

const canonicalizer = new Canonicalizer();
const hash = Blake2b.at(memory.data(<i32>BLAKE2B_CONTEXT_SIZE, 8));

/**
 * Canonical form of the JSON text at [ptr, ptr + len) into `canonical_text()`; its length, or -1 if
 * invalid. `trusted`: tokenised as the sealer tokenises the records it wrote (valid JSON only).
 */
export function canonical_json(ptr: usize, len: usize, fluentStable: bool, trusted: bool): isize {
  canonicalizer.fluentStable = fluentStable;
  return canonicalizer.write(ptr, len, null, trusted) ? <isize>canonicalizer.text.len : -1;
}

export function canonical_text(): usize {
  return canonicalizer.text.ptr;
}

/** The seal digest (BLAKE2b-512, first 32 bytes) of the canonical form, streamed as the sealer streams it; false if invalid JSON. */
export function canonical_digest(ptr: usize, len: usize, out: usize): bool {
  canonicalizer.fluentStable = true;
  hash.reset();
  if (!canonicalizer.write(ptr, len, hash)) return false;
  hash.final(out, 32);
  return true;
}
