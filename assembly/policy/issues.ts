// Problems found in a policy, each pointing at a line and column of the file.
import { JsonValue, Kind, describeOffset } from "./value";

export class Issues {
  messages: string[] = [];

  constructor(private ptr: usize, private len: usize) {}

  add(at: JsonValue | null, path: string, message: string): void {
    const where = at ? describeOffset(this.ptr, this.len, at.offset) + ": " : "";
    this.messages.push(where + path + ": " + message);
  }

  get ok(): bool {
    return this.messages.length == 0;
  }

  /** Reports members of `object` not in `allowed` (a typo must not silently disable a rule). */
  onlyKeys(object: JsonValue, path: string, allowed: string[]): void {
    for (let i = 0; i < object.keys.length; i++) {
      if (!allowed.includes(object.keys[i])) {
        this.add(object.items[i], path + "." + object.keys[i], "unknown setting (expected one of: " + allowed.join(", ") + ")");
      }
    }
  }

  /** `value` as an object, or null with an issue if it is something else. */
  object(value: JsonValue | null, path: string): JsonValue | null {
    if (value == null) return null;
    if (value.kind != Kind.Object) {
      this.add(value, path, "must be an object");
      return null;
    }
    return value;
  }

  string(value: JsonValue | null, path: string, fallback: string): string {
    if (value == null) return fallback;
    if (value.kind != Kind.String) {
      this.add(value, path, "must be a string");
      return fallback;
    }
    return value.text;
  }

  bool(value: JsonValue | null, path: string, fallback: bool): bool {
    if (value == null) return fallback;
    if (value.kind != Kind.Bool) {
      this.add(value, path, "must be true or false");
      return fallback;
    }
    return value.bool;
  }

  integer(value: JsonValue | null, path: string, fallback: i64, min: i64, max: i64): i64 {
    if (value == null) return fallback;
    const n = value.number;
    if (value.kind != Kind.Number || n != Math.floor(n) || n < <f64>min || n > <f64>max) {
      this.add(value, path, "must be a whole number from " + min.toString() + " to " + max.toString());
      return fallback;
    }
    return <i64>n;
  }

  /** One of `choices`, returned as its index (or `fallback`). */
  choice(value: JsonValue | null, path: string, choices: string[], fallback: i32): i32 {
    if (value == null) return fallback;
    const index = value.kind == Kind.String ? choices.indexOf(value.text) : -1;
    if (index < 0) {
      this.add(value, path, "must be one of: " + choices.join(", "));
      return fallback;
    }
    return index;
  }

  strings(value: JsonValue | null, path: string): string[] {
    const out = new Array<string>();
    if (value == null) return out;
    if (value.kind != Kind.Array) {
      this.add(value, path, "must be a list of strings");
      return out;
    }
    for (let i = 0; i < value.items.length; i++) {
      out.push(this.string(value.items[i], path + "[" + i.toString() + "]", ""));
    }
    return out;
  }
}
