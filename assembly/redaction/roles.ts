// What a member's key, or its path, says to the redacting walk beyond the key rules: its part in a
// name/value object (`{"name": "DB_PASSWORD", "value": "…"}`), and the members of a Kubernetes
// audit event that say it is about a Secret or hold that Secret's data. Decided once per key path
// (the key-path table keeps it with the key rules' verdicts), as bits above KeyVerdicts' SECRET_NAME.
import { KeyPath } from "../policy/keypath";

/** `name` or `key` of a name/value object. */
export const NAME_MEMBER: u32 = 2;
/** `value` of a name/value object. */
export const VALUE_MEMBER: u32 = 4;
/** `objectRef.resource` of an audit event, or the `kind` of its `requestObject`/`responseObject`. */
export const SECRET_SIGN_MEMBER: u32 = 8;
/**
 * A member of the `data` or `stringData` of an audit event's `requestObject`/`responseObject` (or
 * of their `items`'), or their `kubectl.kubernetes.io/last-applied-configuration` annotation (the
 * object as applied): a Secret's data when the event is about a Secret. Not the keys whose values
 * Kubernetes documents as public (`tls.crt`, `ca.crt`, `namespace`, a bootstrap token's `token-id`
 * and settings).
 */
export const SECRET_DATA_MEMBER: u32 = 16;
/** The `path` of a JSON patch operation in an audit event's `requestObject` (RFC 6902, `kubectl patch --type json`). */
export const PATCH_PATH_MEMBER: u32 = 32;
/** The `value` of such an operation: a Secret's data when the path points into it. */
export const PATCH_VALUE_MEMBER: u32 = 64;
/** OpenTelemetry's `stringValue`: in `{"key": "db.password", "value": {"stringValue": "…"}}` the value of a name/value object. */
export const STRING_VALUE_MEMBER: u32 = 128;

/**
 * The part the member named [key, key + len) plays in a name/value object: `name` or `key`
 * (NAME_MEMBER), `value` (VALUE_MEMBER), in any case (Office 365 writes `Name`/`Value`, AWS
 * `Key`/`Value`); OpenTelemetry's `stringValue` (STRING_VALUE_MEMBER); else 0.
 */
export function memberRole(key: usize, len: usize): u32 {
  if (len == 5) return (load<u32>(key) | 0x20202020) == 0x756C6176 && (load<u8>(key, 4) | 0x20) == 0x65 ? VALUE_MEMBER : 0; // value
  if (len == 4) return (load<u32>(key) | 0x20202020) == 0x656D616E ? NAME_MEMBER : 0; // name
  if (len == 3) return (load<u16>(key) | 0x2020) == 0x656B && (load<u8>(key, 2) | 0x20) == 0x79 ? NAME_MEMBER : 0; // key
  if (len == 11) return load<u64>(key) == 0x6156676E69727473 && load<u16>(key, 8) == 0x756C && load<u8>(key, 10) == 0x65 ? STRING_VALUE_MEMBER : 0; // stringValue
  return 0;
}

const OBJECT_REF = String.UTF8.encode("objectRef");
const RESOURCE = String.UTF8.encode("resource");
const REQUEST_OBJECT = String.UTF8.encode("requestObject");
const RESPONSE_OBJECT = String.UTF8.encode("responseObject");
const KIND = String.UTF8.encode("kind");
const PATH = String.UTF8.encode("path");
const VALUE = String.UTF8.encode("value");
const DATA = String.UTF8.encode("data");
const STRING_DATA = String.UTF8.encode("stringData");
const ITEMS = String.UTF8.encode("items");
const METADATA = String.UTF8.encode("metadata");
const ANNOTATIONS = String.UTF8.encode("annotations");
const LAST_APPLIED = String.UTF8.encode("kubectl.kubernetes.io/last-applied-configuration");

// Keys of typed Secrets whose values Kubernetes documents as public: certificates (`kubernetes.io/tls`,
// a service account token's CA), the token's namespace, a bootstrap token's id and settings.
const PUBLIC_DATA: ArrayBuffer[] = [
  "tls.crt", "ca.crt", "namespace", "token-id", "expiration", "description", "auth-extra-groups",
  "usage-bootstrap-authentication", "usage-bootstrap-signing",
].map<ArrayBuffer>((key: string) => String.UTF8.encode(key));

function isPublicData(path: KeyPath, depth: i32): bool {
  for (let i = 0; i < PUBLIC_DATA.length; i++) if (keyIs(path, depth, unchecked(PUBLIC_DATA[i]))) return true;
  return false;
}

function keyIs(path: KeyPath, depth: i32, name: ArrayBuffer): bool {
  const len = <usize>name.byteLength;
  return path.keyLen(depth) == len && memory.compare(path.keyPtr(depth), changetype<usize>(name), len) == 0;
}

/** The audit event's roles of the member at the end of `path` (SECRET_SIGN_MEMBER, SECRET_DATA_MEMBER), or 0. */
export function auditRole(path: KeyPath): u32 {
  const depth = path.depth;
  if (depth < 2 || depth > 5) return 0;
  if (keyIs(path, 1, OBJECT_REF)) return depth == 2 && keyIs(path, 2, RESOURCE) ? SECRET_SIGN_MEMBER : 0;
  if (!keyIs(path, 1, REQUEST_OBJECT) && !keyIs(path, 1, RESPONSE_OBJECT)) return 0;
  if (depth == 2) {
    if (keyIs(path, 2, KIND)) return SECRET_SIGN_MEMBER;
    if (!keyIs(path, 1, REQUEST_OBJECT)) return 0;
    return keyIs(path, 2, PATH) ? PATCH_PATH_MEMBER : keyIs(path, 2, VALUE) ? PATCH_VALUE_MEMBER : 0;
  }
  let at = 2;
  if (keyIs(path, 2, ITEMS)) at = 3; // a list's items (`SecretList`)
  if (depth == at + 1 && (keyIs(path, at, DATA) || keyIs(path, at, STRING_DATA))) return isPublicData(path, depth) ? 0 : SECRET_DATA_MEMBER;
  if (depth == at + 2 && keyIs(path, at, METADATA) && keyIs(path, at + 1, ANNOTATIONS) && keyIs(path, depth, LAST_APPLIED)) return SECRET_DATA_MEMBER;
  return 0;
}

const DATA_POINTER = String.UTF8.encode("/data/");
const STRING_DATA_POINTER = String.UTF8.encode("/stringData/");

/** Whether a JSON patch's `path` [from, to) points to a member of a Secret's data: `/data/<key>`, `/stringData/<key>`. */
export function pointsIntoData(from: usize, to: usize): bool {
  return startsWith(from, to, DATA_POINTER) || startsWith(from, to, STRING_DATA_POINTER);
}

function startsWith(from: usize, to: usize, prefix: ArrayBuffer): bool {
  const len = <usize>prefix.byteLength;
  return to - from > len && memory.compare(from, changetype<usize>(prefix), len) == 0;
}

/** Whether [from, to), a SECRET_SIGN_MEMBER's string, says the event is about a Secret: `secrets`, `Secret`, `SecretList`. */
export function signsSecret(from: usize, to: usize): bool {
  const len = to - from;
  if (len == 7) return load<u32>(from) == 0x72636573 && load<u32>(from, 3) == 0x73746572; // "secr", "rets": "secrets"
  if (len != 6 && len != 10) return false;
  if (load<u32>(from) != 0x72636553 || load<u16>(from, 4) != 0x7465) return false; // "Secr", "et"
  return len == 6 || (load<u32>(from, 6) == 0x7473694C); // "List"
}
