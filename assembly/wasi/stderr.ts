import { fd_write } from "./imports";

const STDERR: u32 = 2;
const iov = memory.data(16);
const written = memory.data(8);

/** Writes raw bytes to Fluent Bit's stderr; errors are ignored (nowhere to report them). */
export function writeStderrBytes(ptr: usize, len: usize): void {
  store<u32>(iov, <u32>ptr);
  store<u32>(iov, <u32>len, 4);
  fd_write(STDERR, iov, 1, written);
}

/** One line on stderr, prefixed so it is recognisable among Fluent Bit's own messages. */
export function logLine(message: string): void {
  const line = String.UTF8.encode("[logseal] " + message + "\n");
  writeStderrBytes(changetype<usize>(line), <usize>line.byteLength);
}
