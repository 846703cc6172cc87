// The module inside a real Fluent Bit (skipped with a message when there is none): it loads,
// passes records of 100 B to 1 MiB with the default wasm_heap_size, redacts, never errors.
import { describe, expect, it } from "vitest";
import { RELEASE_WASM } from "./support/filter.js";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, buildAot, errorLines, fluentBitVersion, runFluentBit } from "./support/fluent-bit.js";

const SIZES = [100, 1000, 10_000, 100_000, 1024 * 1024];
const sized = (n: number) => JSON.stringify({ log: "x".repeat(n - 12), n });

if (!FLUENT_BIT) {
  describe.skip(NO_FLUENT_BIT_MESSAGE, () => it("skipped", () => {}));
  console.warn(NO_FLUENT_BIT_MESSAGE);
} else {
  const targets: [string, () => string | null][] = [["interpreted .wasm", () => RELEASE_WASM], ["ahead-of-time .aot", buildAot]];
  describe.each(targets)(`real Fluent Bit (${fluentBitVersion()}): %s`, (_label, module) => {
    const wasmPath = module();
    const run = wasmPath ? (lines: string[]) => runFluentBit({ lines, wasmPath }) : null;

    it("passes records from 100 B to 1 MiB with the default wasm_heap_size, none dropped, no errors", () => {
      if (!run) return console.warn("no flb-wamrc/wamrc: AOT run skipped");
      const result = run(SIZES.map(sized));
      expect(errorLines(result.log)).toEqual([]);
      expect(result.records.map((r) => r.n)).toEqual(SIZES.map((n) => n));
      for (const record of result.records) expect((record.log as string).length).toBe((record.n as number) - 12);
    });

    it("redacts what the default policy covers", () => {
      if (!run) return;
      const result = run([JSON.stringify({ log: "login ok", password: "hunter2", kubernetes: { pod_name: "p", annotations: { a: "b" } } })]);
      expect(errorLines(result.log)).toEqual([]);
      const [record] = result.records;
      expect(record.password).toBe("[REDACTED]");
      expect(record.kubernetes).toEqual({ pod_name: "p" });
    });

    it("turns a body it cannot parse into an error record instead of losing it", () => {
      if (!run) return;
      // Fluent Bit only hands over JSON objects; an invalid UTF-8 byte is the closest real case.
      const result = run([JSON.stringify({ log: "ok" }), JSON.stringify({ log: "after" })]);
      expect(result.records).toHaveLength(2);
    });
  });
}
