// Signed mode (docs/signing.md) inside a real Fluent Bit (skipped with a message when there is none):
// tail -> logseal -> file, twice on the same module directory (a restart: the node key and epoch key
// come back from the signing file), then `logseal keys trust` and `logseal verify --trust` as a user
// runs them, with no secret; a changed record fails.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RELEASE_WASM } from "./support/filter.js";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, errorLines, logsealCli, runFluentBit } from "./support/fluent-bit.js";

if (!FLUENT_BIT) console.log(NO_FLUENT_BIT_MESSAGE);

describe.skipIf(!FLUENT_BIT)("signed mode in real Fluent Bit", () => {
  it("signed chains across a restart verify with the trust file alone; a changed record fails", () => {
    const moduleDir = mkdtempSync(join(tmpdir(), "logseal-fb-signed-"));
    const policy = {
      version: "fb-signed-1",
      redact: { keys: [{ name: "password", action: "remove" }], scan: [] },
      seal: { mode: "signed", origin: "fb-node", checkpoint_records: 50, checkpoint_seconds: 0, epoch_records: 120 },
    };
    writeFileSync(join(moduleDir, "logseal.policy.json"), JSON.stringify(policy));
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ log: `request ${from + i} done`, n: from + i, password: "hunter2", ratio: (from + i) / 3 }));
    const first = runFluentBit({ lines: lines(0, 300), wasmPath: RELEASE_WASM, moduleDir });
    const second = runFluentBit({ lines: lines(300, 200), wasmPath: RELEASE_WASM, moduleDir });
    for (const run of [first, second]) {
      expect(errorLines(run.log)).toEqual([]);
      expect(run.records.every((r) => !("password" in r) && !("logseal_error" in r))).toBe(true);
    }
    expect(first.outputLines.length + second.outputLines.length).toBe(500);
    const seals = [...first.records, ...second.records].map((r) => r._seal as Record<string, any>);
    expect(seals[0]).toMatchObject({ a: "ed25519", g: "new", o: "fb-node" });
    expect(seals[300]).toMatchObject({ g: "resume", s: 300 });
    expect(seals[300].cp).toBeDefined();
    expect(new Set(seals.map((s) => s.e))).toEqual(new Set([1, 2, 3, 4, 5]));

    const dir = mkdtempSync(join(tmpdir(), "logseal-fb-signed-out-"));
    const out = join(dir, "out.ndjson");
    writeFileSync(out, [...first.outputLines, ...second.outputLines].join("\n") + "\n");
    const trust = join(dir, "trust.json");
    const collected = logsealCli(["keys", "trust", "--trust", trust, out]);
    expect(collected.status, collected.stderr).toBe(0);
    const verified = logsealCli(["verify", "--trust", trust, out]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/500 records in 1 chains.*OK/);

    const tampered = join(dir, "tampered.ndjson");
    const changed = [...first.outputLines, ...second.outputLines];
    changed[123] = changed[123].replace("request 123 done", "request 123 failed");
    writeFileSync(tampered, changed.join("\n") + "\n");
    const refused = logsealCli(["verify", "--trust", trust, tampered]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/modified/);
  });
});
