// Matches record keys against policy patterns on the raw bytes, with no strings and no
// hashing per key: names are bucketed by length and first byte, paths by depth.
//   name  "password"                 any depth, exact bytes
//   name  "Authorization" (ci)       any depth, ASCII case-insensitive
//   path  "kubernetes.annotations.*" that exact position; "*" matches one key
import { KeyPath } from "./keypath";

const BUCKETS: i32 = 1024;
export const MAX_PATH_DEPTH: i32 = 16;

export const NO_MATCH: i32 = -1;
/** matchPath result: the key is a strict prefix of some path (e.g. `kubernetes` of `kubernetes.pod_name`). */
export const PREFIX_MATCH: i32 = -2;

class Pattern {
  constructor(public id: i32, public caseInsensitive: bool, public segments: ArrayBuffer[]) {}
}

export class KeyMatcher {
  private names: Pattern[] = [];
  private bucketHead: StaticArray<i32> = new StaticArray<i32>(BUCKETS);
  private bucketNext: i32[] = [];
  private bucketIndex: i32[] = [];
  private paths: Pattern[] = [];
  /** Longest path pattern, to skip path matching below it. */
  maxPathDepth: i32 = 0;

  constructor() {
    for (let i = 0; i < BUCKETS; i++) this.bucketHead[i] = -1;
  }

  get isEmpty(): bool {
    return this.names.length == 0 && this.paths.length == 0;
  }

  addName(name: string, caseInsensitive: bool, id: i32): void {
    const bytes = String.UTF8.encode(caseInsensitive ? name.toLowerCase() : name);
    const index = this.names.length;
    this.names.push(new Pattern(id, caseInsensitive, [bytes]));
    const len = <usize>bytes.byteLength;
    if (caseInsensitive) {
      // A case-insensitive name lives in the buckets of both cases of its first letter.
      this.link(index, len, load<u8>(changetype<usize>(bytes)));
      const upper = load<u8>(changetype<usize>(bytes)) & 0xDF;
      if (upper != load<u8>(changetype<usize>(bytes)) && isLetter(upper)) this.link(index, len, upper);
    } else {
      this.link(index, len, len == 0 ? 0 : load<u8>(changetype<usize>(bytes)));
    }
  }

  private link(index: i32, len: usize, first: u8): void {
    const bucket = bucketOf(len, first);
    // Append so earlier rules win on a tie.
    this.bucketNext.push(-1);
    let at = this.bucketHead[bucket];
    if (at < 0) {
      this.bucketHead[bucket] = this.bucketNext.length - 1;
    } else {
      while (this.bucketNext[at] >= 0) at = this.bucketNext[at];
      this.bucketNext[at] = this.bucketNext.length - 1;
    }
    this.bucketIndex.push(index);
  }

  /** Adds a dotted path; returns false if it is deeper than MAX_PATH_DEPTH. */
  addPath(path: string, id: i32): bool {
    const parts = path.split(".");
    if (parts.length > MAX_PATH_DEPTH) return false;
    const segments = new Array<ArrayBuffer>();
    for (let i = 0; i < parts.length; i++) segments.push(String.UTF8.encode(parts[i]));
    this.paths.push(new Pattern(id, false, segments));
    if (parts.length > this.maxPathDepth) this.maxPathDepth = parts.length;
    return true;
  }

  /** Id of the first name pattern equal to the key bytes [ptr, ptr+len), or NO_MATCH. */
  matchName(ptr: usize, len: usize): i32 {
    if (len == 0) return NO_MATCH;
    let at = unchecked(this.bucketHead[bucketOf(len, load<u8>(ptr))]);
    while (at >= 0) {
      const pattern = unchecked(this.names[unchecked(this.bucketIndex[at])]);
      const bytes = changetype<usize>(unchecked(pattern.segments[0]));
      if (<usize>unchecked(pattern.segments[0]).byteLength == len
        && (pattern.caseInsensitive ? equalsLowercase(ptr, bytes, len) : memory.compare(ptr, bytes, len) == 0)) {
        return pattern.id;
      }
      at = unchecked(this.bucketNext[at]);
    }
    return NO_MATCH;
  }

  /**
   * Id of the first path pattern equal to the keys of `path` (depth 1..path.depth), or
   * PREFIX_MATCH if the keys are a strict prefix of a pattern (only when `prefixes`), else NO_MATCH.
   */
  matchPath(path: KeyPath, prefixes: bool): i32 {
    const depth = path.depth;
    if (depth > MAX_PATH_DEPTH || (depth > this.maxPathDepth && !prefixes)) return NO_MATCH;
    let result = NO_MATCH;
    for (let i = 0, n = this.paths.length; i < n; i++) {
      const pattern = unchecked(this.paths[i]);
      const count = pattern.segments.length;
      if (count < depth || (count > depth && (!prefixes || result == PREFIX_MATCH))) continue;
      if (!segmentsMatch(pattern.segments, path, depth)) continue;
      if (count == depth) return pattern.id;
      result = PREFIX_MATCH;
    }
    return result;
  }
}

/** The current key (at `depth`) first: it is the segment most likely to differ. */
function segmentsMatch(segments: ArrayBuffer[], path: KeyPath, depth: i32): bool {
  for (let d = depth; d >= 1; d--) {
    const segment = unchecked(segments[d - 1]);
    const len = <usize>segment.byteLength;
    if (len == 1 && load<u8>(changetype<usize>(segment)) == 0x2A) continue; // "*"
    if (path.keyLen(d) != len || memory.compare(path.keyPtr(d), changetype<usize>(segment), len) != 0) return false;
  }
  return true;
}

@inline function bucketOf(len: usize, first: u8): i32 {
  return ((<i32>len & 31) << 5) | (<i32>first & 31);
}

@inline function isLetter(c: u8): bool {
  return <u32>(c | 0x20) - 0x61 < 26;
}

/** Compares key bytes with an already lowercased pattern, folding ASCII letters only. */
function equalsLowercase(ptr: usize, lower: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) {
    let c = load<u8>(ptr + i);
    if (<u32>c - 0x41 < 26) c |= 0x20;
    if (c != load<u8>(lower + i)) return false;
  }
  return true;
}
