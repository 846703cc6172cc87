// The paths audit rules look at, merged into one trie so a record is matched against all of
// them in a single pass (scan.ts copies it into flat tables). A path is dotted keys; `*` is
// any one key or array element, `**` any number of levels (none included), e.g.
// `requestObject.**.securityContext.privileged`. A key that contains dots is written in square
// brackets: `annotations[authorization.k8s.io/decision]`, `requestObject.metadata.labels[app.kubernetes.io/name]`.

export const MAX_SEGMENTS = 32;

export const enum Segment { Key, AnyOne, AnyDepth }

export class PathNode {
  /** Conditions to test on the values found at this node's path. */
  conditions: i32[] = [];
  /** Children by key (as text, and as the UTF-8 the scan compares), and the `*` and `**` children. */
  names: string[] = [];
  keys: ArrayBuffer[] = [];
  keyed: PathNode[] = [];
  anyOne: PathNode | null = null;
  anyDepth: PathNode | null = null;

  constructor(public id: i32, public kind: Segment) {}
}

export class PathTrie {
  /** By id; the root (id 0) stands for the record itself. */
  readonly nodes: PathNode[] = [new PathNode(0, Segment.Key)];

  /** The node at the end of `segments` (checked by pathPatternError), created as needed. */
  add(segments: string[]): PathNode {
    let node = this.nodes[0];
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
        const at = node.names.indexOf(segment);
        if (at >= 0) {
          node = node.keyed[at];
        } else {
          const next = this.newNode(Segment.Key);
          node.names.push(segment);
          node.keys.push(String.UTF8.encode(segment));
          node.keyed.push(next);
          node = next;
        }
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

/**
 * A path's keys: split at its dots, a key in square brackets taken whole (dots and all). Returns
 * what is wrong with its brackets, or "" (the keys themselves: pathPatternError).
 */
export function splitPath(path: string, out: string[]): string {
  out.length = 0;
  let key = "";
  let closed = false; // just after a bracketed key: a dot, another bracket or the end must follow
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c == 0x5B) { // [
      const end = path.indexOf("]", i + 1);
      if (end < 0) return "has a [ without its ]";
      if (key.length != 0) out.push(key);
      key = "";
      const whole = path.substring(i + 1, end);
      if (whole.length == 0) return "has an empty key in brackets";
      if (whole == "*" || whole == "**") return "has " + whole + " in brackets (a wildcard is written without them)";
      out.push(whole);
      closed = true;
      i = end;
    } else if (c == 0x2E) { // .
      if (!closed) out.push(key);
      key = "";
      closed = false;
    } else if (c == 0x5D) {
      return "has a ] without its [";
    } else {
      if (closed) return "needs a dot after a key in brackets";
      key += String.fromCharCode(c);
    }
  }
  if (!closed) out.push(key);
  return "";
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
