// Finding (seal version 3): the module as an HMAC oracle. A v3 seal's MAC is HMAC-SHA256(K0, D),
// D the 32-byte BLAKE2b digest of the seal's message, and a `hash` pseudonym is
// HMAC-SHA256(pseudonym key, value) with up to 64 hex digits kept. Nothing stops a policy from naming
// the seal key as the pseudonym key, so a log writer who can get a value of their choosing
// pseudonymised (a `user` field) and read the output gets HMAC(K0, x) for any UTF-8 x. A forger
// grinds a nonce in the record they want until D is valid UTF-8 (2^26.6 BLAKE2b calls: about two
// CPU minutes in C, done once offline for the fixed instance below), logs D as a value, and the
// module prints the forged record's MAC. Version 2 MACed the whole message, whose binary fields (the
// instance id, the previous MAC) a forger cannot choose, so it was not practical there.
//
// FIXED (same day): the module refuses a pseudonym key that is the seal key (same key id: hashed
// values are masked, every record says why), and a v3 MAC is taken over 0xFF || D, which no UTF-8
// value is, so even an HMAC of D under the seal key obtained elsewhere is not a seal's MAC. Since
// keyed BLAKE2b seals (December 2026) a keyed seal's MAC is not an HMAC at all, and its key is
// KB = HMAC-SHA256(K0, "logseal-blake2b-mac-key"), not K0 (docs/seal-format.md).
import { createHash, createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../cli/canonical.js";
import { keyId, type Seal, sealPrefix } from "../../cli/seal-mac.js";
import { KEY, KEY_BYTES, sealAll, sealDir, sealOf, verifyLines } from "../support/sealing.js";

const INSTANCE = "1111111111111111";
/** Ground (13 s in C with OpenSSL) so that D was valid UTF-8 for the chain as version 3 sealed it before the
 * 0xFF prefix; since then it need not be: the module refuses the shared key whatever the value. */
const NONCE = "0010812705";

function fnv1a(bytes: Buffer): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** A state file header of a fixed instance (so every MAC of the chain is known in advance). */
function stateHeader(): string {
  const line = `logseal-state 2 instance=${INSTANCE} origin=- key=${keyId(KEY_BYTES)} epoch=0 schedule=0/0/0 wall=0 epoch_key=- tree=-`;
  const check = fnv1a(Buffer.from(line)).toString(16).padStart(8, "0");
  return `${line} check=${check}`.padEnd(4095, " ") + "\n";
}

/** The forged record's body and its MAC message M (docs/seal-format.md). */
function forgedMessage(real: string, nonce: string): { body: Record<string, unknown>; seal: Seal; message: Buffer } {
  const record = JSON.parse(real);
  const seal = record._seal as Seal;
  delete record._seal;
  record.msg = `transfer 9999 EUR to mallory n=${nonce}`;
  const message = Buffer.concat([sealPrefix(seal), Buffer.from(canonicalJson(JSON.stringify(record)), "utf8")]);
  return { body: record, seal, message };
}

describe("seal key reused as the pseudonym key (v3: HMAC over a 32-byte digest)", () => {
  it("is refused, and the digest an attacker grinds to valid UTF-8 would not be a MAC anyway (0xFF || D)", () => {
    const policy = {
      version: "shared-key-1",
      redact: { keys: [{ name: "user", action: "hash" }], scan: [], pseudonym: { key_file: "seal.key", length: 64, prefix: "" } },
      seal: { key_file: "seal.key" },
    };
    const dir = sealDir(policy);
    writeFileSync(join(dir, "logseal.state"), stateHeader());
    const real = sealAll(dir, [
      { tag: "app", body: { msg: "transfer 10 EUR", user: "alice" }, sec: 1_700_000_001, nsec: 0 },
      { tag: "app", body: { msg: "login", user: "bob" }, sec: 1_700_000_002, nsec: 0 },
      { tag: "app", body: { msg: "transfer 20 EUR", user: "carol" }, sec: 1_700_000_003, nsec: 0 },
    ]);
    expect(sealOf(real[2]).i).toBe(INSTANCE);
    expect(verifyLines(real).ok).toBe(true);

    // The attacker (no key): the forged record's digest D (a nonce makes it valid UTF-8 in ~2^26.6 tries).
    const forged = forgedMessage(real[2], NONCE);
    const D = createHash("blake2b512").update(forged.message).digest().subarray(0, 32);
    // Logs D as a user name on any tag: the module refuses to pseudonymise under the seal key, so
    // the value is masked and every record says why.
    const [oracle] = sealAll(dir, [{ tag: "other", body: { msg: "hello", user: D.toString("utf8") }, sec: 1_700_000_100, nsec: 0 }]);
    const out = JSON.parse(oracle);
    expect(out.user).not.toMatch(/^[0-9a-f]{64}$/);
    expect(out.logseal_error).toContain("is the seal key: hashed values are masked instead");
    // And were HMAC(K0, D) obtained some other way, it is not the MAC: a v3 MAC is HMAC(K0, 0xFF || D).
    const leaked = createHmac("sha256", Buffer.from(KEY)).update(D).digest("hex");
    const line = JSON.stringify({ ...forged.body, _seal: { ...forged.seal, m: leaked } });
    expect(line).toContain("9999 EUR to mallory");
    const result = verifyLines([real[0], real[1], line], { keys: [Buffer.from(KEY)] });
    expect(result.ok).toBe(false);
    expect(result.byReason).toEqual({ modified: 1 });
  });
});
