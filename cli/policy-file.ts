// Policies may be written in JSON or YAML; the module reads JSON. YAML is converted here,
// and positions in the module's messages are mapped back to the YAML source.
import { readInput } from "./util.ts";
import { LineCounter, parseDocument, isNode } from "yaml";

export interface PolicySource {
  /** JSON text the module reads. */
  json: string;
  /** Rewrites a module message ("line L, column C: path: ...") to point into the original file. */
  locate(message: string): string;
}

export function readPolicy(path: string): PolicySource {
  const text = readInput(path, "policy").toString("utf8");
  if (!/\.ya?ml$/i.test(path)) return { json: text, locate: (message) => message };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const pos = error.linePos?.[0];
    throw new Error(`${path}: ${pos ? `line ${pos.line}, column ${pos.col}: ` : ""}${error.message}`);
  }
  return {
    json: JSON.stringify(doc.toJS(), null, 2),
    locate(message) {
      const match = /^line \d+, column \d+: ([^:]+): (.*)$/s.exec(message);
      if (!match) return message;
      const node = doc.getIn(parsePath(match[1]), true);
      if (!isNode(node) || !node.range) return message;
      const pos = lineCounter.linePos(node.range[0]);
      return `line ${pos.line}, column ${pos.col}: ${match[1]}: ${match[2]}`;
    },
  };
}

/** "redact.keys[2].action" -> ["redact", "keys", 2, "action"] */
function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const segment of path.split(".")) {
    const [name, ...indexes] = segment.split("[");
    if (name && name !== "policy") parts.push(name);
    for (const index of indexes) parts.push(Number(index.replace("]", "")));
  }
  return parts;
}
