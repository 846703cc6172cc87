// Property tests: random records pass through intact; mutated ones never trap and always
// come back as a valid record; memory stays bounded; sizes from 2 bytes to 16 MiB work.
import { describe, expect, it } from "vitest";
import { PASS_THROUGH_POLICY, makeFilter, withoutAdded } from "./support/filter.js";
import { randomObject, rng, toJson } from "./support/random.js";

describe("random records", () => {
  it("5,000 random records round-trip unchanged", () => {
    const filter = makeFilter({ policy: PASS_THROUGH_POLICY });
    const next = rng(1);
    for (let i = 0; i < 5000; i++) {
      const record = randomObject(next);
      const result = filter.call("t", toJson(record, next));
      expect(result.kind).toBe("record");
      if (result.kind === "record") expect(withoutAdded(result.record)).toEqual(record);
    }
  });

  it("5,000 mutated records (flipped, cut, inserted bytes) never trap and stay valid JSON objects", () => {
    const filter = makeFilter();
    const next = rng(2);
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(toJson(randomObject(next), next));
      const mutated = mutate(bytes, next);
      const result = filter.call("t", mutated); // a trap would throw here
      expect(result.kind).toBe("record");
    }
  });
});

function mutate(bytes: Buffer, next: () => number): Uint8Array {
  const r = next();
  const at = Math.floor(next() * bytes.length);
  if (r < 0.3) return bytes.subarray(0, at);
  const copy = Buffer.from(bytes);
  if (r < 0.7) {
    for (let k = 0; k < 3; k++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
    return copy;
  }
  const insert = Buffer.from(['"', "{", "[", "\\", ",", ":", "\u00ff", "\\u", "}"][Math.floor(next() * 9)], "latin1");
  return Buffer.concat([copy.subarray(0, at), insert, copy.subarray(at)]);
}

describe("sizes", () => {
  it("handles records from 2 bytes to 16 MiB", () => {
    const filter = makeFilter({ policy: PASS_THROUGH_POLICY });
    for (const size of [2, 100, 1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024]) {
      const body = size === 2 ? "{}" : `{"log":"${"x".repeat(size - 10)}"}`;
      expect(body.length).toBe(size);
      const result = filter.call("t", body);
      expect(result.kind).toBe("record");
      if (result.kind === "record") expect((result.record.log as string | undefined)?.length ?? 0).toBe(Math.max(0, size - 10));
    }
  });

  it("handles nesting at the limit and reports deeper nesting", () => {
    const filter = makeFilter({ policy: PASS_THROUGH_POLICY });
    const ok = filter.call("t", '{"a":' + "[".repeat(510) + "]".repeat(510) + "}");
    expect(ok.kind === "record" && ok.record.logseal_error).toBeUndefined();
    const deep = filter.call("t", '{"a":' + "[".repeat(100000) + "]".repeat(100000) + "}");
    expect(deep.kind === "record" && deep.record.logseal_error).toMatch(/nesting deeper than 512/);
  });
});

describe("memory", () => {
  it("stays bounded over 1,000,000 calls of mixed sizes", async () => {
    const filter = makeFilter({ policy: PASS_THROUGH_POLICY });
    const bodies = [
      '{"log":"short"}',
      JSON.stringify({ log: "m".repeat(1000), kubernetes: { pod_name: "p", labels: { app: "x" } } }),
      JSON.stringify({ log: "L".repeat(64 * 1024) }),
      '{"broken":',
    ];
    const memory = () => (filter.instance.exports.memory as WebAssembly.Memory).buffer.byteLength;
    for (let i = 0; i < 1000; i++) filter.callRaw("t", bodies[i % bodies.length]);
    const warm = memory();
    for (let i = 0; i < 1_000_000; i++) {
      // The big record every 64th call: mixed sizes without spending the test on copying.
      const body = i % 64 === 0 ? bodies[2] : bodies[i % 2 === 0 ? 0 : i % 3 === 0 ? 3 : 1];
      if (filter.callRaw("t", body) === null) throw new Error("dropped");
      // Long synchronous work would time out vitest's worker channel on a loaded machine.
      if (i % 100_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(memory()).toBe(warm);
  });
});
