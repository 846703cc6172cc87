// The paths audit rules look at, merged into one trie so a record is matched against all of
// them in a single pass. A path is dotted keys; `*` is any one key or array element, `**` any
// number of levels (none included), e.g. `requestObject.**.securityContext.privileged`.

export const MAX_SEGMENTS = 32;

export const enum Segment { Key, AnyOne, AnyDepth }

export class PathNode {
  /** Conditions to test on the values found at this node's path. */
  conditions: i32[] = [];
  /** Children by key, and the `*` and `**` children. */
  keys: ArrayBuffer[] = [];
  keyed: PathNode[] = [];
  anyOne: PathNode | null = null;
  anyDepth: PathNode | null = null;

  constructor(public id: i32, public kind: Segment) {}

  /** The child matched by key bytes [p, p+len), or null. */
  @inline childByKey(p: usize, len: usize): PathNode | null {
    const keys = this.keys;
    for (let i = 0, n = keys.length; i < n; i++) {
      const key = unchecked(keys[i]);
      if (<usize>key.byteLength == len && memory.compare(p, changetype<usize>(key), len) == 0) return unchecked(this.keyed[i]);
    }
    return null;
  }
}

export class PathTrie {
  /** By id; the root (id 0) stands for the record itself. */
  readonly nodes: PathNode[] = [new PathNode(0, Segment.Key)];

  get root(): PathNode {
    return this.nodes[0];
  }

  /** The node at the end of `segments` (validated by parsePathPattern), created as needed. */
  add(segments: string[]): PathNode {
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (segment == "**") {
        let next = node.anyDepth;
        if (next == null) node.anyDepth = next = this.newNode(Segment.AnyDepth);
        node = next;
      } else if (segment == "*") {
        let next = node.anyOne;
        if (next == null) node.anyOne = next = this.newNode(Segment.AnyOne);
        node = next;
      } else {
        const bytes = String.UTF8.encode(segment);
        let next = node.childByKey(changetype<usize>(bytes), <usize>bytes.byteLength);
        if (next == null) {
          next = this.newNode(Segment.Key);
          node.keys.push(bytes);
          node.keyed.push(next);
        }
        node = next;
      }
    }
    return node;
  }

  private newNode(kind: Segment): PathNode {
    const node = new PathNode(this.nodes.length, kind);
    this.nodes.push(node);
    return node;
  }
}

/** What is wrong with a path pattern split at its dots, or "". */
export function pathPatternError(segments: string[]): string {
  if (segments.length > MAX_SEGMENTS) return "has more than " + MAX_SEGMENTS.toString() + " levels";
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.length == 0) return "has an empty key (a leading, trailing or doubled dot)";
    if (segment == "**") {
      if (i == segments.length - 1) return "must not end with ** (name the value to test)";
      if (i > 0 && segments[i - 1] == "**") return "must not repeat ** (one matches any number of levels)";
    } else if (segment.includes("*") && segment != "*") {
      return "uses * inside a key (a wildcard is a whole level: * or **)";
    }
  }
  return "";
}
