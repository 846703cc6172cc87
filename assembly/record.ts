// The record being written for Fluent Bit: the (edited) body without its closing brace,
// then appended members, then the brace and the NUL Fluent Bit reads up to.
import { ByteBuffer } from "./buffer";
import { writeJsonString } from "./json/write";

export class RecordOut {
  readonly out: ByteBuffer = new ByteBuffer(64 * 1024);
  /** Whether the object written so far has a member (so the next one needs a comma). */
  hasMembers: bool = false;
  private readonly errors: ByteBuffer = new ByteBuffer(256);

  begin(): void {
    this.out.reset();
    this.errors.reset();
    this.hasMembers = false;
  }

  /** Writes `,"key":` (key given as pre-encoded UTF-8 with its quotes); the value follows. */
  member(quotedKey: ArrayBuffer): ByteBuffer {
    const out = this.out;
    if (this.hasMembers) out.putByte(0x2C);
    out.putBuffer(quotedKey);
    out.putByte(0x3A);
    this.hasMembers = true;
    return out;
  }

  /**
   * Notes a problem with this record (UTF-8, encoded once by the caller: some problems repeat on
   * every record); all of them go out in one `logseal_error` member.
   */
  addError(message: ArrayBuffer): void {
    if (this.errors.len != 0) this.errors.putBytes(changetype<usize>(SEPARATOR), 2);
    this.errors.putBuffer(message);
  }

  /** The same, from bytes in memory (messages built per record into a reused buffer). */
  addErrorBytes(ptr: usize, len: usize): void {
    if (this.errors.len != 0) this.errors.putBytes(changetype<usize>(SEPARATOR), 2);
    this.errors.putBytes(ptr, len);
  }

  get hasErrors(): bool {
    return this.errors.len != 0;
  }

  writeErrors(): void {
    if (this.errors.len == 0) return;
    writeJsonString(this.member(ERROR_KEY), this.errors.ptr, this.errors.len);
  }

  /** Closes the object and terminates it for Fluent Bit; returns the pointer to hand back. */
  finish(): usize {
    this.out.putByte(0x7D);
    this.out.putByte(0);
    return this.out.ptr;
  }
}

const SEPARATOR = memory.data<u8>([0x3B, 0x20]); // "; "
export const ERROR_KEY = String.UTF8.encode("\"logseal_error\"");
export const RAW_KEY = String.UTF8.encode("\"logseal_raw\"");
