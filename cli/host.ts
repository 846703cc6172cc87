// A Node host that calls the module exactly as Fluent Bit's filter_wasm does
// (see ../shared/fluent-bit-wasm-abi.md): only WASI imports, inputs copied in through the
// module's exported allocator with a trailing NUL, six i32 arguments, the result read up to
// its first NUL, inputs freed. The CLI and the tests share it, so what they see is what
// Fluent Bit would see.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { WASI } from "node:wasi";

// Node 20 aborts when a garbage collection runs inside a WASI fast API call (uvwasi's fd_pwrite
// allocates and reports it to V8; seen with the chain state written per record next to a 16 MiB
// record): take the regular call path. Set before any module is instantiated.
setFlagsFromString("--no-turbo-fast-api-calls");

export const FUNCTION_NAME = "logseal_filter";

export interface HostOptions {
  /** Directories pre-opened for WASI, as Fluent Bit's `accessible_paths` (guest name -> host dir). */
  preopens?: Record<string, string>;
  /** File descriptor for the module's stderr (default: this process's stderr). */
  stderrFd?: number;
}

export type CallResult =
  | { kind: "record"; json: string; record: Record<string, unknown> }
  | { kind: "dropped"; reason: string };

interface AllocatorExports {
  memory: WebAssembly.Memory;
  malloc?: (size: number) => number;
  free?: (ptr: number) => void;
  __new?: (size: number, id: number) => number;
  __pin?: (ptr: number) => number;
  __unpin?: (ptr: number) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Instantiates a module with WASI preview1 as its only import namespace. */
export function instantiate(wasmPath: string, options: HostOptions = {}): WebAssembly.Instance {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const wasi = new WASI({
    version: "preview1",
    args: [],
    env: {},
    preopens: options.preopens ?? {},
    stderr: options.stderrFd ?? 2,
    returnOnExit: true,
  });
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport } as WebAssembly.Imports);
  wasi.initialize(instance);
  return instance;
}

/** Copies bytes into module memory with the allocator WAMR would pick, like wasm_runtime_module_dup_data. */
export class GuestMemory {
  constructor(private readonly exports: AllocatorExports) {}

  get bytes(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  alloc(size: number): number {
    const e = this.exports;
    if (e.malloc && e.free) return e.malloc(size);
    if (e.__new && e.__pin && e.__unpin) return e.__pin(e.__new(size, 0));
    throw new Error("module exports no allocator (malloc/free or __new/__pin/__unpin)");
  }

  free(ptr: number): void {
    const e = this.exports;
    if (e.malloc && e.free) e.free(ptr);
    else e.__unpin?.(ptr);
  }

  /** Copies `data` plus a trailing NUL, as Fluent Bit does in JSON mode. */
  dup(data: Uint8Array): number {
    const ptr = this.alloc(data.length + 1);
    const view = this.bytes;
    view.set(data, ptr);
    view[ptr + data.length] = 0;
    return ptr;
  }

  /** Reads the NUL-terminated string at `ptr` (what Fluent Bit's strdup keeps). */
  readCString(ptr: number): Uint8Array {
    const view = this.bytes;
    const end = view.indexOf(0, ptr);
    return view.slice(ptr, end < 0 ? view.length : end);
  }
}

type FilterFn = (tag: number, tagLen: number, sec: number, nsec: number, body: number, bodyLen: number) => number;

/** One filter instance, as Fluent Bit keeps it from v4.1 on: instantiated once, called per record. */
export class FilterHost {
  readonly memory: GuestMemory;
  private readonly filter: FilterFn;

  constructor(readonly instance: WebAssembly.Instance, functionName = FUNCTION_NAME) {
    const exports = instance.exports as unknown as AllocatorExports & Record<string, unknown>;
    this.memory = new GuestMemory(exports);
    const fn = exports[functionName];
    if (typeof fn !== "function") throw new Error(`module does not export ${functionName}`);
    this.filter = fn as FilterFn;
  }

  static load(wasmPath: string, options: HostOptions = {}): FilterHost {
    return new FilterHost(instantiate(wasmPath, options));
  }

  /** Raw call: returns the bytes Fluent Bit would keep, or null for a NULL result. */
  callRaw(tag: string | Uint8Array, body: string | Uint8Array, sec = 0, nsec = 0): Uint8Array | null {
    const tagBytes = typeof tag === "string" ? encoder.encode(tag) : tag;
    const bodyBytes = typeof body === "string" ? encoder.encode(body) : body;
    const tagPtr = this.memory.dup(tagBytes);
    const bodyPtr = this.memory.dup(bodyBytes);
    try {
      const result = this.filter(tagPtr, tagBytes.length, sec | 0, nsec | 0, bodyPtr, bodyBytes.length) >>> 0;
      if (result === 0) return null;
      if (result >= this.memory.bytes.length) throw new Error(`result pointer ${result} outside module memory`);
      return this.memory.readCString(result);
    } finally {
      this.memory.free(tagPtr);
      this.memory.free(bodyPtr);
    }
  }

  /** A call with Fluent Bit's interpretation of the result (JSON mode). */
  call(tag: string | Uint8Array, body: string | Uint8Array, sec = 0, nsec = 0): CallResult {
    const raw = this.callRaw(tag, body, sec, nsec);
    if (raw === null) return { kind: "dropped", reason: "NULL result" };
    if (raw.length === 0) return { kind: "dropped", reason: "empty result" };
    const json = decoder.decode(raw);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      return { kind: "dropped", reason: `invalid JSON result: ${(error as Error).message}` };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { kind: "dropped", reason: "result is not a JSON object" };
    }
    return { kind: "record", json, record: parsed as Record<string, unknown> };
  }
}
