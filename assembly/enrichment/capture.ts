// Values other stages need from a record (its level, namespace, kind...), noted as byte
// spans while the redaction walk passes them, so nobody has to scan the record again.
import { Token } from "../json/reader";
import { KeyMatcher, NO_MATCH } from "../policy/keymatch";
import { KeyPath } from "../policy/keypath";

export class Captures {
  private readonly matcher: KeyMatcher = new KeyMatcher();
  private count: i32 = 0;
  private spans: StaticArray<u32> = new StaticArray<u32>(0);
  private generation: u32 = 1;
  private paths: string[] = [];

  /** Registers a dotted path (e.g. "kubernetes.namespace_name"); returns its slot, shared by all who ask. */
  register(path: string): i32 {
    const known = this.paths.indexOf(path);
    if (known >= 0) return known;
    const slot = this.count++;
    this.paths.push(path);
    this.matcher.addPath(path, slot);
    this.spans = new StaticArray<u32>(this.count * 4);
    return slot;
  }

  /** Forgets the previous record's values. */
  @inline reset(): void {
    this.generation++;
  }

  /** The slot of the member at `path`, or -1. */
  @inline slotFor(path: KeyPath): i32 {
    if (path.depth > this.matcher.maxPathDepth) return NO_MATCH;
    return this.matcher.matchPath(path);
  }

  @inline set(slot: i32, token: Token, start: usize, end: usize): void {
    const at = slot << 2;
    unchecked(this.spans[at] = this.generation);
    unchecked(this.spans[at + 1] = <u32>token);
    unchecked(this.spans[at + 2] = <u32>start);
    unchecked(this.spans[at + 3] = <u32>end);
  }

  /** Whether this record had a value at the slot's path (for objects and arrays: their first byte). */
  @inline has(slot: i32): bool {
    return slot >= 0 && slot < this.count && unchecked(this.spans[slot << 2]) == this.generation;
  }

  @inline token(slot: i32): Token {
    return <Token>unchecked(this.spans[(slot << 2) + 1]);
  }

  /** Span of the value token (strings include their quotes). */
  @inline start(slot: i32): usize {
    return <usize>unchecked(this.spans[(slot << 2) + 2]);
  }

  @inline end(slot: i32): usize {
    return <usize>unchecked(this.spans[(slot << 2) + 3]);
  }

  /** Whether this record had a string at the slot's path. */
  @inline hasString(slot: i32): bool {
    return this.has(slot) && this.token(slot) == Token.String;
  }

  /** Whether the captured string's raw content equals (or, with `prefix`, starts with) `bytes`. */
  textEquals(slot: i32, bytes: ArrayBuffer, prefix: bool): bool {
    if (!this.hasString(slot)) return false;
    const start = this.start(slot) + 1;
    const len = this.end(slot) - 1 - start;
    const want = <usize>bytes.byteLength;
    return (prefix ? len >= want : len == want) && memory.compare(start, changetype<usize>(bytes), want) == 0;
  }
}
