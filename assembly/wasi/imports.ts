// The only host imports Fluent Bit's WAMR offers: WASI preview1.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md

@external("wasi_snapshot_preview1", "fd_write")
export declare function fd_write(fd: u32, iovs: usize, iovsLen: u32, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "fd_pwrite")
export declare function fd_pwrite(fd: u32, iovs: usize, iovsLen: u32, offset: u64, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "fd_read")
export declare function fd_read(fd: u32, iovs: usize, iovsLen: u32, nread: usize): u16;
@external("wasi_snapshot_preview1", "fd_close")
export declare function fd_close(fd: u32): u16;
@external("wasi_snapshot_preview1", "fd_filestat_get")
export declare function fd_filestat_get(fd: u32, buf: usize): u16;
@external("wasi_snapshot_preview1", "fd_filestat_set_times")
export declare function fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u16): u16;
@external("wasi_snapshot_preview1", "fd_prestat_get")
export declare function fd_prestat_get(fd: u32, buf: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
export declare function fd_prestat_dir_name(fd: u32, path: usize, pathLen: u32): u16;
@external("wasi_snapshot_preview1", "path_open")
export declare function path_open(dirfd: u32, dirflags: u32, path: usize, pathLen: u32, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdflags: u16, fdOut: usize): u16;
@external("wasi_snapshot_preview1", "path_filestat_get")
export declare function path_filestat_get(fd: u32, flags: u32, path: usize, pathLen: u32, buf: usize): u16;
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(clockId: u32, precision: u64, timeOut: usize): u16;
@external("wasi_snapshot_preview1", "random_get")
export declare function random_get(buf: usize, len: usize): u16;
