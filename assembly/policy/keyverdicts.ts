// What the key matchers said about the key paths of earlier records: records from one source carry
// the same few paths, so the walk looks a path up here (a hash of one key, a comparison of its
// bytes) instead of matching it against every rule again.
//
// A path is a node: its parent's node (ROOT for the record's own keys) and its last key's bytes,
// so that a path is known when its parent is and its key matches. The table and the key bytes are
// fixed buffers: when they fill up, paths are no longer added, and the next record starts afresh.
// Nothing is allocated per record; the verdicts are those of the matchers, computed once per path.

const NODES: i32 = 512; // a power of two
const MAX_NODES: i32 = NODES * 3 / 4;
const KEY_BYTES: u32 = 8192;
/**
 * Slots a lookup tries before it gives up: the keys are the log's, so an attacker can make many of
 * them hash alike (same length, same first and last bytes); without a bound one record's lookups
 * would cost the square of its keys. A key not found within this many slots is matched as before.
 */
const MAX_PROBES: i32 = 8;
/** Deepest path kept: deeper keys are matched every time. */
const MAX_CACHED_DEPTH: i32 = 32;
const NODE: usize = 24; // parent, key length, key offset in `keys`, key rule id, capture slot, what the name says (`named`)
/** A free node's parent (the table is cleared to 0xFF bytes); also "this path is not kept". */
const NONE: i32 = -1;
/** The parent of the record's own keys. */
const ROOT: i32 = NODES;
/** In `named`: the member's name is a secret's to the pair detector. */
export const SECRET_NAME: u32 = 1;

export class KeyVerdicts {
  /** Verdicts of the member last looked up: its key rule id and its capture slot (-1: none), and
   * what its name says to the walk: SECRET_NAME when it is a secret's to the pair detector (its
   * value then asked about as a pair's), or'd with its part in a name/value object (memberRole). */
  keyRule: i32 = -1;
  captureSlot: i32 = -1;
  named: u32 = 0;

  private readonly nodes: ArrayBuffer = new ArrayBuffer(<i32>(<usize>NODES * NODE));
  private readonly keys: ArrayBuffer = new ArrayBuffer(<i32>KEY_BYTES);
  /** Node of the current path's key at each depth (index 0: ROOT). */
  private readonly pathNodes: StaticArray<i32> = new StaticArray<i32>(MAX_CACHED_DEPTH + 1);
  private count: i32 = 0;
  private used: u32 = 0;
  /** Where `remember` puts the path `recall` did not find (NONE: nowhere). */
  private vacant: i32 = NONE;
  private vacantDepth: i32 = 0;

  constructor() {
    this.clear();
  }

  /** Starts a record; a table that has filled up starts afresh (between records, never within one). */
  @inline begin(): void {
    if (this.count >= MAX_NODES || this.used > KEY_BYTES / 2) this.clear();
  }

  /**
   * Looks up the path whose last key, at object depth `depth`, is [key, key + len): true, with its
   * verdicts set, when it is known; false when its verdicts must be matched and `remember`ed.
   */
  recall(depth: i32, key: usize, len: usize): bool {
    this.vacant = NONE;
    if (depth > MAX_CACHED_DEPTH) return false;
    const parent = unchecked(this.pathNodes[depth - 1]);
    let at = NONE;
    if (parent != NONE) {
      const wanted = (<u64>len << 32) | <u64><u32>parent; // a node's parent and key length, as one word
      const nodes = changetype<usize>(this.nodes), keys = changetype<usize>(this.keys);
      for (let i = hashOf(parent, key, len), probes = 0; probes < MAX_PROBES; i = (i + 1) & (NODES - 1), probes++) {
        const node = nodes + <usize>i * NODE;
        const head = load<u64>(node);
        if (head == wanted && sameBytes(keys + <usize>load<u32>(node, 8), key, len)) {
          this.keyRule = load<i32>(node, 12);
          this.captureSlot = load<i32>(node, 16);
          this.named = load<u32>(node, 20);
          at = i;
          break;
        }
        if (<i32>head == NONE) {
          this.vacant = i;
          this.vacantDepth = depth;
          break;
        }
      }
    }
    unchecked(this.pathNodes[depth] = at);
    return at != NONE;
  }

  /** Sets the verdicts of the path `recall` did not find, and keeps them if there is room. */
  remember(key: usize, len: usize, keyRule: i32, captureSlot: i32, named: u32): void {
    this.keyRule = keyRule;
    this.captureSlot = captureSlot;
    this.named = named;
    const at = this.vacant;
    if (at == NONE || this.count >= MAX_NODES || <usize>this.used + len > <usize>KEY_BYTES) return;
    const depth = this.vacantDepth;
    const node = this.node(at);
    store<i32>(node, unchecked(this.pathNodes[depth - 1]));
    store<u32>(node, <u32>len, 4);
    store<u32>(node, this.used, 8);
    store<i32>(node, keyRule, 12);
    store<i32>(node, captureSlot, 16);
    store<u32>(node, named, 20);
    memory.copy(changetype<usize>(this.keys) + <usize>this.used, key, len);
    this.used += <u32>len;
    this.count++;
    unchecked(this.pathNodes[depth] = at);
  }

  private clear(): void {
    memory.fill(changetype<usize>(this.nodes), 0xFF, <usize>NODES * NODE); // every parent NONE
    unchecked(this.pathNodes[0] = ROOT);
    this.count = 0;
    this.used = 0;
  }

  @inline private node(at: i32): usize {
    return changetype<usize>(this.nodes) + <usize>at * NODE;
  }
}

/** The table slot to start looking for (parent, key) at: from the key's length and its first and last bytes. */
@inline function hashOf(parent: i32, key: usize, len: usize): i32 {
  let bytes: u32 = 0;
  if (len >= 4) bytes = load<u32>(key) ^ rotl<u32>(load<u32>(key + len - 4), 16);
  else if (len != 0) bytes = <u32>load<u8>(key) | (<u32>load<u8>(key + len - 1) << 8);
  let h = (bytes ^ (<u32>len << 24)) * 0x9E3779B1 + <u32>parent * 0x85EBCA77;
  h ^= h >> 15;
  return <i32>(h & <u32>(NODES - 1));
}

/** Whether the `len` bytes at `a` and at `b` are equal; eight at a time, never reading past either. */
function sameBytes(a: usize, b: usize, len: usize): bool {
  for (; len >= 8; len -= 8, a += 8, b += 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
  }
  if (len >= 4) {
    if (load<u32>(a) != load<u32>(b)) return false;
    len -= 4;
    a += 4;
    b += 4;
  }
  if (len >= 2) {
    if (load<u16>(a) != load<u16>(b)) return false;
    len -= 2;
    a += 2;
    b += 2;
  }
  return len == 0 || load<u8>(a) == load<u8>(b);
}
