// Who sealed: the origin (node or host name, from the policy or a file the deployment writes)
// and the instance id, 8 random bytes fixed when the state file is created. Both are in every
// seal and its MAC, so one host's records cannot pass for another's, and a lost state shows.
import { ByteBuffer } from "../buffer";
import { readFile } from "../wasi/files";
import { randomBytes } from "../wasi/random";
import { realtimeNs } from "../wasi/clock";

export const INSTANCE_SIZE: usize = 8;
/** A DNS name's limit: an origin longer than this is cut. */
export const MAX_ORIGIN: usize = 253;

export class Identity {
  readonly origin: ByteBuffer = new ByteBuffer(MAX_ORIGIN);
  readonly instance: usize = heap.alloc(INSTANCE_SIZE);

  /** The configured origin: `origin` itself, else the first line of `originFile`; "" when neither (an error if `required`). */
  loadOrigin(origin: string, originFile: string, required: bool): string {
    const out = this.origin;
    out.reset();
    if (origin.length != 0) {
      const bytes = String.UTF8.encode(origin);
      out.putBytes(changetype<usize>(bytes), min(<usize>bytes.byteLength, MAX_ORIGIN));
      printable(out);
      return "";
    }
    const file = readFile(originFile);
    const bytes = file.bytes;
    if (bytes == null) return required ? "origin file " + originFile + " not found in accessible_paths: seals name no origin" : "";
    const start = changetype<usize>(bytes), end = start + <usize>bytes.byteLength;
    let p = start;
    while (p < end && load<u8>(p) <= 0x20) p++;
    let q = p;
    while (q < end && load<u8>(q) != 0x0A && load<u8>(q) != 0x0D) q++;
    while (q > p && load<u8>(q - 1) <= 0x20) q--;
    out.putBytes(p, min(q - p, MAX_ORIGIN));
    printable(out);
    return "";
  }

  /** A new instance id; without randomness from the host, the clock's nanoseconds (and the reason). */
  newInstance(): string {
    if (randomBytes(this.instance, INSTANCE_SIZE)) return "";
    store<u64>(this.instance, realtimeNs() * 0x9E3779B97F4A7C15);
    return "no randomness from the host (random_get): the instance id is derived from the clock";
  }
}

/** Origins are host names: printable ASCII; any other byte, '"' and '\\' become '_' (no escaping, one form everywhere). */
function printable(out: ByteBuffer): void {
  for (let p = out.ptr, end = out.ptr + out.len; p < end; p++) {
    const c = load<u8>(p);
    if (c <= 0x20 || c >= 0x7F || c == 0x22 || c == 0x5C) store<u8>(p, 0x5F);
  }
}
