// @ts-nocheck: AssemblyScript (usize, heap), compiled by asc, not by the Node tsconfig.
// The smallest module filter_wasm can run: it hands every record back untouched. Measured next to
// logseal, it shows what Fluent Bit itself spends on a wasm filter (the record turned into JSON,
// copied in, the call, the result copied out and parsed back into msgpack), whoever the module.
// Built by bench/fluent-bit.ts with asc (release options, no imports at all).

export function malloc(size: usize): usize {
  return heap.alloc(size == 0 ? 1 : size);
}

export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** The body arrives NUL-terminated (event_format json): it is its own answer. */
export function echo_filter(tag: usize, tagLen: u32, timeSec: u32, timeNsec: u32, body: usize, bodyLen: u32): usize {
  return body;
}
