// The executed-instruction counter (bench/instructions.ts): exact counts on hand-written modules,
// and an instrumented logseal that behaves exactly like the original.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { FilterHost } from "../cli/host.js";
import { COUNTER, CountingFilter, FUNCTION_COUNTER_PREFIX, binaryInstructionCount, countInstructions, declaredLocals, instrument } from "../bench/instructions.js";
import { containerRecord } from "../bench/workload.js";
import { PASS_THROUGH_POLICY, RELEASE_WASM, makeDir } from "./support/filter.js";

// Costs, as docs/measuring.md defines them: every instruction 1, except block/loop/end/nop (0);
// an `else` reached from the then-arm and a function's final `end` cost 1 (a jump, a return).
const WAT = `(module
  (func $loop (export "loop") (param $n i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func $evens (export "evens") (param $n i32) (result i32) (local $i i32) (local $c i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 1)))
          (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $c))
  (func $classify (export "classify") (param $x i32) (result i32)
    (if (result i32) (i32.eqz (local.get $x))
      (then (i32.const 100))
      (else (i32.add (local.get $x) (i32.const 1)))))
  (func $early (export "early") (param $x i32) (result i32)
    (i32.mul
      (block $done (result i32)
        (drop (br_if $done (i32.const 10) (local.get $x)))
        (i32.const 20))
      (i32.const 3)))
  (func $table (export "table") (param $x i32) (result i32)
    (block $b2
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b2 (local.get $x)))
        (return (i32.const 10)))
      (return (i32.add (i32.const 11) (local.get $x))))
    (i32.const 12))
  (func $square (param $x i32) (result i32)
    (i32.mul (local.get $x) (local.get $x)))
  (func $caller (export "caller") (param $x i32) (result i32)
    (i32.add (call $square (local.get $x)) (call $square (i32.const 3))))
)`;

function watBinary(text: string): Uint8Array {
  const mod = binaryen.parseText(text);
  const debugInfo = binaryen.getDebugInfo();
  binaryen.setDebugInfo(true); // keep the function names (name section)
  try {
    expect(mod.validate()).toBeTruthy();
    return mod.emitBinary();
  } finally {
    binaryen.setDebugInfo(debugInfo);
    mod.dispose();
  }
}

type Run = (...args: number[]) => number;

function load(binary: Uint8Array): { exports: Record<string, Run>; count: (f: () => unknown) => number } {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(instrument(binary).binary));
  const counter = instance.exports[COUNTER] as WebAssembly.Global;
  return {
    exports: instance.exports as unknown as Record<string, Run>,
    count(f) {
      counter.value = 0n;
      f();
      return Number(counter.value);
    },
  };
}

// A binary in the stack style binaryen's Stack IR optimiser produces (as in logseal.wasm): the
// value of local.get 0 stays on the operand stack across the call of $g, which binaryen's reader
// can only express with a scratch local. Hand-assembled, since binaryen would not emit it.
function stackyBinary(): Uint8Array {
  const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
  const vec = (items: number[][]) => [items.length, ...items.flat()];
  const body = (locals: number[], code: number[]) => {
    const bytes = [...locals, ...code];
    return [bytes.length, ...bytes];
  };
  const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 0, 0], [0x60, 0, 1, 0x7f], [0x60, 1, 0x7f, 1, 0x7f]])), // ()->(), ()->i32, (i32)->i32
    ...section(3, vec([[0], [1], [2]])), // $g, $h, $f
    ...section(7, vec([[...name("f"), 0x00, 2]])),
    ...section(10, vec([
      body([0], [0x0b]), // $g: end
      body([0], [0x41, 5, 0x0b]), // $h: i32.const 5, end
      body([0], [0x10, 1, 0x20, 0, 0x10, 0, 0x6a, 0x0b]), // $f: call $h, local.get 0, call $g, i32.add, end
    ])),
  ]);
}

describe("executed-instruction counter on hand-written modules", () => {
  const binary = watBinary(WAT);
  const { exports: m, count } = load(binary);

  it("the analysis sees exactly the binary's instructions", () => {
    expect(instrument(binary).staticInstructions).toBe(binaryInstructionCount(binary));
  });

  it("a loop of N iterations of 8 instructions costs 8N + 1 (the return)", () => {
    for (const n of [1, 10, 1000]) expect(count(() => m.loop(n))).toBe(8 * n + 1);
    expect(count(() => m.loop(0))).toBe(9); // the body runs once
  });

  it("conditional exits, an if without else, a backward br", () => {
    // per iteration: exit test 4, parity test 5, increment 4, br 1, plus 4 on even i; the exit: 4; then 2
    const expected = (n: number) => 14 * n + 4 * Math.ceil(n / 2) + 4 + 2;
    for (const n of [0, 1, 10, 257]) {
      let result = 0;
      expect(count(() => (result = m.evens(n)))).toBe(expected(n));
      expect(result).toBe(Math.ceil(n / 2));
    }
  });

  it("if/else: the then-arm pays the jump over the else arm", () => {
    expect(count(() => m.classify(0))).toBe(6); // get eqz if const else end
    expect(count(() => m.classify(5))).toBe(7); // get eqz if get const add end
    expect(m.classify(0)).toBe(100);
    expect(m.classify(5)).toBe(6);
  });

  it("br_if with a value out of a value block: taken and not taken", () => {
    expect(count(() => m.early(1))).toBe(6); // const get br_if | const mul end
    expect(count(() => m.early(0))).toBe(8); // const get br_if drop const | const mul end
    expect(m.early(1)).toBe(30);
    expect(m.early(0)).toBe(60);
  });

  it("br_table and returns", () => {
    expect(count(() => m.table(0))).toBe(4); // get br_table const return
    expect(count(() => m.table(1))).toBe(6); // get br_table const get add return
    expect(count(() => m.table(7))).toBe(4); // get br_table const end
    expect([m.table(0), m.table(1), m.table(7)]).toEqual([10, 12, 12]);
  });

  it("calls count the callee's instructions too", () => {
    expect(count(() => m.caller(2))).toBe(6 + 2 * 4);
    expect(m.caller(2)).toBe(13);
  });

  it("per-function counters split the total by function (a profile)", () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(instrument(binary, { perFunction: true }).binary));
    const exports = instance.exports as Record<string, unknown>;
    (exports.caller as Run)(2);
    const value = (name: string) => Number((exports[name] as WebAssembly.Global).value);
    expect(value(`${FUNCTION_COUNTER_PREFIX}caller`)).toBe(6);
    expect(value(`${FUNCTION_COUNTER_PREFIX}square`)).toBe(8);
    expect(value(COUNTER)).toBe(14);
  });

  it("scratch locals binaryen's reader adds for stack-style code are not counted", () => {
    const stacky = stackyBinary();
    const mod = binaryen.readBinary(stacky);
    const added = binaryen.getFunctionInfo(mod.getFunction("2")).vars.length;
    mod.dispose();
    expect(declaredLocals(stacky)).toEqual([0, 0, 0]);
    expect(added).toBeGreaterThan(0); // the case is really exercised
    expect(instrument(stacky).staticInstructions).toBe(binaryInstructionCount(stacky));
    const { exports: s, count: countStacky } = load(stacky);
    expect(countStacky(() => s.f(1))).toBe(8); // call(+const end) get call(+end) add end
    expect(s.f(1)).toBe(6);
  });
});

describe("instrumented logseal", () => {
  const original = readFileSync(RELEASE_WASM);
  const result = instrument(original);

  it("sees exactly the instructions of build/logseal.wasm", () => {
    expect(result.staticInstructions).toBe(binaryInstructionCount(original));
    expect(result.increments).toBeGreaterThan(100);
  });

  it("has the same imports and exports, plus the counter", () => {
    const before = new WebAssembly.Module(original);
    const after = new WebAssembly.Module(result.binary);
    expect(WebAssembly.Module.imports(after)).toEqual(WebAssembly.Module.imports(before));
    expect(WebAssembly.Module.exports(after)).toEqual([...WebAssembly.Module.exports(before), { name: COUNTER, kind: "global" }]);
  });

  const lines = readFileSync(new URL("../samples/kubernetes.ndjson", import.meta.url), "utf8").trim().split("\n");
  const bodies = [
    ...lines,
    ...[200, 1024, 64 * 1024].map((size, i) => JSON.stringify(containerRecord(i, size))),
    "not json at all",
    '{"broken": ',
    "[1,2,3]",
  ];
  for (const [label, policy] of [["pass-through", PASS_THROUGH_POLICY], ["default policy", undefined]] as const) {
    it(`gives byte-identical output to the original (${label})`, () => {
      // Both start from one state file, so both seal as the same instance (its id is random).
      const template = makeDir({ policy });
      FilterHost.load(RELEASE_WASM, { preopens: { ".": template } }).callRaw("template", "{}", 1700000000, 0);
      const seeded = () => {
        const dir = makeDir({ policy });
        if (existsSync(join(template, "logseal.state"))) copyFileSync(join(template, "logseal.state"), join(dir, "logseal.state"));
        return dir;
      };
      const plain = FilterHost.load(RELEASE_WASM, { preopens: { ".": seeded() } });
      const counted = new CountingFilter(RELEASE_WASM, { ".": seeded() });
      for (const [i, body] of bodies.entries()) {
        const a = plain.callRaw("kube.var.log.containers.app", body, 1700000000 + i, i);
        const b = counted.host.callRaw("kube.var.log.containers.app", body, 1700000000 + i, i);
        expect(b === null ? null : Buffer.from(b).toString("latin1")).toBe(a === null ? null : Buffer.from(a).toString("latin1"));
      }
      expect(counted.executed).toBeGreaterThan(0n);
    });
  }

  it("countInstructions is deterministic and grows with the record", () => {
    const small = [JSON.stringify(containerRecord(0, 1024))];
    const large = [JSON.stringify(containerRecord(0, 64 * 1024))];
    const a = countInstructions(PASS_THROUGH_POLICY, small);
    const b = countInstructions(PASS_THROUGH_POLICY, small);
    expect(a.total).toBe(b.total);
    expect(a.perRecord).toBeGreaterThan(0);
    expect(a.perByte).toBeCloseTo(a.perRecord / small[0].length, 9);
    expect(countInstructions(PASS_THROUGH_POLICY, large).perRecord).toBeGreaterThan(a.perRecord);
    const profiled = countInstructions(PASS_THROUGH_POLICY, small, { profile: true });
    expect(profiled.total).toBe(a.total);
    expect(profiled.functions!.reduce((sum, f) => sum + f.perRecord, 0)).toBe(a.perRecord);
  });

  // The walk's table of key paths (assembly/policy/keyverdicts.ts) is keyed by the log's own keys:
  // keys made to hash alike must not cost the square of their number (a lookup tries few slots).
  it("keys that all hash alike cost about what as many ordinary keys cost", () => {
    const record = (key: (i: number) => string) => JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [key(i), i])));
    const alike = countInstructions(undefined, [record((i) => `aaaa${String(i).padStart(6, "0")}zzzz`)]).perRecord;
    const ordinary = countInstructions(undefined, [record((i) => `k${String((i * 7919) % 100003).padStart(9, "0")}_`)]).perRecord;
    expect(alike / ordinary).toBeLessThan(1.5);
  });

  it("the embedded default policy costs more than pass-through", () => {
    const body = [JSON.stringify(containerRecord(0, 1024))];
    expect(countInstructions(undefined, body).perRecord).toBeGreaterThan(countInstructions(PASS_THROUGH_POLICY, body).perRecord);
  });
});
