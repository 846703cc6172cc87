// Dynamic policy: the file is re-read when it changes (looked at no more often than
// reload_seconds of wall-clock time), a broken new policy fails closed like at start-up, and
// a verbosity override ends by itself at its `until` time without any reload.
import { rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FilterHost } from "../cli/host.js";
import { RELEASE_WASM, makeDir } from "./support/filter.js";
import { enrichPolicy } from "./support/enrichment.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DEFAULT_RELOAD_MS = 5100;

/** A filter over a directory whose policy file the test rewrites. */
function reloadable(policy: object | string) {
  const dir = makeDir({ policy });
  const file = join(dir, "logseal.policy.json");
  const filter = FilterHost.load(RELEASE_WASM, { preopens: { ".": dir } });
  let bump = 0;
  let sec = 1_800_000_000;
  return {
    /** Replaces the policy file with a new modification time. */
    write(next: object | string) {
      writeFileSync(file, typeof next === "string" ? next : JSON.stringify(next));
      const when = new Date(Date.now() + ++bump * 1000);
      utimesSync(file, when, when);
    },
    remove: () => rmSync(file),
    /** One record; each call moves the record time on, as a live stream does. */
    call(body: object) {
      const result = filter.call("kube.var.log.containers.app", JSON.stringify(body), ++sec);
      return result.kind === "record" ? result.record : null;
    },
  };
}

const versioned = (version: string, gate?: object) => enrichPolicy({ policy_field: true, ...(gate ? { gate } : {}) }, { version, reload_seconds: 1 });

describe("policy reload", () => {
  it("applies a changed policy file within reload_seconds, and records carry the new version", async () => {
    const f = reloadable(versioned("v1", { min_level: "WARN" }));
    expect(f.call({ level: "info" })).toBeNull();
    expect(f.call({ level: "warn" })?.logseal_policy).toBe("v1");
    f.write(versioned("v2", { min_level: "DEBUG" }));
    expect(f.call({ level: "warn" })?.logseal_policy).toBe("v1"); // not looked at yet
    await sleep(1100);
    expect(f.call({ level: "info" })?.logseal_policy).toBe("v2");
    expect(f.call({ level: "debug" })).not.toBeNull();
  });

  it("fails closed to the embedded default when the new file is invalid, and recovers when it is fixed", { timeout: 15_000 }, async () => {
    const f = reloadable(versioned("v1"));
    expect(f.call({ msg: "x" })?.logseal_policy).toBe("v1");
    f.write('{"version": "v2", "enrich": {"gate": {"min_level": "LOUD"}}}');
    await sleep(1100);
    const failed = f.call({ msg: "x", password: "hunter2" })!;
    expect(failed.logseal_error).toMatch(/policy logseal\.policy\.json is invalid, the embedded default applies: line 1, column \d+: enrich\.gate\.min_level/);
    expect(failed.password).not.toBe("hunter2"); // the default's redaction applies
    expect(failed.logseal_policy).toBeUndefined();
    f.write(versioned("v3"));
    await sleep(DEFAULT_RELOAD_MS); // the embedded default looks every 5 s
    const fixed = f.call({ msg: "x" })!;
    expect(fixed.logseal_error).toBeUndefined();
    expect(fixed.logseal_policy).toBe("v3");
  });

  it("goes back to the embedded default when the file is removed, and picks up a new one", { timeout: 15_000 }, async () => {
    const f = reloadable(versioned("v1"));
    expect(f.call({ msg: "x" })?.logseal_policy).toBe("v1");
    f.remove();
    await sleep(1100);
    const fallback = f.call({ msg: "x" })!;
    expect(fallback.logseal_policy).toBeUndefined();
    expect(fallback.logseal_error).toBeUndefined();
    f.write(versioned("v2"));
    await sleep(DEFAULT_RELOAD_MS);
    expect(f.call({ msg: "x" })?.logseal_policy).toBe("v2");
  });

  it("never looks again when reload_seconds is 0", async () => {
    const f = reloadable({ ...versioned("v1"), reload_seconds: 0 });
    expect(f.call({ msg: "x" })?.logseal_policy).toBe("v1");
    f.write(versioned("v2"));
    await sleep(1100);
    expect(f.call({ msg: "x" })?.logseal_policy).toBe("v1");
  });
});

describe("verbosity override", () => {
  it("returns to the safe level by itself when `until` passes, with no reload", async () => {
    const until = new Date(Date.now() + 1500).toISOString().replace(/\.\d+Z$/, "Z");
    const f = reloadable(enrichPolicy({
      policy_field: true,
      gate: { min_level: "INFO", override: { min_level: "DEBUG", namespaces: ["shop"], until } },
    }, { version: "debugging", reload_seconds: 0 }));
    const debug = { level: "debug", kubernetes: { namespace_name: "shop" } };
    expect(f.call(debug)).not.toBeNull();
    await sleep(Date.parse(until) - Date.now() + 300);
    expect(f.call(debug)).toBeNull();
    expect(f.call({ level: "info", kubernetes: { namespace_name: "shop" } })?.logseal_policy).toBe("debugging");
  });
});
