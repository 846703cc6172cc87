// One pass of the pull reader over a record, following every rule path at once: each open
// container keeps the set of trie nodes its path has reached (an NFA over the path trie), a
// member nobody looks at is skipped whole, and each value reached is tested against the
// conditions of its nodes. No DOM, no recursion, no allocation once the buffers have grown.
// The trie is copied into flat tables first: in WAMR's interpreter every call and object
// field on the way to a child key costs dispatches.
import { ByteBuffer } from "../../buffer";
import { decodeStringContent } from "../../json/decode";
import { JsonReader, MAX_DEPTH, STRING_ESCAPED, Token } from "../../json/reader";
import { SpanList } from "../../redaction/spans";
import { findSecrets, RuleSet } from "../../redaction/detectors/index";
import { Kind } from "../../redaction/detectors/rules";
import { Condition, ConditionSet, Op } from "./conditions";
import { PathNode, Segment } from "./paths";

const reader = new JsonReader();
const decodedKey = new ByteBuffer(256);
const decodedValue = new ByteBuffer(1024);
const NONE: i32 = -1;
/** The built-in rules that find credentials (not personal data: cards, e-mails, addresses...). */
const CREDENTIALS = credentialRules();

function credentialRules(): RuleSet {
  const rules = new RuleSet();
  rules.setKind(Kind.Credential);
  return rules.finish();
}
const found = new SpanList(4);

export class ConditionScan {
  private readonly conditions: StaticArray<Condition>;
  private readonly ops: StaticArray<u8>;
  /** Per condition, for the last record: a value was at its path / a value passed its test. */
  private readonly seen: StaticArray<u8>;
  private readonly passed: StaticArray<u8>;
  /**
   * Per condition: span of the first value at its path (strings: their raw content). Captures
   * keep it for the caller; deferred conditions (a path that names one value) are tested on it
   * only when a rule asks, once per record: most rules fail on their first, cheap condition.
   */
  private readonly captureStart: StaticArray<u32>;
  private readonly captureEnd: StaticArray<u32>;
  private readonly valueToken: StaticArray<u8>;
  private readonly valueEscaped: StaticArray<u8>;
  private readonly deferred: StaticArray<bool>;
  private readonly evaluated: StaticArray<u8>;

  // The trie, by node id: kind, `*` and `**` children, a bit per child key length (% 32),
  // children [childStart[n], childStart[n+1]) and condition ids [condStart[n], condStart[n+1]).
  private readonly isAnyDepth: StaticArray<bool>;
  private readonly anyOne: StaticArray<i32>;
  private readonly anyDepth: StaticArray<i32>;
  private readonly keyLengths: StaticArray<u32>;
  private readonly childStart: StaticArray<i32>;
  private readonly childKey: StaticArray<usize>;
  private readonly childKeyLen: StaticArray<u32>;
  private readonly childNode: StaticArray<i32>;
  private readonly condStart: StaticArray<i32>;
  private readonly condIds: StaticArray<i32>;
  /** Nodes with a Credential condition: an object there is tested as its JSON text when it closes. */
  private readonly credentialNode: StaticArray<bool>;

  /** Node ids: the state lists of the open containers, stacked. */
  private states: StaticArray<i32> = new StaticArray<i32>(256);
  private readonly levelStart: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH + 2);
  private readonly levelCount: StaticArray<i32> = new StaticArray<i32>(MAX_DEPTH + 2);
  private readonly levelIsArray: StaticArray<bool> = new StaticArray<bool>(MAX_DEPTH + 2);
  /** Where an object opened whose JSON text a Credential condition tests (0: none). */
  private readonly levelCredentialAt: StaticArray<usize> = new StaticArray<usize>(MAX_DEPTH + 2);

  constructor(set: ConditionSet) {
    const count = set.conditions.length;
    const ops = new StaticArray<u8>(count);
    const deferred = new StaticArray<bool>(count);
    for (let i = 0; i < count; i++) {
      const condition = set.conditions[i];
      ops[i] = <u8>condition.op;
      deferred[i] = condition.single && isDeferrable(condition.op);
    }
    const nodes = set.paths.nodes;
    const n = nodes.length;
    let children = 0;
    let conditions = 0;
    for (let i = 0; i < n; i++) {
      children += nodes[i].keys.length;
      conditions += nodes[i].conditions.length;
    }
    const isAnyDepth = new StaticArray<bool>(n);
    const anyOne = new StaticArray<i32>(n);
    const anyDepth = new StaticArray<i32>(n);
    const keyLengths = new StaticArray<u32>(n);
    const childStart = new StaticArray<i32>(n + 1);
    const childKey = new StaticArray<usize>(children);
    const childKeyLen = new StaticArray<u32>(children);
    const childNode = new StaticArray<i32>(children);
    const condStart = new StaticArray<i32>(n + 1);
    const condIds = new StaticArray<i32>(conditions);
    const credentialNode = new StaticArray<bool>(n);
    children = 0;
    conditions = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      isAnyDepth[i] = node.kind == Segment.AnyDepth;
      anyOne[i] = idOf(node.anyOne);
      anyDepth[i] = idOf(node.anyDepth);
      childStart[i] = children;
      for (let k = 0; k < node.keys.length; k++) {
        const key = node.keys[k]; // kept alive by the trie, which the rules hold
        childKey[children] = changetype<usize>(key);
        childKeyLen[children] = <u32>key.byteLength;
        childNode[children++] = node.keyed[k].id;
        keyLengths[i] |= 1 << (<u32>key.byteLength & 31);
      }
      condStart[i] = conditions;
      for (let k = 0; k < node.conditions.length; k++) {
        const id = node.conditions[k];
        condIds[conditions++] = id;
        if (set.conditions[id].op == Op.Credential) credentialNode[i] = true;
      }
    }
    childStart[n] = children;
    condStart[n] = conditions;

    this.conditions = StaticArray.fromArray<Condition>(set.conditions);
    this.ops = ops;
    this.seen = new StaticArray<u8>(count);
    this.passed = new StaticArray<u8>(count);
    this.captureStart = new StaticArray<u32>(count);
    this.captureEnd = new StaticArray<u32>(count);
    this.valueToken = new StaticArray<u8>(count);
    this.valueEscaped = new StaticArray<u8>(count);
    this.deferred = deferred;
    this.evaluated = new StaticArray<u8>(count);
    this.isAnyDepth = isAnyDepth;
    this.anyOne = anyOne;
    this.anyDepth = anyDepth;
    this.keyLengths = keyLengths;
    this.childStart = childStart;
    this.childKey = childKey;
    this.childKeyLen = childKeyLen;
    this.childNode = childNode;
    this.condStart = condStart;
    this.condIds = condIds;
    this.credentialNode = credentialNode;
  }

  /** Whether condition `id` held for the last record scanned. */
  @inline holds(id: i32): bool {
    if (unchecked(this.deferred[id]) && unchecked(this.evaluated[id]) == 0) this.evaluate(id);
    const op = <Op>unchecked(this.ops[id]);
    if (op == Op.Absent) return unchecked(this.seen[id]) == 0;
    if (op == Op.Exists) return unchecked(this.seen[id]) != 0;
    // OnlyPrefix: `passed` marks a value that broke it; it holds when values came and none did.
    if (op == Op.OnlyPrefix) return unchecked(this.seen[id]) != 0 && unchecked(this.passed[id]) == 0;
    return unchecked(this.passed[id]) != 0;
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
    const count = <usize>this.ops.length;
    memory.fill(changetype<usize>(this.seen), 0, count);
    memory.fill(changetype<usize>(this.passed), 0, count);
    memory.fill(changetype<usize>(this.captureEnd), 0, count << 2);
    memory.fill(changetype<usize>(this.captureStart), 0, count << 2);
    memory.fill(changetype<usize>(this.evaluated), 0, count);
    reader.reset(body, len);
    if (reader.next() != Token.ObjectStart) return;
    let depth = 0;
    unchecked(this.levelStart[0] = 0);
    unchecked(this.levelCount[0] = this.addWithClosure(0, 0, 0)); // the root
    unchecked(this.levelIsArray[0] = false);
    unchecked(this.levelCredentialAt[0] = 0);
    while (true) {
      let token = reader.next();
      let valueStart: i32;
      let valueCount: i32;
      if (token == Token.Key) {
        valueStart = unchecked(this.levelStart[depth]) + unchecked(this.levelCount[depth]);
        valueCount = this.stepByKey(depth, valueStart);
        if (valueCount == 0) {
          if (!reader.skipValue()) return;
          continue;
        }
        token = reader.next();
      } else if (token == Token.ObjectEnd || token == Token.ArrayEnd) {
        const openedAt = unchecked(this.levelCredentialAt[depth]);
        if (openedAt != 0) this.credentialsIn(depth, openedAt, reader.end);
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
        unchecked(this.levelCredentialAt[depth] = token == Token.ObjectStart && this.anyCredentialNode(start, count) ? reader.start : 0);
      }
    }
  }

  /** Marks the conditions of the nodes [start, start+count) for a value starting with `token`. */
  private observe(token: Token, start: i32, count: i32): void {
    const scalar = token >= Token.String && token <= Token.Null;
    let p: usize = 0;
    let len: usize = 0;
    let decoded = false;
    for (let i = start, end = start + count; i < end; i++) {
      const node = unchecked(this.states[i]);
      for (let k = unchecked(this.condStart[node]), last = unchecked(this.condStart[node + 1]); k < last; k++) {
        const id = unchecked(this.condIds[k]);
        unchecked(this.seen[id] = 1);
        if (unchecked(this.deferred[id])) {
          if (unchecked(this.captureEnd[id]) == 0) this.keep(id, token);
          continue;
        }
        if (unchecked(this.passed[id]) != 0) continue;
        const op = <Op>unchecked(this.ops[id]);
        if (!scalar) {
          if (op == Op.OnlyPrefix) unchecked(this.passed[id] = 1); // not a string: not one of the prefixes
          continue;
        }
        if (op == Op.Capture) {
          if (token == Token.String && unchecked(this.captureEnd[id]) == 0) {
            unchecked(this.captureStart[id] = <u32>(reader.start + 1));
            unchecked(this.captureEnd[id] = <u32>(reader.end - 1));
          }
          continue;
        }
        if (op == Op.Credential) {
          // The raw content, escapes as written: what the detectors read in the redaction walk.
          if (token == Token.String && hasCredential(reader.start + 1, reader.end - 1)) unchecked(this.passed[id] = 1);
          continue;
        }
        if (!decoded) {
          decoded = true;
          p = reader.start;
          len = reader.end - reader.start;
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
        }
        if (unchecked(this.conditions[id]).test(token, p, len) != (op == Op.OnlyPrefix)) unchecked(this.passed[id] = 1);
      }
    }
  }

  /** Notes the first value at a deferred condition's path (the reader is on it). */
  private keep(id: i32, token: Token): void {
    unchecked(this.valueToken[id] = <u8>token);
    if (token == Token.String) {
      unchecked(this.captureStart[id] = <u32>(reader.start + 1));
      unchecked(this.captureEnd[id] = <u32>(reader.end - 1));
      unchecked(this.valueEscaped[id] = (reader.flags & STRING_ESCAPED) != 0 ? 1 : 0);
    } else if (token == Token.ObjectStart || token == Token.ArrayStart) {
      // Only a Credential test reads a container (its JSON text, span completed when it closes).
      unchecked(this.captureStart[id] = <u32>reader.start);
      unchecked(this.captureEnd[id] = <u32>(reader.start + 1));
    } else {
      unchecked(this.captureStart[id] = <u32>reader.start);
      unchecked(this.captureEnd[id] = <u32>reader.end);
    }
  }

  /** Tests a deferred condition on the first value its path had (none: it does not pass). */
  private evaluate(id: i32): void {
    unchecked(this.evaluated[id] = 1);
    const end = <usize>unchecked(this.captureEnd[id]);
    if (end == 0) return;
    let p = <usize>unchecked(this.captureStart[id]);
    const token = <Token>unchecked(this.valueToken[id]);
    if (<Op>unchecked(this.ops[id]) == Op.Credential) {
      // Strings as written (escapes and all: what the redaction walk's detectors read), objects as their JSON text.
      const text = token == Token.String || (token == Token.ObjectStart && end - p > 1);
      if (text && hasCredential(p, end)) unchecked(this.passed[id] = 1);
      return;
    }
    let len = end - p;
    if (token == Token.String && unchecked(this.valueEscaped[id]) != 0) {
      decodedValue.reset();
      decodeStringContent(decodedValue, p, len);
      p = decodedValue.ptr;
      len = decodedValue.len;
    }
    if (unchecked(this.conditions[id]).test(token, p, len)) unchecked(this.passed[id] = 1);
  }

  /** Whether one of the nodes [start, start+count) tests an object's JSON text for credentials. */
  private anyCredentialNode(start: i32, count: i32): bool {
    for (let i = start, end = start + count; i < end; i++) if (unchecked(this.credentialNode[unchecked(this.states[i])])) return true;
    return false;
  }

  /** Tests the Credential conditions of the object at `depth`, whose JSON text is [from, to). */
  private credentialsIn(depth: i32, from: usize, to: usize): void {
    let tested = false;
    let holds = false;
    for (let i = unchecked(this.levelStart[depth]), end = i + unchecked(this.levelCount[depth]); i < end; i++) {
      const node = unchecked(this.states[i]);
      for (let k = unchecked(this.condStart[node]), last = unchecked(this.condStart[node + 1]); k < last; k++) {
        const id = unchecked(this.condIds[k]);
        if (<Op>unchecked(this.ops[id]) != Op.Credential) continue;
        if (unchecked(this.deferred[id])) {
          // Its first value, this object's JSON text, tested when a rule asks.
          if (unchecked(this.valueToken[id]) == <u8>Token.ObjectStart && unchecked(this.captureStart[id]) == <u32>from) {
            unchecked(this.captureEnd[id] = <u32>to);
          }
          continue;
        }
        if (!tested) {
          tested = true;
          holds = hasCredential(from, to);
        }
        if (holds) unchecked(this.passed[id] = 1);
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
      const node = unchecked(this.states[i]);
      if (unchecked(this.isAnyDepth[node])) count = this.add(out, count, node); // ** takes this key too
      const keyed = this.childByKey(node, p, len);
      if (keyed != NONE) count = this.addWithClosure(out, count, keyed);
      const anyOne = unchecked(this.anyOne[node]);
      if (anyOne != NONE) count = this.addWithClosure(out, count, anyOne);
    }
    return count;
  }

  /** The child of `node` named by key bytes [p, p+len), or NONE. */
  @inline private childByKey(node: i32, p: usize, len: usize): i32 {
    if (len == 0 || ((unchecked(this.keyLengths[node]) >>> (<u32>len & 31)) & 1) == 0) return NONE;
    const first = load<u8>(p);
    for (let c = unchecked(this.childStart[node]), last = unchecked(this.childStart[node + 1]); c < last; c++) {
      const key = unchecked(this.childKey[c]);
      if (<usize>unchecked(this.childKeyLen[c]) == len && load<u8>(key) == first && memory.compare(p, key, len) == 0) {
        return unchecked(this.childNode[c]);
      }
    }
    return NONE;
  }

  /** The states an element of an array reaches (only wildcards match an index), written at `out`. */
  private stepAny(from: i32, count: i32, out: i32): i32 {
    let added = 0;
    for (let i = from, to = from + count; i < to; i++) {
      const node = unchecked(this.states[i]);
      if (unchecked(this.isAnyDepth[node])) added = this.add(out, added, node);
      const anyOne = unchecked(this.anyOne[node]);
      if (anyOne != NONE) added = this.addWithClosure(out, added, anyOne);
    }
    return added;
  }

  /** Adds `node` and, since `**` may match no level at all, its `**` child. */
  private addWithClosure(out: i32, count: i32, node: i32): i32 {
    count = this.add(out, count, node);
    const deep = unchecked(this.anyDepth[node]);
    return deep != NONE ? this.add(out, count, deep) : count;
  }

  /** Appends a node id to the list at `out` of `count` ids unless it is there; returns the count. */
  private add(out: i32, count: i32, node: i32): i32 {
    for (let i = out, end = out + count; i < end; i++) if (unchecked(this.states[i]) == node) return count;
    const at = out + count;
    if (at >= this.states.length) this.grow(at + 1);
    unchecked(this.states[at] = node);
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

/** Tests worth putting off until a rule asks (on a path that names one value). */
function isDeferrable(op: Op): bool {
  return op == Op.Equals || op == Op.NotEquals || op == Op.Prefix || op == Op.NotPrefix || op == Op.Contains
    || op == Op.NotContains || op == Op.Range || op == Op.Credential;
}

/** Whether logseal's credential detectors find something in [p, end) (string content or JSON text). */
function hasCredential(p: usize, end: usize): bool {
  findSecrets(p, end - p, CREDENTIALS, found);
  return found.count != 0;
}

function idOf(node: PathNode | null): i32 {
  return node != null ? node.id : NONE;
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
