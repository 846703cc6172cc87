// Kubernetes Secrets in audit events: every value of a Secret's `data` and `stringData` is a
// secret whatever its key (`data.username`, `data.connection` shipped as base64 before; only
// password-like keys were masked). ConfigMaps stay readable.
import { describe, expect, it } from "vitest";
import { makeFilter, recordOf } from "./support/filter.js";

const one = (filter: ReturnType<typeof makeFilter>, body: object | string) => recordOf(filter, body, "kube-audit");
const R = "[REDACTED]";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

describe("Secrets in audit events, under the embedded default policy", () => {
  const filter = makeFilter();

  it("masks every data and stringData value of a created Secret, kubectl's sorted keys (data before kind)", () => {
    const applied = JSON.stringify({ apiVersion: "v1", data: { username: "YWRtaW4=" }, kind: "Secret", metadata: { name: "db" } });
    const out = one(filter, {
      kind: "Event", level: "RequestResponse", verb: "create", user: { username: "alice" },
      objectRef: { resource: "secrets", namespace: "shop", name: "db", apiVersion: "v1" },
      requestObject: {
        apiVersion: "v1", data: { username: "YWRtaW4=", connection: "cG9zdGdyZXM6Ly9hcHA6aHVudGVyMkBkYg==", "tls.key": "LS0tLS1CRUdJTg==", empty: "" },
        kind: "Secret", metadata: { name: "db", namespace: "shop", annotations: { [LAST_APPLIED]: applied + "\n", team: "pay" } },
        stringData: { "config.yaml": "user: app\npassword: x", DATABASE_URL: "postgres://app@db/app" }, type: "Opaque",
      },
      responseObject: { kind: "Secret", apiVersion: "v1", metadata: { name: "db", uid: "1234" }, data: { username: "YWRtaW4=" }, type: "Opaque" },
    });
    expect(out.requestObject.data).toEqual({ username: R, connection: R, "tls.key": R, empty: "" });
    expect(out.requestObject.stringData).toEqual({ "config.yaml": R, DATABASE_URL: R });
    expect(out.requestObject.metadata).toEqual({ name: "db", namespace: "shop", annotations: { [LAST_APPLIED]: R, team: "pay" } });
    expect(out.requestObject.type).toBe("Opaque");
    expect(out.responseObject).toEqual({ kind: "Secret", apiVersion: "v1", metadata: { name: "db", uid: "1234" }, data: { username: R }, type: "Opaque" });
    expect(out.objectRef.name).toBe("db");
  });

  it("masks a Secret read or listed, by the body's kind alone too, and a merge patch of one", () => {
    const get = one(filter, { kind: "Event", verb: "get", responseObject: { kind: "Secret", data: { "id_rsa": "AAAAB3Nza", ".dockerconfigjson": "eyJhdXRocyI6e319" } } });
    expect(get.responseObject.data).toEqual({ id_rsa: R, ".dockerconfigjson": R });
    const list = one(filter, {
      kind: "Event", verb: "list", objectRef: { resource: "secrets", namespace: "shop" },
      responseObject: { kind: "SecretList", items: [{ metadata: { name: "a", annotations: { [LAST_APPLIED]: "{}" } }, data: { "tls.key": "LS0t" } }, { metadata: { name: "b" }, data: { x: "eQ==" } }] },
    });
    expect(list.responseObject.items).toEqual([{ metadata: { name: "a", annotations: { [LAST_APPLIED]: R } }, data: { "tls.key": R } }, { metadata: { name: "b" }, data: { x: R } }]);
    const byKind = one(filter, { kind: "Event", responseObject: { kind: "SecretList", items: [{ data: { a: "YQ==" } }] } });
    expect(byKind.responseObject.items).toEqual([{ data: { a: R } }]);
    const patch = one(filter, { kind: "Event", verb: "patch", objectRef: { resource: "secrets", name: "db" }, requestObject: { data: { username: "Ym9i" }, metadata: { labels: { a: "b" } } } });
    expect(patch.requestObject).toEqual({ data: { username: R }, metadata: { labels: { a: "b" } } });
    // a JSON patch (kubectl patch --type json): an operation's value where its path points into the data
    const ops = [
      { op: "replace", path: "/data/connection-string", value: "c2VydmVyPWRi" }, { op: "add", path: "/stringData/id", value: "bob" },
      { op: "add", path: "/metadata/labels/team", value: "pay" }, { op: "remove", path: "/data/old" }, { op: "test", path: "/data/empty", value: "" },
    ];
    const jsonPatch = one(filter, { kind: "Event", verb: "patch", objectRef: { resource: "secrets", name: "db" }, requestObject: ops });
    expect(jsonPatch.requestObject).toEqual([
      { op: "replace", path: "/data/connection-string", value: R }, { op: "add", path: "/stringData/id", value: R },
      { op: "add", path: "/metadata/labels/team", value: "pay" }, { op: "remove", path: "/data/old" }, { op: "test", path: "/data/empty", value: "" },
    ]);
    // the same operations on a ConfigMap stay as they are
    expect(one(filter, { kind: "Event", verb: "patch", objectRef: { resource: "configmaps" }, requestObject: ops }).requestObject).toEqual(ops);
  });

  it("leaves readable what Kubernetes documents as public in its typed Secrets", () => {
    const tls = one(filter, { kind: "Event", objectRef: { resource: "secrets" }, requestObject: { kind: "Secret", type: "kubernetes.io/tls", data: { "tls.crt": "LS0tLS1DRVJU", "ca.crt": "LS0tQ0E=", "tls.key": "LS0tLS1LRVk=" } } });
    expect(tls.requestObject.data).toEqual({ "tls.crt": "LS0tLS1DRVJU", "ca.crt": "LS0tQ0E=", "tls.key": R });
    const bootstrap = one(filter, {
      kind: "Event", objectRef: { resource: "secrets" },
      requestObject: { kind: "Secret", type: "bootstrap.kubernetes.io/token", stringData: {
        "token-id": "abcdef", "token-secret": "0123456789abcdef", expiration: "2026-12-06T00:00:00Z", "usage-bootstrap-authentication": "true",
        "usage-bootstrap-signing": "true", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", description: "join",
      } },
    });
    expect(bootstrap.requestObject.stringData).toMatchObject({ "token-id": "abcdef", "token-secret": R, expiration: "2026-12-06T00:00:00Z", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", description: "join" });
    const sa = one(filter, { kind: "Event", responseObject: { kind: "Secret", type: "kubernetes.io/service-account-token", data: { "ca.crt": "LS0t", namespace: "ZGVmYXVsdA==", token: "ZXlKaGJHY2k=" } } });
    expect(sa.responseObject.data).toEqual({ "ca.crt": "LS0t", namespace: "ZGVmYXVsdA==", token: R });
  });

  it("leaves ConfigMaps and other objects' data readable", () => {
    const configMap = {
      kind: "Event", verb: "create", objectRef: { resource: "configmaps", name: "app" },
      requestObject: { apiVersion: "v1", data: { username: "admin", "app.properties": "log.level=debug" }, kind: "ConfigMap", metadata: { name: "app", annotations: { [LAST_APPLIED]: "{\"data\":{}}" } } },
      responseObject: { kind: "ConfigMap", data: { username: "admin" } },
    };
    expect(one(filter, configMap)).toMatchObject(configMap);
    const other = { kind: "Event", objectRef: { resource: "pods" }, requestObject: { kind: "Pod", data: { a: "b" } }, data: { username: "x" }, secret_name: "db" };
    expect(one(filter, other)).toMatchObject(other);
    // a data member of a Secret elsewhere than the bodies (here a top-level record) is the detectors' as before
    expect(one(filter, { kind: "Secret", data: { username: "YWRtaW4=" } }).data).toEqual({ username: "YWRtaW4=" });
  });
});

describe("Secrets in audit events and the policy", () => {
  const withPolicy = (redact: object) => makeFilter({ policy: { version: "t", redact: { summary: true, ...redact } } });
  const event = { kind: "Event", objectRef: { resource: "secrets" }, requestObject: { kind: "Secret", data: { username: "YWRtaW4=", "api-token": "dG9r" } } };

  it("writes them with the pair detector's action and counts them as its", () => {
    const out = one(withPolicy({ detectors: { secret_pair: { action: "mask", keep_first: 2 } } }), event);
    expect(out.requestObject.data).toEqual({ username: "YW******", "api-token": "dG**" });
    expect(out.redaction).toMatchObject({ masked: 2, found: { secret_pair: 2 } });
  });

  it("masks nothing with secret_pair off, under a keep rule, or where scan does not reach", () => {
    expect(one(withPolicy({ detectors: { secret_pair: "keep" } }), event).requestObject).toEqual(event.requestObject);
    expect(one(withPolicy({ keys: [{ path: "requestObject", action: "keep" }] }), event).requestObject).toEqual(event.requestObject);
    expect(one(withPolicy({ scan: ["log"] }), event).requestObject).toEqual(event.requestObject);
    // no key rules at all (no key-path table): the same
    expect(one(withPolicy({ keys: [] }), event).requestObject.data).toEqual({ username: R, "api-token": R });
  });
});
