// Matches record keys against policy patterns on the raw bytes, with no strings and no
// hashing of whole keys: patterns are bucketed by the length and first byte of the key they
// end with (and, for paths, the depth), so a key that matches nothing costs one bucket look.
//   name  "password"                 any depth, exact bytes
//   name  "Authorization" (ci)       any depth, ASCII case-insensitive
//   path  "kubernetes.annotations.*" that exact position; "*" matches one key
import { isAsciiLetter, equalsLowercase } from "../ascii";
import { KeyPath } from "./keypath";

export const MAX_PATH_DEPTH: i32 = 16;

export const NO_MATCH: i32 = -1;
/** matchPath result: the key is a strict prefix of some path (e.g. `kubernetes` of `kubernetes.pod_name`). */
export const PREFIX_MATCH: i32 = -2;

class Pattern {
  constructor(public id: i32, public caseInsensitive: bool, public segments: ArrayBuffer[]) {}
}

/** Chained hash buckets of pattern indexes; a chain keeps insertion order (earlier rules first). */
class Buckets {
  static readonly SIZE: i32 = 1024;
  private readonly head: StaticArray<i32> = new StaticArray<i32>(Buckets.SIZE);
  private readonly tail: StaticArray<i32> = new StaticArray<i32>(Buckets.SIZE);
  private next: i32[] = [];
  private pattern: i32[] = [];

  constructor() {
    for (let i = 0; i < Buckets.SIZE; i++) this.head[i] = -1;
  }

  add(bucket: i32, patternIndex: i32): void {
    const entry = this.next.length;
    this.next.push(-1);
    this.pattern.push(patternIndex);
    if (this.head[bucket] < 0) this.head[bucket] = entry;
    else this.next[this.tail[bucket]] = entry;
    this.tail[bucket] = entry;
  }

  @inline first(bucket: i32): i32 {
    return unchecked(this.head[bucket]);
  }

  @inline following(entry: i32): i32 {
    return unchecked(this.next[entry]);
  }

  @inline patternAt(entry: i32): i32 {
    return unchecked(this.pattern[entry]);
  }
}

export class KeyMatcher {
  private names: Pattern[] = [];
  private nameBuckets: Buckets = new Buckets();
  private paths: Pattern[] = [];
  private pathBuckets: Buckets = new Buckets();
  /** Paths ending in "*", per depth: they match whatever the last key is. */
  private wildcardPaths: i32[][] = [];
  /** Bit d: some path of depth d ends in "*" (most depths have none: no list to look at). */
  private wildcardDepths: u32 = 0;
  /** Longest path pattern, to skip path matching below it. */
  maxPathDepth: i32 = 0;

  constructor() {
    for (let d = 0; d <= MAX_PATH_DEPTH; d++) this.wildcardPaths.push([]);
  }

  get isEmpty(): bool {
    return this.names.length == 0 && this.paths.length == 0;
  }

  addName(name: string, caseInsensitive: bool, id: i32): void {
    const bytes = String.UTF8.encode(caseInsensitive ? name.toLowerCase() : name);
    const index = this.names.length;
    this.names.push(new Pattern(id, caseInsensitive, [bytes]));
    const len = <usize>bytes.byteLength;
    const first: u8 = len == 0 ? 0 : load<u8>(changetype<usize>(bytes));
    this.nameBuckets.add(bucketOf(0, len, first), index);
    // A case-insensitive name also lives in the bucket of its first letter's upper case.
    const upper = first & 0xDF;
    if (caseInsensitive && upper != first && isAsciiLetter(upper)) this.nameBuckets.add(bucketOf(0, len, upper), index);
  }

  /** Adds a dotted path; returns false if it is deeper than MAX_PATH_DEPTH. */
  addPath(path: string, id: i32): bool {
    const parts = path.split(".");
    const depth = parts.length;
    if (depth > MAX_PATH_DEPTH) return false;
    const segments = new Array<ArrayBuffer>();
    for (let i = 0; i < depth; i++) segments.push(String.UTF8.encode(parts[i]));
    const index = this.paths.length;
    this.paths.push(new Pattern(id, false, segments));
    const last = segments[depth - 1];
    const len = <usize>last.byteLength;
    if (isWildcard(last)) {
      this.wildcardPaths[depth].push(index);
      this.wildcardDepths |= 1 << depth;
    }
    else this.pathBuckets.add(bucketOf(depth, len, len == 0 ? 0 : load<u8>(changetype<usize>(last))), index);
    if (depth > this.maxPathDepth) this.maxPathDepth = depth;
    return true;
  }

  /** Id of the first name pattern equal to the key bytes [ptr, ptr+len), or NO_MATCH. */
  matchName(ptr: usize, len: usize): i32 {
    if (len == 0) return NO_MATCH;
    const buckets = this.nameBuckets;
    for (let entry = buckets.first(bucketOf(0, len, load<u8>(ptr))); entry >= 0; entry = buckets.following(entry)) {
      const pattern = unchecked(this.names[buckets.patternAt(entry)]);
      const bytes = unchecked(pattern.segments[0]);
      if (<usize>bytes.byteLength == len
        && (pattern.caseInsensitive ? equalsLowercase(ptr, changetype<usize>(bytes), len) : memory.compare(ptr, changetype<usize>(bytes), len) == 0)) {
        return pattern.id;
      }
    }
    return NO_MATCH;
  }

  /** Id of the first path pattern equal to the keys of `path` (depth 1..path.depth), or NO_MATCH. */
  matchPath(path: KeyPath): i32 {
    const depth = path.depth;
    if (depth > this.maxPathDepth || depth == 0) return NO_MATCH;
    const len = path.keyLen(depth);
    const first: u8 = len == 0 ? 0 : load<u8>(path.keyPtr(depth));
    // Earliest rule wins: compare the best of the bucket with the best wildcard path.
    let best = i32.MAX_VALUE;
    const buckets = this.pathBuckets;
    for (let entry = buckets.first(bucketOf(depth, len, first)); entry >= 0; entry = buckets.following(entry)) {
      const index = buckets.patternAt(entry);
      if (index < best && this.matchesAll(index, path, depth)) best = index;
    }
    if (this.wildcardDepths & (1 << depth)) {
      const wildcards = unchecked(this.wildcardPaths[depth]);
      for (let i = 0, n = wildcards.length; i < n; i++) {
        const index = unchecked(wildcards[i]);
        if (index < best && this.matchesAll(index, path, depth)) best = index;
      }
    }
    return best == i32.MAX_VALUE ? NO_MATCH : unchecked(this.paths[best]).id;
  }

  /**
   * Like matchPath, but PREFIX_MATCH when the keys are a strict prefix of some pattern (the
   * allow-list's way down to a listed path). Linear: only allow-list mode uses it.
   */
  matchPathOrPrefix(path: KeyPath): i32 {
    const exact = this.matchPath(path);
    if (exact != NO_MATCH) return exact;
    const depth = path.depth;
    for (let i = 0, n = this.paths.length; i < n; i++) {
      if (unchecked(this.paths[i]).segments.length > depth && this.matchesAll(i, path, depth)) return PREFIX_MATCH;
    }
    return NO_MATCH;
  }

  /** Whether the first `depth` segments of path pattern `index` match the keys of `path`. */
  private matchesAll(index: i32, path: KeyPath, depth: i32): bool {
    const segments = unchecked(this.paths[index]).segments;
    if (segments.length < depth) return false;
    for (let d = depth; d >= 1; d--) {
      const segment = unchecked(segments[d - 1]);
      if (isWildcard(segment)) continue;
      const len = <usize>segment.byteLength;
      if (path.keyLen(d) != len || memory.compare(path.keyPtr(d), changetype<usize>(segment), len) != 0) return false;
    }
    return true;
  }
}

@inline function isWildcard(segment: ArrayBuffer): bool {
  return segment.byteLength == 1 && load<u8>(changetype<usize>(segment)) == 0x2A;
}

@inline function bucketOf(depth: i32, len: usize, first: u8): i32 {
  return (((depth * 31 + <i32>len) * 31) + <i32>first) & (Buckets.SIZE - 1);
}
