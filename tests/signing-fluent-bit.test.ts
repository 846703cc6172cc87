// Signed mode (docs/signing.md) inside a real Fluent Bit (skipped with a message when there is none):
// tail -> logseal -> file, twice on the same module directory (a restart: the node key and epoch key
// come back from the signing file), then `logseal keys trust` and `logseal verify --trust` as a user
// runs them, with no secret; a changed record fails. And the anchors: checkpoints copied by Fluent
// Bit's own rewrite_tag (keeping the original) to a second output file, across a restart; the
// store verifies against them, and a store cut before the last anchored checkpoint fails.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RELEASE_WASM } from "./support/filter.js";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, errorLines, logsealCli, runFluentBit } from "./support/fluent-bit.js";

if (!FLUENT_BIT) console.log(NO_FLUENT_BIT_MESSAGE);

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * tail -> logseal (kube.*) -> rewrite_tag: every record with a checkpoint (`_seal.cp.sg` present) is
 * copied as anchor.<tag>, the original kept -> the store file (kube.*) and the anchor file (anchor.*).
 * The same files are appended to by every run, as a node's outputs are across restarts.
 */
function anchoredRun(dir: string, moduleDir: string, input: string): { status: number | null; log: string } {
  const config = join(dir, "fluent-bit.conf");
  writeFileSync(join(dir, "parsers.conf"), "[PARSER]\n    name json\n    format json\n");
  writeFileSync(config, `[SERVICE]
    flush 0.2
    grace 2
    log_level info
    parsers_file ${join(dir, "parsers.conf")}
[INPUT]
    name tail
    tag kube.app
    path ${input}
    read_from_head true
    exit_on_eof true
    parser json
[FILTER]
    name wasm
    match kube.*
    wasm_path ${RELEASE_WASM}
    function_name logseal_filter
    event_format json
    accessible_paths ${moduleDir}
[FILTER]
    name rewrite_tag
    match kube.*
    rule $_seal['cp']['sg'] ^. anchor.$TAG true
    emitter_name logseal_anchors
[OUTPUT]
    name file
    match kube.*
    path ${join(dir, "out")}
    file store.ndjson
    format plain
[OUTPUT]
    name file
    match anchor.*
    path ${join(dir, "out")}
    file anchors.ndjson
    format plain
`);
  const run = spawnSync(FLUENT_BIT!, ["-c", config], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, log: (run.stdout ?? "") + (run.stderr ?? "") };
}

describe.skipIf(!FLUENT_BIT)("signed mode in real Fluent Bit", () => {
  it("signed chains across a restart verify with the trust file alone; a changed record fails", () => {
    const moduleDir = mkdtempSync(join(tmpdir(), "logseal-fb-signed-"));
    cleanup.push(moduleDir);
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
    cleanup.push(dir, first.dir, second.dir);
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

  it("checkpoints routed by rewrite_tag to a second file across a restart anchor the store: verify --anchors passes, a cut store fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "logseal-fb-anchors-"));
    cleanup.push(dir);
    const moduleDir = join(dir, "module");
    mkdirSync(moduleDir);
    mkdirSync(join(dir, "out"));
    writeFileSync(join(moduleDir, "logseal.policy.json"), JSON.stringify({
      version: "fb-anchors-1",
      redact: { keys: [{ name: "password", action: "remove" }], scan: [] },
      seal: { mode: "signed", origin: "fb-node", checkpoint_records: 50, checkpoint_seconds: 0, epoch_records: 120 },
    }));
    const input = (name: string, from: number, n: number) => {
      const path = join(dir, name);
      writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify({ log: `request ${from + i} done`, n: from + i, password: "hunter2" })).join("\n") + "\n");
      return path;
    };
    for (const run of [anchoredRun(dir, moduleDir, input("day1.ndjson", 0, 300)), anchoredRun(dir, moduleDir, input("day2.ndjson", 300, 200))]) {
      expect(run.status, run.log).toBe(0);
      expect(errorLines(run.log)).toEqual([]);
    }
    const store = join(dir, "out", "store.ndjson");
    const anchors = join(dir, "out", "anchors.ndjson");
    const storeLines = readFileSync(store, "utf8").trimEnd().split("\n");
    const anchorLines = readFileSync(anchors, "utf8").trimEnd().split("\n");
    expect(storeLines.length).toBe(500);
    // Every checkpoint of the store, and nothing else, reached the anchor file: the genesis, every
    // 50 records, and the restart's resume (seq 300).
    const checkpoints = storeLines.filter((l) => JSON.parse(l)._seal.cp);
    expect(anchorLines.map((l) => JSON.parse(l)._seal.s)).toEqual(checkpoints.map((l) => JSON.parse(l)._seal.s));
    expect(anchorLines.map((l) => JSON.parse(l)._seal.s)).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450]);
    expect(JSON.parse(anchorLines[6])._seal.g).toBe("resume");

    const trust = join(dir, "trust.json");
    const collected = logsealCli(["keys", "trust", "--trust", trust, store]);
    expect(collected.status, collected.stderr).toBe(0);
    const verified = logsealCli(["verify", "--json", "--trust", trust, "--anchors", anchors, "--from", "2000-01-01", store]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    const result = JSON.parse(verified.stdout);
    expect(result.records).toBe(500);
    expect(result.rangeCoverage.chains).toEqual([expect.objectContaining({ origin: "fb-node", chain: "kube.app", records: 500, missing: 0, anchored: expect.objectContaining({ seq: 450, reached: true }), status: "ok" })]);
    expect(result.rangeCoverage.chains[0].signed + result.rangeCoverage.chains[0].unsignedTail).toBe(500);

    // The store cut before the last anchored checkpoint (seq 450): truncated; without the anchors it would pass.
    const cut = join(dir, "cut.ndjson");
    writeFileSync(cut, storeLines.slice(0, 440).join("\n") + "\n");
    expect(logsealCli(["verify", "--trust", trust, cut]).status).toBe(0);
    const refused = logsealCli(["verify", "--trust", trust, "--anchors", anchors, cut]);
    expect(refused.status, refused.stdout).toBe(1);
    expect(refused.stdout).toMatch(/truncated \[kube\.app\]: ends at seq 439, before the checkpoint anchored at seq 450/);
  });
});
