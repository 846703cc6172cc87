// One pass of the pull reader over a record, following every rule path at once: each open
// container keeps the set of trie nodes its path has reached (an NFA over the path trie), a
// member nobody looks at is skipped whole, and each value reached is tested against the
// conditions of its nodes. No DOM, no recursion, no allocation once the buffers have grown.
import { ByteBuffer } from "../../buffer";
import { decodeStringContent } from "../../json/decode";
import { JsonReader, MAX_DEPTH, STRING_ESCAPED, Token } from "../../json/reader";
import { Condition, ConditionSet, Op } from "./conditions";
import { PathNode, Segment } from "./paths";

const reader = new JsonReader();
const decodedKey = new ByteBuffer(256);
const decodedValue = new ByteBuffer(1024);

export class ConditionScan {
  /** Per condition, for the last record: a value was at its path / a value passed its test. */
  private readonly seen: StaticArray<u8>;
  private readonly passed: StaticArray<u8>;
  /** Per condition: span of the raw content of the first string at its path (Capture only). */
  private readonly captureStart: StaticArray<u32>;
  private readonly captureEnd: StaticArray<u32>;
  /** Node ids: the state lists of the open containers, stacked. */
  private states: StaticArray<i32> = new StaticArray<i32>(256);
  private readonly levelStart: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH + 2);
  private readonly levelCount: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH + 2);
  private readonly levelIsArray: StaticArray<bool> = new StaticArray<bool>(MAX_DEPTH + 2);
  private readonly nodes: PathNode[];
  private readonly conditions: Condition[];

  constructor(set: ConditionSet) {
    const count = set.conditions.length;
    this.conditions = set.conditions;
    this.nodes = set.paths.nodes;
    this.seen = new StaticArray<u8>(count);
    this.passed = new StaticArray<u8>(count);
    this.captureStart = new StaticArray<u32>(count);
    this.captureEnd = new StaticArray<u32>(count);
  }

  /** Whether condition `id` held for the last record scanned. */
  @inline holds(id: i32): bool {
    const op = unchecked(this.conditions[id]).op;
    if (op == Op.Absent) return unchecked(this.seen[id]) == 0;
    return op == Op.Exists ? unchecked(this.seen[id]) != 0 : unchecked(this.passed[id]) != 0;
  }

  /** The captured raw string content of condition `id` (len 0 if none). */
  @inline capturedStart(id: i32): usize {
    return <usize>unchecked(this.captureStart[id]);
  }

  @inline capturedEnd(id: i32): usize {
    return <usize>unchecked(this.captureEnd[id]);
  }

  /** Scans the JSON object [body, body+len); conditions on a malformed tail simply stay unmet. */
  scan(body: usize, len: usize): void {
    const count = this.conditions.length;
    memory.fill(changetype<usize>(this.seen), 0, count);
    memory.fill(changetype<usize>(this.passed), 0, count);
    memory.fill(changetype<usize>(this.captureEnd), 0, <usize>count << 2);
    memory.fill(changetype<usize>(this.captureStart), 0, <usize>count << 2);
    reader.reset(body, len);
    if (reader.next() != Token.ObjectStart) return;
    let depth = 0;
    unchecked(this.levelStart[0] = 0);
    unchecked(this.levelCount[0] = this.addWithClosure(0, 0, unchecked(this.nodes[0])));
    unchecked(this.levelIsArray[0] = false);
    while (true) {
      let token = reader.next();
      let valueStart: i32;
      let valueCount: i32;
      const top = this.topEnd(depth);
      if (token == Token.Key) {
        valueStart = top;
        valueCount = this.stepByKey(depth, top);
        if (valueCount == 0) {
          if (!reader.skipValue()) return;
          continue;
        }
        token = reader.next();
      } else if (token == Token.ObjectEnd || token == Token.ArrayEnd) {
        if (--depth < 0) return;
        continue;
      } else if (unchecked(this.levelIsArray[depth])) {
        valueStart = unchecked(this.levelStart[depth]); // an element: the array's element states
        valueCount = unchecked(this.levelCount[depth]);
      } else {
        return; // Token.Error or Token.End
      }
      if (token == Token.Error || token == Token.End) return;
      this.observe(token, valueStart, valueCount);
      if (token == Token.ObjectStart || token == Token.ArrayStart) {
        let start = valueStart;
        let count = valueCount;
        if (token == Token.ArrayStart) {
          start = valueStart + valueCount;
          count = this.stepAny(valueStart, valueCount, start);
          if (count == 0) {
            if (!skipRest()) return;
            continue;
          }
        }
        depth++;
        unchecked(this.levelStart[depth] = start);
        unchecked(this.levelCount[depth] = count);
        unchecked(this.levelIsArray[depth] = token == Token.ArrayStart);
      }
    }
  }

  @inline private topEnd(depth: i32): i32 {
    return unchecked(this.levelStart[depth]) + unchecked(this.levelCount[depth]);
  }

  /** Marks the conditions of the nodes [start, start+count) for a value starting with `token`. */
  private observe(token: Token, start: i32, count: i32): void {
    const scalar = token >= Token.String && token <= Token.Null;
    let p = reader.start;
    let len = reader.end - reader.start;
    if (token == Token.String) {
      p++;
      len -= 2;
      if (reader.flags & STRING_ESCAPED) {
        decodedValue.reset();
        decodeStringContent(decodedValue, p, len);
        p = decodedValue.ptr;
        len = decodedValue.len;
      }
    }
    for (let i = start, end = start + count; i < end; i++) {
      const ids = unchecked(this.nodes[unchecked(this.states[i])]).conditions;
      for (let k = 0, n = ids.length; k < n; k++) {
        const id = unchecked(ids[k]);
        unchecked(this.seen[id] = 1);
        if (!scalar) continue;
        const condition = unchecked(this.conditions[id]);
        if (condition.op == Op.Capture) {
          if (token == Token.String && unchecked(this.captureEnd[id]) == 0) {
            unchecked(this.captureStart[id] = <u32>(reader.start + 1));
            unchecked(this.captureEnd[id] = <u32>(reader.end - 1));
          }
        } else if (unchecked(this.passed[id]) == 0 && condition.test(token, p, len)) {
          unchecked(this.passed[id] = 1);
        }
      }
    }
  }

  /** The states reached from the object at `depth` through the current key, written at `out`. */
  private stepByKey(depth: i32, out: i32): i32 {
    let p = reader.start + 1;
    let len = reader.end - reader.start - 2;
    if (reader.flags & STRING_ESCAPED) {
      decodedKey.reset();
      decodeStringContent(decodedKey, p, len);
      p = decodedKey.ptr;
      len = decodedKey.len;
    }
    const from = unchecked(this.levelStart[depth]);
    const to = from + unchecked(this.levelCount[depth]);
    let count = 0;
    for (let i = from; i < to; i++) {
      const node = unchecked(this.nodes[unchecked(this.states[i])]);
      if (node.kind == Segment.AnyDepth) count = this.add(out, count, node); // ** takes this key too
      const keyed = node.childByKey(p, len);
      if (keyed != null) count = this.addWithClosure(out, count, keyed);
      const anyOne = node.anyOne;
      if (anyOne != null) count = this.addWithClosure(out, count, anyOne);
    }
    return count;
  }

  /** The states an element of an array reaches (only wildcards match an index), written at `out`. */
  private stepAny(from: i32, count: i32, out: i32): i32 {
    let added = 0;
    for (let i = from, to = from + count; i < to; i++) {
      const node = unchecked(this.nodes[unchecked(this.states[i])]);
      if (node.kind == Segment.AnyDepth) added = this.add(out, added, node);
      const anyOne = node.anyOne;
      if (anyOne != null) added = this.addWithClosure(out, added, anyOne);
    }
    return added;
  }

  /** Adds `node` and, since `**` may match no level at all, its `**` child. */
  private addWithClosure(out: i32, count: i32, node: PathNode): i32 {
    count = this.add(out, count, node);
    const deep = node.anyDepth;
    return deep != null ? this.add(out, count, deep) : count;
  }

  /** Appends a node id to the list at `out` of `count` ids unless it is there; returns the count. */
  private add(out: i32, count: i32, node: PathNode): i32 {
    const id = node.id;
    for (let i = out, end = out + count; i < end; i++) if (unchecked(this.states[i]) == id) return count;
    const at = out + count;
    if (at >= this.states.length) this.grow(at + 1);
    unchecked(this.states[at] = id);
    return count + 1;
  }

  /** Grows the state stack (rare: deep records under a `**` path); never shrinks. */
  private grow(need: i32): void {
    let size = this.states.length << 1;
    if (size < need) size = need;
    const bigger = new StaticArray<i32>(size);
    memory.copy(changetype<usize>(bigger), changetype<usize>(this.states), <usize>this.states.length << 2);
    this.states = bigger;
  }
}

/** Skips to the end of the container just opened. */
function skipRest(): bool {
  const depth = reader.depth - 1;
  while (reader.depth > depth) {
    const token = reader.next();
    if (token == Token.Error || token == Token.End) return false;
  }
  return true;
}
