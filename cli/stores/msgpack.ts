// out_http `format msgpack`: the body is Fluent Bit's chunk itself, events back to back, each
// `[[time, metadata], record]` (or `[time, record]`), time as the EventTime extension (seconds and
// nanoseconds). The record is written as JSON text the way Fluent Bit prints it (integers digit for
// digit, doubles as numbers, strings as UTF-8 with invalid bytes replaced), so the seal's canonical
// form applies unchanged; the time is checked to the nanosecond; metadata is not covered.
import { type StoreFile, parseRecord } from "./reading.ts";
import { decodeUtf8 } from "../utf8.ts";

/** Whether bytes start like a Fluent Bit chunk: an array of two whose first item is a time or `[time, metadata]`. */
export function looksLikeMsgpack(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x92 && (bytes[1] === 0x92 || bytes[1] === 0xd7 || bytes[1] === 0xce || bytes[1] === 0xcb);
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Buffer) {}

  private take(n: number): Buffer {
    if (this.pos + n > this.bytes.length) throw new Error("msgpack cut short");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The next value as JSON text, or as a time when it is the EventTime extension. */
  value(depth = 0): string | { time: string } {
    if (depth > 512) throw new Error("msgpack nested too deep");
    const b = this.take(1)[0];
    const str = (n: number) => JSON.stringify(decodeUtf8(this.take(n)));
    const arr = (n: number) => "[" + Array.from({ length: n }, () => this.json(depth + 1)).join(",") + "]";
    const map = (n: number) => "{" + Array.from({ length: n }, () => `${this.key(depth + 1)}:${this.json(depth + 1)}`).join(",") + "}";
    if (b <= 0x7f) return String(b);
    if (b >= 0xe0) return String(b - 0x100);
    if ((b & 0xf0) === 0x80) return map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return arr(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
    const view = () => new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos);
    const u8 = () => this.take(1)[0];
    const u16 = () => { const v = view().getUint16(0); this.pos += 2; return v; };
    const u32 = () => { const v = view().getUint32(0); this.pos += 4; return v; };
    switch (b) {
      case 0xc0: return "null";
      case 0xc2: return "false";
      case 0xc3: return "true";
      case 0xc4: case 0xd9: return str(u8());
      case 0xc5: case 0xda: return str(u16());
      case 0xc6: case 0xdb: return str(u32());
      case 0xca: { const v = view().getFloat32(0); this.pos += 4; return double(v); }
      case 0xcb: { const v = view().getFloat64(0); this.pos += 8; return double(v); }
      case 0xcc: return String(u8());
      case 0xcd: return String(u16());
      case 0xce: return String(u32());
      case 0xcf: { const v = view().getBigUint64(0); this.pos += 8; return v.toString(); }
      case 0xd0: { const v = view().getInt8(0); this.pos += 1; return String(v); }
      case 0xd1: { const v = view().getInt16(0); this.pos += 2; return String(v); }
      case 0xd2: { const v = view().getInt32(0); this.pos += 4; return String(v); }
      case 0xd3: { const v = view().getBigInt64(0); this.pos += 8; return v.toString(); }
      case 0xd7: {
        // fixext 8: type 0 is Fluent Bit's EventTime (seconds, nanoseconds)
        const type = u8();
        const seconds = u32(), nanos = u32();
        if (type !== 0) throw new Error(`msgpack extension type ${type}`);
        return { time: `${seconds}.${String(nanos).padStart(9, "0")}` };
      }
      case 0xdc: return arr(u16());
      case 0xdd: return arr(u32());
      case 0xde: return map(u16());
      case 0xdf: return map(u32());
      default: throw new Error(`msgpack type 0x${b.toString(16)} is not supported`);
    }
  }

  json(depth: number): string {
    const v = this.value(depth);
    if (typeof v !== "string") throw new Error("an EventTime inside a record");
    return v;
  }

  key(depth: number): string {
    const k = this.json(depth);
    return k.startsWith('"') ? k : JSON.stringify(k);
  }
}

/** A double as Fluent Bit prints it (`%.16g`: infinities as inf); the canonical form rounds the rest. */
function double(v: number): string {
  if (Number.isNaN(v)) return "null";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return String(v);
}

export function readMsgpack(bytes: Buffer, file: StoreFile): void {
  const reader = new Reader(bytes);
  let place = 0;
  while (reader.pos < bytes.length) {
    place++;
    if (bytes[reader.pos] !== 0x92) return file.fail(place, "unreadable", "not a Fluent Bit event ([time, record]) in the msgpack body");
    reader.pos++;
    let time: string | undefined;
    if (bytes[reader.pos] === 0x92) {
      reader.pos++;
      const t = reader.value();
      time = typeof t === "string" ? t : t.time;
      const metadata = reader.json(1);
      if (metadata !== "{}") file.notes.add("http: the events' metadata (msgpack) is not covered by the seals");
    } else {
      const t = reader.value();
      time = typeof t === "string" ? t : t.time;
    }
    const text = reader.json(1);
    const members = parseRecord(text);
    if (typeof members === "string" || !text.startsWith("{")) {
      file.fail(place, "unreadable", "the event's record is not a map");
      continue;
    }
    file.add(place, [{ line: { members, time: file.options.uncheckedTime ? undefined : time }, text, removed: [] }]);
  }
}
