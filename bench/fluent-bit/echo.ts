// @ts-nocheck: AssemblyScript (usize, heap), compiled by asc, not by the Node tsconfig.
// The smallest module filter_wasm can run: it hands every record back untouched. Measured next to
// logseal, it shows what Fluent Bit itself spends on a wasm filter (the record turned into JSON,
// copied in, the call, the result copied out and parsed back into msgpack), whoever the module.
// `stamp_echo_filter` does the same plus one system call per record, the one logseal's default
// policy makes (its chain's sequence number into the state file's modification time): the price
// of that call inside Fluent Bit on the machine at hand, measured apart from logseal's own code.
// Built by bench/fluent-bit.ts with asc (release options; WASI imports only).

@external("wasi_snapshot_preview1", "path_open")
declare function path_open(dirfd: u32, dirflags: u32, path: usize, pathLen: u32, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdflags: u16, fdOut: usize): u16;
@external("wasi_snapshot_preview1", "fd_filestat_set_times")
declare function fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u16): u16;

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

const PREOPEN_FD: u32 = 3; // the first of accessible_paths
const O_CREAT: u16 = 1;
const RIGHT_FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
const SET_MTIME: u16 = 4;
const STAMP_FILE = "stamp-echo.time";
let stampFd: i32 = -1;
let stamps: u64 = 0;

/** The echo, plus the record's count set as a file's modification time (one futimens). */
export function stamp_echo_filter(tag: usize, tagLen: u32, timeSec: u32, timeNsec: u32, body: usize, bodyLen: u32): usize {
  if (stampFd < 0) {
    const name = String.UTF8.encode(STAMP_FILE);
    const out = heap.alloc(4);
    if (path_open(PREOPEN_FD, 0, changetype<usize>(name), <u32>name.byteLength, O_CREAT, RIGHT_FD_FILESTAT_SET_TIMES, 0, 0, out) != 0) unreachable();
    stampFd = load<i32>(out);
  }
  stamps++;
  // A call that fails would make the runs cheaper unseen: trap, which Fluent Bit logs as an error.
  if (fd_filestat_set_times(<u32>stampFd, 0, (1_000_000_000 + (stamps & 4095)) * 1_000_000_000, SET_MTIME) != 0) unreachable();
  return body;
}
