// Files reach the module only through the directories Fluent Bit pre-opens from the
// filter's `accessible_paths`. Paths are resolved against those pre-opens: an absolute
// path by the pre-open whose name prefixes it, a relative one in every pre-open in order.
import {
  fd_close, fd_filestat_get, fd_filestat_set_times, fd_prestat_dir_name, fd_prestat_get, fd_pwrite, fd_read,
  path_filestat_get, path_open,
} from "./imports";

const FIRST_PREOPEN: u32 = 3;
const MAX_PREOPENS: u32 = 64;
const LOOKUP_FOLLOW_SYMLINKS: u32 = 1; // Kubernetes mounts Secrets and ConfigMaps through symlinks
const O_CREAT: u16 = 1;

const RIGHT_FD_DATASYNC: u64 = 1 << 0;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_SEEK: u64 = 1 << 2;
const RIGHT_FD_SYNC: u64 = 1 << 4;
const RIGHT_FD_TELL: u64 = 1 << 5;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
const RIGHT_FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
const SET_MTIME: u16 = 4; // fstflags MTIM: the modification time given, the access time left as it is
const RIGHTS_READ = RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_FILESTAT_GET;
const RIGHTS_WRITE = RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_SYNC | RIGHT_FD_DATASYNC
  | RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES;

const scratch = memory.data(64); // prestat, filestat (64 bytes), fd out, iovecs

class Preopen {
  constructor(public fd: u32, public name: string) {}
}

let preopens: Preopen[] | null = null;

/** The directories Fluent Bit pre-opened for this module, in `accessible_paths` order. */
export function listPreopens(): Preopen[] {
  let found = preopens;
  if (found) return found;
  found = new Array<Preopen>();
  for (let fd = FIRST_PREOPEN; fd < FIRST_PREOPEN + MAX_PREOPENS; fd++) {
    if (fd_prestat_get(fd, scratch) != 0) break;
    if (load<u8>(scratch) != 0) continue; // not a directory
    const nameLen = load<u32>(scratch, 4);
    const name = new ArrayBuffer(<i32>nameLen);
    if (fd_prestat_dir_name(fd, changetype<usize>(name), nameLen) != 0) continue;
    found.push(new Preopen(fd, trimTrailingNul(String.UTF8.decode(name))));
  }
  preopens = found;
  return found;
}

function trimTrailingNul(s: string): string {
  while (s.length > 0 && s.charCodeAt(s.length - 1) == 0) s = s.substring(0, s.length - 1);
  return s;
}

/** Where a path lives: a pre-opened directory and the path relative to it. */
export class Located {
  constructor(public dirFd: u32, public relative: string, public shown: string) {}
}

function stripDotSlash(p: string): string {
  while (p.startsWith("./")) p = p.substring(2);
  return p;
}

/** Candidate locations for `path`, best first. */
export function locate(path: string): Located[] {
  const out = new Array<Located>();
  const dirs = listPreopens();
  if (path.startsWith("/")) {
    // Longest matching pre-open wins, e.g. "/etc/logseal" over "/".
    let best: Preopen | null = null;
    for (let i = 0; i < dirs.length; i++) {
      const name = dirs[i].name;
      const dir = name.endsWith("/") ? name.substring(0, name.length - 1) : name;
      if ((path == dir || path.startsWith(dir + "/")) && (best == null || dir.length > best.name.length)) best = dirs[i];
    }
    if (best) {
      const dir = best.name.endsWith("/") ? best.name.substring(0, best.name.length - 1) : best.name;
      out.push(new Located(best.fd, path.substring(dir.length + 1), path));
    }
    return out;
  }
  const rel = stripDotSlash(path);
  for (let i = 0; i < dirs.length; i++) {
    const dir = dirs[i].name;
    out.push(new Located(dirs[i].fd, rel, dir == "." ? rel : dir + "/" + rel));
  }
  return out;
}

function openAt(loc: Located, oflags: u16, rights: u64): i64 {
  const rel = String.UTF8.encode(loc.relative);
  const errno = path_open(loc.dirFd, LOOKUP_FOLLOW_SYMLINKS, changetype<usize>(rel), <u32>rel.byteLength,
    oflags, rights, 0, 0, scratch);
  return errno == 0 ? <i64>load<u32>(scratch) : -<i64>errno;
}

/** A file's bytes and where it was found; `bytes` is null when it was found nowhere. */
export class FileContent {
  constructor(public bytes: ArrayBuffer | null, public where: string, public mtimeNs: u64) {}
}

/** Reads the first readable `path` among the pre-opens (cold path: allocates freely). */
export function readFile(path: string): FileContent {
  const candidates = locate(path);
  for (let i = 0; i < candidates.length; i++) {
    const fd = openAt(candidates[i], 0, RIGHTS_READ);
    if (fd < 0) continue;
    const bytes = readAll(<u32>fd);
    const mtime = fd_filestat_get(<u32>fd, scratch) == 0 ? load<u64>(scratch, 48) : 0;
    fd_close(<u32>fd);
    if (bytes) return new FileContent(bytes, candidates[i].shown, mtime);
  }
  return new FileContent(null, path, 0);
}

/**
 * The file's bytes. Every intermediate buffer is zeroed before it is freed: key files and the state
 * file (which holds the epoch key) pass through here, and freed memory must not keep them.
 */
function readAll(fd: u32): ArrayBuffer | null {
  let cap: usize = 4096;
  let buf = heap.alloc(cap);
  let len: usize = 0;
  while (true) {
    if (len == cap) {
      const bigger = heap.alloc(cap * 2);
      memory.copy(bigger, buf, len);
      wipeAndFree(buf, cap);
      buf = bigger;
      cap *= 2;
    }
    store<u32>(scratch, <u32>(buf + len), 16);
    store<u32>(scratch, <u32>(cap - len), 20);
    if (fd_read(fd, scratch + 16, 1, scratch + 24) != 0) {
      wipeAndFree(buf, cap);
      return null;
    }
    const n = load<u32>(scratch, 24);
    if (n == 0) break;
    len += n;
  }
  const out = new ArrayBuffer(<i32>len);
  memory.copy(changetype<usize>(out), buf, len);
  wipeAndFree(buf, cap);
  return out;
}

function wipeAndFree(ptr: usize, size: usize): void {
  memory.fill(ptr, 0, size);
  heap.free(ptr);
}

/** Zeroes a buffer that held a secret (a key file's or the state file's bytes). */
export function wipe(bytes: ArrayBuffer | null): void {
  if (bytes != null) memory.fill(changetype<usize>(bytes), 0, <usize>bytes.byteLength);
}

/** Modification time (ns) of the first existing `path`, or 0: a cheap change check. */
export function modifiedNs(path: string): u64 {
  const candidates = locate(path);
  for (let i = 0; i < candidates.length; i++) {
    const rel = String.UTF8.encode(candidates[i].relative);
    if (path_filestat_get(candidates[i].dirFd, LOOKUP_FOLLOW_SYMLINKS, changetype<usize>(rel), <u32>rel.byteLength, scratch) == 0) {
      return load<u64>(scratch, 48);
    }
  }
  return 0;
}

/** A file kept open for rewriting in place: one pwrite per update, no open/close per record. */
export class WritableFile {
  constructor(public fd: u32, public where: string) {}

  /** Writes `len` bytes at `offset` in one pwrite (a fixed-size record of the file); false on any error. */
  writeAt(offset: u64, ptr: usize, len: usize): bool {
    store<u32>(scratch, <u32>ptr, 16);
    store<u32>(scratch, <u32>len, 20);
    return fd_pwrite(this.fd, scratch + 16, 1, offset, scratch + 24) == 0 && load<u32>(scratch, 24) == <u32>len;
  }

  /**
   * Sets the file's modification time (ns since the epoch): eight bytes kept in the inode, in one
   * system call that WAMR does not wrap in its blocking-operation guard (pwrite costs two more).
   */
  setModified(ns: u64): bool {
    return fd_filestat_set_times(this.fd, 0, ns, SET_MTIME) == 0;
  }

  /** The file's modification time (ns since the epoch), or 0 when it cannot be read. */
  modified(): u64 {
    return fd_filestat_get(this.fd, scratch) == 0 ? load<u64>(scratch, 48) : 0;
  }

  /** The whole content, read from the start (call right after opening). */
  readAll(): ArrayBuffer | null {
    return readAll(this.fd);
  }

  close(): void {
    fd_close(this.fd);
  }
}

/**
 * Opens `path` for reading and writing in the first pre-open where that works; with `create`,
 * creating it if needed (else only an existing file is opened).
 */
export function openWritable(path: string, create: bool = true): WritableFile | null {
  const candidates = locate(path);
  for (let i = 0; i < candidates.length; i++) {
    const fd = openAt(candidates[i], create ? O_CREAT : 0, RIGHTS_READ | RIGHTS_WRITE);
    if (fd >= 0) return new WritableFile(<u32>fd, candidates[i].shown);
  }
  return null;
}
