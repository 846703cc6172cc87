// Policy validation for tools (the CLI's `policy check`), through the same code the filter uses.
import { ByteBuffer } from "../buffer";
import { writeJsonText } from "../json/write";
import { DEFAULT_POLICY } from "./default";
import { compilePolicy } from "./policy";

const result = new ByteBuffer(4096);

/** `{"ok":bool,"version":"...","issues":["line 3, column 5: redact.keys[0].action: ..."]}` + NUL. */
export function checkPolicy(ptr: usize, len: usize): usize {
  const compiled = compilePolicy(ptr, len, "check");
  result.reset();
  result.putBuffer(String.UTF8.encode(compiled.issues.length == 0 ? "{\"ok\":true,\"version\":" : "{\"ok\":false,\"version\":"));
  writeJsonText(result, compiled.policy.version);
  result.putBuffer(String.UTF8.encode(",\"issues\":["));
  for (let i = 0; i < compiled.issues.length; i++) {
    if (i != 0) result.putByte(0x2C);
    writeJsonText(result, compiled.issues[i]);
  }
  result.putBuffer(String.UTF8.encode("]}"));
  result.putByte(0);
  return result.ptr;
}

const defaultText = String.UTF8.encode(DEFAULT_POLICY, true);

export function defaultPolicyText(): usize {
  return changetype<usize>(defaultText);
}
