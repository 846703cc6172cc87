// Executed-instruction counter: WAMR's fast interpreter (what Fluent Bit runs) spends time
// roughly in proportion to the wasm instructions it dispatches, which V8's compiled timings hide.
// `instrument` adds, at the start of every straight-line region of every function, one
// increment of an exported i64 global by the region's static instruction count; the
// increments themselves are not counted. See docs/measuring.md.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import { FilterHost, instantiate } from "../cli/host.ts";
import { scratchDir } from "../cli/scratch.js";

type Expr = number;
type Module = binaryen.Module;

/** Name of the exported mutable i64 global holding the executed-instruction count. */
export const COUNTER = "__executed";

/** The module measured by default: $LOGSEAL_WASM (e.g. a build of another commit), else build/logseal.wasm. */
export const LOGSEAL_WASM = process.env.LOGSEAL_WASM || new URL("../build/logseal.wasm", import.meta.url).pathname;

// What Fluent Bit's WAMR enables (bulk memory's opt-in half is its own flag in newer binaryen).
const features = binaryen.Features as unknown as Record<string, number>;
const WAMR_FEATURES = features.MVP | features.BulkMemory | (features.BulkMemoryOpt ?? 0) | features.SignExt |
  features.MutableGlobals | features.NontrappingFPToInt | features.ReferenceTypes;

// Raw C API entry the JS wrapper exposes but does not declare.
const addVar = (binaryen as unknown as { _BinaryenFunctionAddVar(func: number, type: number): number })._BinaryenFunctionAddVar;

// binaryen.js's expression wrappers (binaryen.Block.getChildAt, ...), which index.d.ts does not declare.
interface Operands {
  getNumOperands(e: Expr): number;
  getOperandAt(e: Expr, i: number): Expr;
  setOperandAt(e: Expr, i: number, child: Expr): void;
  isReturn(e: Expr): boolean;
}
interface Wrappers {
  Block: { getName(e: Expr): string | null; getNumChildren(e: Expr): number; getChildAt(e: Expr, i: number): Expr; setChildAt(e: Expr, i: number, child: Expr): void };
  Call: Operands;
  CallIndirect: Operands & { getTarget(e: Expr): Expr; setTarget(e: Expr, child: Expr): void };
  Break: { getName(e: Expr): string; getCondition(e: Expr): Expr };
  Switch: { getNames(e: Expr): string[]; getDefaultName(e: Expr): string | null };
  Loop: { getBody(e: Expr): Expr };
  If: { getCondition(e: Expr): Expr; getIfTrue(e: Expr): Expr; getIfFalse(e: Expr): Expr };
  LocalGet: { getIndex(e: Expr): number };
  LocalSet: { getIndex(e: Expr): number; getValue(e: Expr): Expr };
  Function: { setBody(func: number, body: Expr): void };
}
const W = binaryen as unknown as Wrappers;
const B = binaryen as unknown as Record<string, Record<string, (...args: number[]) => number>>;

/** Child slots of an expression, in evaluation order: [get, set] pairs. */
type Slot = [(e: Expr) => Expr, (e: Expr, child: Expr) => void];
const slot = (cls: string, field: string): Slot => [(e) => B[cls][`get${field}`](e), (e, c) => void B[cls][`set${field}`](e, c)];
const SLOTS = new Map<number, Slot[]>([
  [binaryen.LocalSetId, [slot("LocalSet", "Value")]],
  [binaryen.GlobalSetId, [slot("GlobalSet", "Value")]],
  [binaryen.LoadId, [slot("Load", "Ptr")]],
  [binaryen.StoreId, [slot("Store", "Ptr"), slot("Store", "Value")]],
  [binaryen.UnaryId, [slot("Unary", "Value")]],
  [binaryen.BinaryId, [slot("Binary", "Left"), slot("Binary", "Right")]],
  [binaryen.SelectId, [slot("Select", "IfTrue"), slot("Select", "IfFalse"), slot("Select", "Condition")]],
  [binaryen.DropId, [slot("Drop", "Value")]],
  [binaryen.ReturnId, [slot("Return", "Value")]],
  [binaryen.MemoryGrowId, [slot("MemoryGrow", "Delta")]],
  [binaryen.MemoryCopyId, [slot("MemoryCopy", "Dest"), slot("MemoryCopy", "Source"), slot("MemoryCopy", "Size")]],
  [binaryen.MemoryFillId, [slot("MemoryFill", "Dest"), slot("MemoryFill", "Value"), slot("MemoryFill", "Size")]],
  [binaryen.MemoryInitId, [slot("MemoryInit", "Dest"), slot("MemoryInit", "Offset"), slot("MemoryInit", "Size")]],
  [binaryen.BreakId, [slot("Break", "Value"), slot("Break", "Condition")]],
  [binaryen.SwitchId, [slot("Switch", "Value"), slot("Switch", "Condition")]],
  [binaryen.IfId, [slot("If", "Condition"), slot("If", "IfTrue"), slot("If", "IfFalse")]],
  [binaryen.LoopId, [slot("Loop", "Body")]],
  [binaryen.RefIsNullId, [slot("RefIsNull", "Value")]],
  [binaryen.TableGetId, [slot("TableGet", "Index")]],
  [binaryen.TableSetId, [slot("TableSet", "Index"), slot("TableSet", "Value")]],
  [binaryen.TableGrowId, [slot("TableGrow", "Value"), slot("TableGrow", "Delta")]],
]);
const LEAVES = new Set<number>([binaryen.ConstId, binaryen.LocalGetId, binaryen.GlobalGetId, binaryen.NopId,
  binaryen.UnreachableId, binaryen.MemorySizeId, binaryen.DataDropId, binaryen.RefNullId, binaryen.RefFuncId,
  binaryen.TableSizeId]);

/** Children in evaluation order, each with a setter that replaces it in its parent. */
function children(e: Expr): { child: Expr; set: (c: Expr) => void }[] {
  const id = binaryen.getExpressionId(e);
  if (id === binaryen.BlockId || id === binaryen.CallId || id === binaryen.CallIndirectId) {
    const out: { child: Expr; set: (c: Expr) => void }[] = [];
    if (id === binaryen.BlockId) {
      const n = W.Block.getNumChildren(e);
      for (let i = 0; i < n; i++) out.push({ child: W.Block.getChildAt(e, i), set: (c) => W.Block.setChildAt(e, i, c) });
    } else {
      const cls = id === binaryen.CallId ? W.Call : W.CallIndirect;
      const n = cls.getNumOperands(e);
      for (let i = 0; i < n; i++) out.push({ child: cls.getOperandAt(e, i), set: (c) => cls.setOperandAt(e, i, c) });
      if (id === binaryen.CallIndirectId) {
        out.push({ child: W.CallIndirect.getTarget(e), set: (c) => W.CallIndirect.setTarget(e, c) });
      }
    }
    return out;
  }
  if (LEAVES.has(id)) return [];
  const slots = SLOTS.get(id);
  if (!slots) throw new Error(`instructions: unsupported expression id ${id} (${binaryen.emitText(e).slice(0, 60)})`);
  return slots.map(([get, set]) => ({ child: get(e), set: (c: Expr) => set(e, c) })).filter((s) => s.child !== 0);
}

/** Where a region's increment goes: before an expression (arm, loop body, function body) or after one (a join). */
interface Region {
  cost: number;
  at: "before" | "after" | "dead";
  expr: Expr;
}

/** Per function: the straight-line regions of its original code and their static costs. */
interface Analysis {
  regions: Region[];
  /** Instructions of the function's binary form, structural ones (block, loop, end, else, nop) excluded. */
  staticInstructions: number;
}

function analyse(body: Expr, firstScratchLocal: number): Analysis {
  const targets = new Set<string>();
  const collect = (e: Expr): void => {
    const id = binaryen.getExpressionId(e);
    if (id === binaryen.BreakId) targets.add(W.Break.getName(e));
    else if (id === binaryen.SwitchId) {
      for (const name of W.Switch.getNames(e)) targets.add(name);
      const fallback = W.Switch.getDefaultName(e);
      if (fallback) targets.add(fallback);
    }
    for (const { child } of children(e)) collect(child);
  };
  collect(body);

  const regions: Region[] = [];
  let current: Region = { cost: 0, at: "before", expr: body };
  regions.push(current);
  let staticInstructions = 0;
  const start = (at: Region["at"], expr: Expr) => regions.push((current = { cost: 0, at, expr }));
  const count = (n = 1) => {
    current.cost += n;
    staticInstructions += n;
  };
  const unreachableAfter = (e: Expr) => binaryen.getExpressionType(e) === binaryen.unreachable;

  const walk = (e: Expr): void => {
    const id = binaryen.getExpressionId(e);
    switch (id) {
      case binaryen.BlockId: {
        for (const { child } of children(e)) walk(child);
        const name = W.Block.getName(e);
        if (name && targets.has(name) && !unreachableAfter(e)) start("after", e);
        return;
      }
      case binaryen.LoopId:
        start("before", W.Loop.getBody(e)); // the loop header is a branch target
        walk(W.Loop.getBody(e));
        return;
      case binaryen.IfId: {
        walk(W.If.getCondition(e));
        count(); // if: a conditional jump
        const ifTrue = W.If.getIfTrue(e);
        const ifFalse = W.If.getIfFalse(e);
        start("before", ifTrue);
        walk(ifTrue);
        if (ifFalse) {
          current.cost += 1; // else: the interpreter jumps over the else arm (not a static instruction)
          start("before", ifFalse);
          walk(ifFalse);
        }
        start(unreachableAfter(e) ? "dead" : "after", e);
        return;
      }
      case binaryen.BreakId: {
        for (const { child } of children(e)) walk(child);
        count();
        const conditional = W.Break.getCondition(e) !== 0;
        start(conditional && !unreachableAfter(e) ? "after" : "dead", e);
        return;
      }
      case binaryen.SwitchId:
      case binaryen.ReturnId:
      case binaryen.UnreachableId:
        for (const { child } of children(e)) walk(child);
        count();
        start("dead", e);
        return;
      case binaryen.CallId:
      case binaryen.CallIndirectId: {
        for (const { child } of children(e)) walk(child);
        count();
        const cls = id === binaryen.CallId ? W.Call : W.CallIndirect;
        if (cls.isReturn(e)) start("dead", e);
        return;
      }
      case binaryen.NopId:
        return;
      case binaryen.LocalGetId:
        if (W.LocalGet.getIndex(e) < firstScratchLocal) count();
        return;
      case binaryen.LocalSetId:
        walk(W.LocalSet.getValue(e));
        if (W.LocalSet.getIndex(e) < firstScratchLocal) count();
        return;
      default:
        for (const { child } of children(e)) walk(child);
        count();
    }
  };
  walk(body);
  current.cost += 1; // the function's final end: the interpreter executes a return
  return { regions, staticInstructions };
}

/** Locals declared by each defined function in the binary (binaryen's reader may add scratch locals after them). */
export function declaredLocals(wasm: Uint8Array): number[] {
  const reader = new WasmReader(wasm);
  const counts: number[] = [];
  reader.eachFunction((r) => {
    let n = 0;
    for (let groups = r.u32(); groups > 0; groups--) {
      n += r.u32();
      r.skipType();
    }
    counts.push(n);
  });
  return counts;
}

/**
 * Static count of non-structural instructions in the code section (block, loop, end, else, nop
 * excluded), decoded from the binary itself: the reference the binaryen-based analysis must match.
 */
export function binaryInstructionCount(wasm: Uint8Array): number {
  const reader = new WasmReader(wasm);
  let total = 0;
  reader.eachFunction((r, end) => {
    for (let groups = r.u32(); groups > 0; groups--) {
      r.u32();
      r.skipType();
    }
    while (r.pos < end) {
      const op = r.byte();
      if (op === 0x01 || op === 0x02 || op === 0x03 || op === 0x05 || op === 0x0b) {
        if (op === 0x02 || op === 0x03) r.blockType();
      } else {
        total++;
        r.immediates(op);
      }
    }
  });
  return total;
}

/** Minimal reader of the parts of a binary the counter needs (MVP, bulk memory, sign-ext, sat-trunc, reftypes). */
class WasmReader {
  pos = 8;
  constructor(private readonly buf: Uint8Array) {}

  byte(): number {
    return this.buf[this.pos++];
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }

  skipLeb(): void {
    while (this.buf[this.pos++] & 0x80);
  }

  skipType(): void {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.skipLeb(); // (ref null? ht)
  }

  blockType(): void {
    this.skipLeb(); // s33: 0x40, a value type or a type index
  }

  immediates(op: number): void {
    if (op === 0x04) this.blockType();
    else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0x10 || op === 0x12 || op === 0xd2) this.skipLeb();
    else if (op === 0x0e) {
      for (let n = this.u32(); n >= 0; n--) this.skipLeb();
    } else if (op === 0x11 || op === 0x13) {
      this.skipLeb();
      this.skipLeb();
    } else if (op === 0x1c) {
      for (let n = this.u32(); n > 0; n--) this.skipType();
    } else if (op >= 0x28 && op <= 0x3e) {
      const align = this.u32();
      if (align & 0x40) this.skipLeb(); // multi-memory index
      this.skipLeb();
    } else if (op === 0x3f || op === 0x40 || op === 0xd0) this.skipLeb();
    else if (op === 0x41 || op === 0x42) this.skipLeb();
    else if (op === 0x43) this.pos += 4;
    else if (op === 0x44) this.pos += 8;
    else if (op === 0xfc) {
      const sub = this.u32();
      if (sub <= 7) return;
      const immediates = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1][sub];
      if (immediates === undefined) throw new Error(`instructions: unknown 0xfc ${sub}`);
      for (let i = 0; i < immediates; i++) this.skipLeb();
    } else if (!((op >= 0x45 && op <= 0xc4) || op === 0x00 || op === 0x0f || op === 0x1a || op === 0x1b || op === 0xd1)) {
      throw new Error(`instructions: unknown opcode 0x${op.toString(16)} at ${this.pos - 1}`);
    }
  }

  /** Calls `fn` for each function body of the code section, positioned after its size. */
  eachFunction(fn: (r: WasmReader, end: number) => void): void {
    this.pos = 8;
    while (this.pos < this.buf.length) {
      const id = this.byte();
      const size = this.u32();
      const sectionEnd = this.pos + size;
      if (id === 10) {
        for (let n = this.u32(); n > 0; n--) {
          const bodySize = this.u32();
          const end = this.pos + bodySize;
          fn(this, end);
          this.pos = end;
        }
      }
      this.pos = sectionEnd;
    }
  }
}

export interface Instrumented {
  binary: Uint8Array<ArrayBuffer>;
  /** Non-structural instructions of the original code section, as the analysis saw them. */
  staticInstructions: number;
  /** Increments inserted (straight-line regions with a non-zero cost). */
  increments: number;
}

/** Prefix of the per-function counters `instrument(wasm, { perFunction: true })` exports. */
export const FUNCTION_COUNTER_PREFIX = "__executed:";

/**
 * A copy of `wasm` that counts executed instructions in the exported i64 global `__executed`;
 * with `perFunction`, also one exported global per function (`__executed:<name>`, a profile).
 */
export function instrument(wasm: Uint8Array, options: { perFunction?: boolean } = {}): Instrumented {
  const locals = declaredLocals(wasm);
  const mod = binaryen.readBinary(wasm);
  try {
    mod.setFeatures(WAMR_FEATURES);
    mod.addGlobal(COUNTER, binaryen.i64, true, mod.i64.const(0n as unknown as number));
    mod.addGlobalExport(COUNTER, COUNTER);
    let staticInstructions = 0;
    let increments = 0;
    let defined = 0;
    for (let i = 0; i < mod.getNumFunctions(); i++) {
      const func = mod.getFunctionByIndex(i);
      const info = binaryen.getFunctionInfo(func);
      if (info.module || !info.body) continue;
      const params = binaryen.expandType(info.params).length;
      const analysis = analyse(info.body, params + locals[defined++]);
      staticInstructions += analysis.staticInstructions;
      let own: string | undefined;
      if (options.perFunction) {
        own = `${FUNCTION_COUNTER_PREFIX}${info.name}`;
        mod.addGlobal(own, binaryen.i64, true, mod.i64.const(0n as unknown as number));
        mod.addGlobalExport(own, own);
      }
      increments += rewriteFunction(mod, func, info.body, analysis.regions, own);
    }
    if (defined !== locals.length) throw new Error(`instructions: ${defined} functions in binaryen, ${locals.length} in the binary`);
    if (!mod.validate()) throw new Error("instructions: instrumented module does not validate");
    return { binary: new Uint8Array(mod.emitBinary()), staticInstructions, increments };
  } finally {
    mod.dispose();
  }
}

function increment(mod: Module, cost: number, own?: string): Expr {
  const add = (name: string) =>
    mod.global.set(name, mod.i64.add(mod.global.get(name, binaryen.i64), mod.i64.const(BigInt(cost) as unknown as number)));
  return own ? mod.block(null, [add(COUNTER), add(own)], binaryen.none) : add(COUNTER);
}

function rewriteFunction(mod: Module, func: number, body: Expr, regions: Region[], own?: string): number {
  const before = new Map<Expr, number>();
  const after = new Map<Expr, number>();
  let inserted = 0;
  for (const r of regions) {
    if (r.at === "dead" || r.cost === 0) continue;
    const map = r.at === "before" ? before : after;
    map.set(r.expr, (map.get(r.expr) ?? 0) + r.cost);
    inserted++;
  }
  const temps = new Map<number, number>();
  const temp = (type: number) => {
    let index = temps.get(type);
    if (index === undefined) temps.set(type, (index = addVar(func, type)));
    return index;
  };
  // Bottom-up: children first, then the increment before the expression, then the one after it.
  const rewrite = (e: Expr): Expr => {
    for (const { child, set } of children(e)) {
      const replaced = rewrite(child);
      if (replaced !== child) set(replaced);
    }
    let out = e;
    const pre = before.get(e);
    if (pre) out = mod.block(null, [increment(mod, pre, own), out], binaryen.auto);
    const post = after.get(e);
    if (post) {
      const type = binaryen.getExpressionType(e);
      if (type === binaryen.none) out = mod.block(null, [out, increment(mod, post, own)], binaryen.none);
      else {
        const t = temp(type);
        out = mod.block(null, [mod.local.set(t, out), increment(mod, post, own), mod.local.get(t, type)], type);
      }
    }
    return out;
  };
  W.Function.setBody(func, rewrite(body));
  return inserted;
}

// ---------------------------------------------------------------------------------------------
// Running instrumented modules through the Fluent Bit-like host.

const instrumentedFiles = new Map<string, string>();

/** Path of an instrumented copy of `wasmPath` (made once per process, source mtime and flavour). */
export function instrumentedPath(wasmPath: string, perFunction = false): string {
  const key = `${wasmPath}@${statSync(wasmPath).mtimeMs}${perFunction ? "+functions" : ""}`;
  let path = instrumentedFiles.get(key);
  if (!path) {
    path = join(scratchDir("logseal-instr-"), "counted.wasm");
    writeFileSync(path, instrument(readFileSync(wasmPath), { perFunction }).binary);
    instrumentedFiles.set(key, path);
  }
  return path;
}

/** A filter instance of an instrumented module plus its counter(s). */
export class CountingFilter {
  readonly host: FilterHost;
  private readonly counter: WebAssembly.Global;
  private readonly perFunction = new Map<string, WebAssembly.Global>();

  constructor(wasmPath: string, preopens: Record<string, string> = {}, functionName?: string, perFunction = false) {
    const instance = instantiate(instrumentedPath(wasmPath, perFunction), { preopens });
    this.host = new FilterHost(instance, functionName);
    this.counter = instance.exports[COUNTER] as WebAssembly.Global;
    for (const [name, value] of Object.entries(instance.exports)) {
      if (name.startsWith(FUNCTION_COUNTER_PREFIX)) this.perFunction.set(name.slice(FUNCTION_COUNTER_PREFIX.length), value as WebAssembly.Global);
    }
  }

  /** Instructions executed since instantiation (or the last reset). */
  get executed(): bigint {
    return this.counter.value as bigint;
  }

  /** Per function (when built with perFunction): instructions executed in its own body. */
  get functions(): Map<string, bigint> {
    return new Map([...this.perFunction].map(([name, global]) => [name, global.value as bigint]));
  }

  reset(): void {
    this.counter.value = 0n;
    for (const global of this.perFunction.values()) global.value = 0n;
  }
}

export interface InstructionCount {
  /** Executed wasm instructions per record, averaged over the bodies. */
  perRecord: number;
  /** Executed wasm instructions per input byte (body bytes, tag excluded). */
  perByte: number;
  total: bigint;
  records: number;
  bytes: number;
  /** With `profile`: instructions per record spent in each function's own body, largest first. */
  functions?: { name: string; perRecord: number }[];
}

export interface CountOptions {
  /** Module to count (default build/logseal.wasm); must have logseal's six-argument export. */
  wasm?: string;
  functionName?: string;
  tag?: string;
  /** Also count per function (names from the module's name section, else indices). */
  profile?: boolean;
  /** A seal key file (seal.key) beside the policy: keyed seals instead of SHA-256 ones. */
  sealKey?: string | Uint8Array;
}

const encoder = new TextEncoder();

/**
 * Executed instructions per record and per byte for `bodies` through logseal with `setupPolicy`
 * (written as logseal.policy.json in a fresh pre-opened directory; undefined: the embedded default).
 * Each body is sent once beforehand so one-time work (policy load, first allocations) is not counted.
 */
export function countInstructions(setupPolicy: object | string | undefined, bodies: (string | Uint8Array)[], options: CountOptions = {}): InstructionCount {
  const dir = scratchDir("logseal-count-");
  if (setupPolicy !== undefined) {
    writeFileSync(join(dir, "logseal.policy.json"), typeof setupPolicy === "string" ? setupPolicy : JSON.stringify(setupPolicy));
  }
  if (options.sealKey !== undefined) writeFileSync(join(dir, "seal.key"), options.sealKey);
  const filter = new CountingFilter(options.wasm ?? LOGSEAL_WASM, { ".": dir }, options.functionName, options.profile);
  const tag = options.tag ?? "kube.var.log.containers.app";
  const encoded = bodies.map((b) => (typeof b === "string" ? encoder.encode(b) : b));
  // Two warm-up passes: the first call starts the engine (the policy compiled), the next one
  // collects the garbage that left (assembly/gc.ts); neither is a record's steady cost.
  for (let pass = 0; pass < 2; pass++) for (const body of encoded) filter.host.callRaw(tag, body, 1700000000, 0);
  filter.reset();
  for (const body of encoded) filter.host.callRaw(tag, body, 1700000000, 0);
  const total = filter.executed;
  const bytes = encoded.reduce((sum, b) => sum + b.length, 0);
  const result: InstructionCount = { perRecord: Number(total) / encoded.length, perByte: Number(total) / bytes, total, records: encoded.length, bytes };
  if (options.profile) {
    result.functions = [...filter.functions]
      .filter(([, n]) => n > 0n)
      .map(([name, n]) => ({ name, perRecord: Number(n) / encoded.length }))
      .sort((a, b) => b.perRecord - a.perRecord);
  }
  return result;
}

// Command line: node --import tsx bench/instructions.ts [--wasm FILE] [--policy FILE|pass-through]
//   [--size BYTES] [--function NAME] [--profile [TOP]]
// Counts one containerRecord of the given size (default 1024); --profile lists the functions
// with the most executed instructions (build with names for readable ones, see docs/measuring.md).
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const { containerRecord } = await import("./workload.ts");
  const policyArg = option("--policy");
  const policy = policyArg === "pass-through"
    ? { version: "pass-through", redact: { keys: [], scan: [] } }
    : policyArg ? readFileSync(policyArg, "utf8") : undefined;
  const body = JSON.stringify(containerRecord(0, Number(option("--size") ?? 1024)));
  const profiling = args.includes("--profile");
  const count = countInstructions(policy, [body], { wasm: option("--wasm"), functionName: option("--function"), profile: profiling });
  console.log(`${body.length} B record: ${Math.round(count.perRecord)} instr/record, ${count.perByte.toFixed(2)} instr/byte`);
  if (profiling) {
    const top = Number(option("--profile")) || 25;
    for (const f of count.functions!.slice(0, top)) {
      console.log(`${String(Math.round(f.perRecord)).padStart(10)}  ${((f.perRecord / count.perRecord) * 100).toFixed(1).padStart(5)}%  ${f.name}`);
    }
  }
}
