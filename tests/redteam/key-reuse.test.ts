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
// OPEN FINDING: this test pins today's behaviour, the forgery verifies. When the module refuses a
// pseudonym key equal to the seal key, or derives the seal's MAC key from K0 with a label, the last
// assertion fails: flip it to `toBe(false)` (every step before it must still pass, so the test
// cannot pass for a wrong reason, as an it.fails would).
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../cli/canonical.js";
import { keyId, type Seal, sealPrefix } from "../../cli/seal-mac.js";
import { KEY, KEY_BYTES, sealAll, sealDir, sealOf, verifyLines } from "../support/sealing.js";

const INSTANCE = "1111111111111111";
/** Found by grinding BLAKE2b over forgedMessage(...).message for this instance (13 s in C with OpenSSL). */
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
  it("FINDING: the pseudonym of a forged record's digest is a valid MAC for it (the forgery verifies)", () => {
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

    // The attacker (no key): the forged record's digest D, which the nonce makes valid UTF-8.
    const forged = forgedMessage(real[2], NONCE);
    const D = createHash("blake2b512").update(forged.message).digest().subarray(0, 32);
    expect(Buffer.from(D.toString("utf8"), "utf8").equals(D)).toBe(true);
    // Logs D as a user name on any tag and reads its pseudonym from the output.
    const [oracle] = sealAll(dir, [{ tag: "other", body: { msg: "hello", user: D.toString("utf8") }, sec: 1_700_000_100, nsec: 0 }]);
    const pseudonym = JSON.parse(oracle).user as string;
    const line = JSON.stringify({ ...forged.body, _seal: { ...forged.seal, m: pseudonym } });
    expect(line).toContain("9999 EUR to mallory");
    expect(pseudonym).toMatch(/^[0-9a-f]{64}$/);
    // Today the forged record verifies under the seal key (the safe behaviour is false).
    const result = verifyLines([real[0], real[1], line], { keys: [Buffer.from(KEY)] });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
