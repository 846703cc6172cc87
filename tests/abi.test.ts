// The module as Fluent Bit's WAMR sees it: imports, exports, features, and the call contract.
import { readFileSync } from "node:fs";
import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { FUNCTION_NAME } from "../cli/host.js";
import { RELEASE_WASM, makeFilter } from "./support/filter.js";

const DEBUG_WASM = new URL("../build/logseal.debug.wasm", import.meta.url).pathname;

describe("module interface", () => {
  for (const wasm of [RELEASE_WASM, DEBUG_WASM]) {
    const module = new WebAssembly.Module(readFileSync(wasm));

    it(`${wasm.split("/").pop()} imports nothing outside wasi_snapshot_preview1`, () => {
      const imports = WebAssembly.Module.imports(module);
      expect(imports.length).toBeGreaterThan(0);
      for (const entry of imports) {
        expect(entry.module).toBe("wasi_snapshot_preview1");
        expect(entry.kind).toBe("function");
      }
    });

    it(`${wasm.split("/").pop()} exports the filter, memory and an allocator WAMR recognises`, () => {
      const exports = Object.fromEntries(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
      expect(exports[FUNCTION_NAME]).toBe("function");
      expect(exports.memory).toBe("memory");
      expect(exports.malloc).toBe("function");
      expect(exports.free).toBe("function");
      expect(exports._start).toBeUndefined(); // a command module would be run, not called
      expect(exports._initialize).toBe("function"); // a WASI reactor: WAMR runs it at instantiation
    });
  }

  it("validates without SIMD (WAMR in Fluent Bit is built with WAMR_BUILD_SIMD 0)", () => {
    const mod = binaryen.readBinary(readFileSync(RELEASE_WASM));
    const features = binaryen.Features as unknown as Record<string, number>;
    // What WAMR in Fluent Bit enables (bulk memory's opt-in half is its own flag in newer binaryen).
    mod.setFeatures(
      features.MVP | features.BulkMemory | (features.BulkMemoryOpt ?? 0) | features.SignExt |
      features.MutableGlobals | features.NontrappingFPToInt | features.ReferenceTypes,
    );
    expect(mod.validate()).toBeTruthy();
    mod.dispose();
  });

  it("the filter has Fluent Bit's six i32 parameters and returns an i32", () => {
    const mod = binaryen.readBinary(readFileSync(RELEASE_WASM));
    const exp = mod.getExport(FUNCTION_NAME);
    const info = binaryen.getFunctionInfo(mod.getFunction(binaryen.getExportInfo(exp).value));
    expect(binaryen.expandType(info.params)).toEqual(Array(6).fill(binaryen.i32));
    expect(info.results).toBe(binaryen.i32);
    mod.dispose();
  });
});

describe("call contract", () => {
  it("returns a NUL-terminated JSON object that keeps the record", () => {
    const filter = makeFilter();
    const result = filter.call("app", '{"log":"hello","stream":"stdout"}', 1700000000, 5);
    expect(result.kind).toBe("record");
    if (result.kind !== "record") return;
    expect(result.record.log).toBe("hello");
    expect(result.record.stream).toBe("stdout");
  });

  it("frees what it is given: the allocator reuses the same blocks", () => {
    const filter = makeFilter();
    const ptrs = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const p = filter.memory.alloc(100);
      ptrs.add(p);
      filter.memory.free(p);
    }
    expect(ptrs.size).toBe(1);
  });
});
