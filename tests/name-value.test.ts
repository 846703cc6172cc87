// Name/value objects in a parsed record (`{"name": "DB_PASSWORD", "value": "…"}`: Kubernetes and
// ECS container environments, AWS tags, Office 365 parameters): the `value` is judged as the
// member `"DB_PASSWORD": "…"` would be. Before this a Pod's env list shipped its passwords whole
// under the embedded default policy (only values with a token's own shape were caught).
import { describe, expect, it } from "vitest";
import { makeFilter, recordOf } from "./support/filter.js";

const one = (filter: ReturnType<typeof makeFilter>, body: object | string) => recordOf(filter, body);
const env = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));

describe("name/value objects under the embedded default policy", () => {
  const filter = makeFilter();

  it("masks a Pod's env variable named as a secret in an audit event", () => {
    const event = {
      kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Request", verb: "create",
      objectRef: { resource: "pods", namespace: "shop", name: "web-0" }, user: { username: "alice" },
      requestObject: { kind: "Pod", spec: { containers: [{ name: "web", image: "nginx", env: env(
        ["DB_PASSWORD", "Zq8Lm2pX9vR4tY7w"], ["LOG_LEVEL", "debug"], ["GITHUB_TOKEN", "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB"],
      ) }] } },
    };
    const out = one(filter, event);
    expect(out.requestObject.spec.containers[0].env).toEqual(env(["DB_PASSWORD", "[REDACTED]"], ["LOG_LEVEL", "debug"], ["GITHUB_TOKEN", "[REDACTED]"]));
    expect(out.requestObject.spec.containers[0].name).toBe("web");
    expect(out.objectRef).toEqual(event.objectRef);
  });

  it("masks a Deployment's env in a response, nested in arrays, with JSON whitespace and escapes", () => {
    const body = '{"kind":"Event","responseObject":{"kind":"Deployment","spec":{"template":{"spec":{"initContainers":[],' +
      '"containers":[{"name":"a","env":[ { "name" : "API_KEY" ,\n "value" : "k\\"ey\\\\9Xq" } ]},' +
      '{"name":"b","env":[{"name":"SESSION_SECRET","value":"x y z"},{"name":"PORT","value":"8080"}]}]}}}}}';
    const containers = one(filter, body).responseObject.spec.template.spec.containers;
    expect(containers[0].env).toEqual(env(["API_KEY", "[REDACTED]"]));
    expect(containers[1].env).toEqual(env(["SESSION_SECRET", "[REDACTED]"], ["PORT", "8080"]));
  });

  it("reads the name after the value when it is the next member, and `key`, `Name`, `Value` alike", () => {
    expect(one(filter, '{"env":[{"value":"Zq8Lm2pX9vR4","name":"DB_PASSWORD"},{"value":"info","name":"LOG_LEVEL"}]}').env)
      .toEqual(env(["DB_PASSWORD", "[REDACTED]"], ["LOG_LEVEL", "info"]));
    expect(one(filter, '{"tags":[{"key":"db.password","value":"hunter2x"},{"Key":"Name","Value":"web"},{"Value":"abc123","Key":"sessionToken"}]}').tags)
      .toEqual([{ key: "db.password", value: "[REDACTED]" }, { Key: "Name", Value: "web" }, { Value: "[REDACTED]", Key: "sessionToken" }]);
    expect(one(filter, { Parameters: [{ Name: "SmtpPassword", Value: "Welcome1!" }, { Name: "Identity", Value: "homer" }] }).Parameters)
      .toEqual([{ Name: "SmtpPassword", Value: "[REDACTED]" }, { Name: "Identity", Value: "homer" }]);
    // with other members between, before the value
    expect(one(filter, { env: [{ name: "REDIS_PASSWORD", type: "string", meta: { name: "x", value: "y" }, value: "s3cr3t!" }] }).env)
      .toEqual([{ name: "REDIS_PASSWORD", type: "string", meta: { name: "x", value: "y" }, value: "[REDACTED]" }]);
  });

  // A probe's or a webhook's headers as name/value objects: the credential after the scheme, as in `Authorization: Bearer …`.
  it("masks the credential of a header named Authorization, as the header's", () => {
    const probe = { livenessProbe: { httpGet: { path: "/healthz", port: 8080, httpHeaders: [
      { name: "Authorization", value: "Bearer s3cr3tT0ken.abc" }, { name: "X-Tenant", value: "shop" },
      { name: "Proxy-Authorization", value: "Basic dXNlcjpwYXNzd29yZA==" }, { value: "Zq8Lm2pX9vR4tY7w", name: "authorization" },
      { name: "Authorization", value: "enabled" }, { name: "Authorization", value: "" }, { name: "AuthorizationMode", value: "Node,RBAC" },
    ] } } };
    expect(one(filter, { spec: { containers: [probe] } }).spec.containers[0].livenessProbe.httpGet.httpHeaders).toEqual([
      { name: "Authorization", value: "Bearer [REDACTED]" }, { name: "X-Tenant", value: "shop" },
      { name: "Proxy-Authorization", value: "Basic [REDACTED]" }, { value: "[REDACTED]", name: "authorization" },
      { name: "Authorization", value: "enabled" }, { name: "Authorization", value: "" }, { name: "AuthorizationMode", value: "Node,RBAC" },
    ]);
  });

  it("reads OpenTelemetry's attributes, whose value is an AnyValue object", () => {
    const attributes = [
      { key: "service.name", value: { stringValue: "pay" } }, { key: "db.password", value: { stringValue: "hunter2x" } },
      { key: "api_token", value: { intValue: "12345" } }, { key: "session.token", value: { stringValue: "" } },
      { key: "note", value: { kvlistValue: { values: [{ key: "x", value: { stringValue: "y" } }] } } },
    ];
    expect(one(filter, { resourceLogs: [{ resource: { attributes } }] }).resourceLogs[0].resource.attributes).toEqual([
      { key: "service.name", value: { stringValue: "pay" } }, { key: "db.password", value: { stringValue: "[REDACTED]" } },
      { key: "api_token", value: { intValue: "12345" } }, { key: "session.token", value: { stringValue: "" } },
      { key: "note", value: { kvlistValue: { values: [{ key: "x", value: { stringValue: "y" } }] } } },
    ]);
    // a `stringValue` that is not a name/value object's value is any string
    expect(one(filter, { key: "db.password", other: { stringValue: "kept" } }).other).toEqual({ stringValue: "kept" });
  });

  it("leaves what the pair detector leaves: other names, placeholders, empty values, references", () => {
    const kept = {
      env: [
        { name: "LOG_LEVEL", value: "debug" }, { name: "token_type", value: "Bearer" }, { name: "nextPageToken", value: "abc123" },
        { name: "secretName", value: "db-creds" }, { name: "DB_PASSWORD", value: "" }, { name: "DB_PASSWORD", value: "$(DB_PASSWORD)" },
        { name: "API_TOKEN", value: "${API_TOKEN}" }, { name: "TOKEN_TTL", value: "3600" }, { name: "secret", value: "myapp-pg-cluster-ca" },
        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        { name: "DB_PASSWORD", value: 12345 }, { name: "DB_PASSWORD", value: ["a"] }, { name: "num_tokens", value: "5" },
      ],
      // a name in one object says nothing about the value of the next, nor of one inside it
      list: [{ name: "DB_PASSWORD" }, { value: "kept" }, { name: "API_TOKEN", meta: { value: "kept" } }],
      other: { label: "DB_PASSWORD", value: "kept" },
    };
    expect(one(filter, kept)).toMatchObject(kept);
  });
});

describe("name/value objects and the policy", () => {
  const summary = (redact: object) => makeFilter({ policy: { version: "t", redact: { summary: true, ...redact } } });
  const pod = { spec: { containers: [{ env: env(["DB_PASSWORD", "Zq8Lm2pX9vR4"], ["GITHUB_TOKEN", "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB"]) }] }, log: "x" };

  it("reports the pair detector, or a token's own shape, with its action", () => {
    const out = one(summary({ detectors: { secret_pair: { action: "mask", keep_first: 2 } } }), pod);
    expect(out.spec.containers[0].env).toEqual(env(["DB_PASSWORD", "Zq**********"], ["GITHUB_TOKEN", "[REDACTED]"]));
    expect(out.redaction).toMatchObject({ masked: 2, found: { secret_pair: 1, github_token: 1 } });
  });

  it("writes an Authorization header's credential as auth_header's", () => {
    const headers = { headers: [{ name: "Authorization", value: "Bearer s3cr3tT0ken.abc" }] };
    const out = one(summary({ detectors: { auth_header: { action: "mask", keep_last: 3 } } }), headers);
    expect(out.headers).toEqual([{ name: "Authorization", value: "Bearer ************abc" }]);
    expect(out.redaction).toMatchObject({ found: { auth_header: 1 } });
    expect(one(summary({ detectors: { auth_header: "keep" } }), headers).headers).toEqual(headers.headers);
  });

  it("masks nothing by name with secret_pair off", () => {
    const out = one(summary({ detectors: { secret_pair: "keep" } }), pod);
    expect(out.spec.containers[0].env).toEqual(env(["DB_PASSWORD", "Zq8Lm2pX9vR4"], ["GITHUB_TOKEN", "[REDACTED]"]));
    expect(out.redaction.found).toEqual({ github_token: 1 });
  });

  it("does nothing under a keep rule or where scan does not reach", () => {
    const kept = one(summary({ keys: [{ path: "spec.containers.env", action: "keep" }] }), pod);
    expect(kept.spec).toEqual(pod.spec);
    const notScanned = one(summary({ scan: ["log"] }), pod);
    expect(notScanned.spec).toEqual(pod.spec);
    // the value is what is judged: a `name` the detectors do not read (a keep rule, a scan list
    // without it) still names it, from the key-path table; with no key rules at all there is no
    // table, and a name is read only where the detectors read it
    const masked = env(["DB_PASSWORD", "[REDACTED]"], ["GITHUB_TOKEN", "[REDACTED]"]);
    for (const redact of [{ scan: ["value"], keys: [{ name: "name", action: "keep" }] }, { scan: ["value"], keys: [{ name: "x", action: "mask" }] }, { scan: ["value", "name"] }]) {
      expect(one(summary(redact), pod).spec.containers[0].env, JSON.stringify(redact)).toEqual(masked);
    }
    expect(one(summary({ scan: ["value"] }), pod).spec.containers[0].env[0].value).toBe("Zq8Lm2pX9vR4");
  });

  it("judges them with no key rules too (no key-path table)", () => {
    const out = one(summary({ keys: [] }), { ...pod, tags: [{ value: "s3cr3t-v", key: "client_secret" }] });
    expect(out.spec.containers[0].env).toEqual(env(["DB_PASSWORD", "[REDACTED]"], ["GITHUB_TOKEN", "[REDACTED]"]));
    expect(out.tags).toEqual([{ value: "[REDACTED]", key: "client_secret" }]);
  });

  it("survives malformed and truncated objects", () => {
    const filter = summary({});
    for (const body of ['{"a":[{"value":"x","name":', '{"a":[{"value":"x",', '{"a":[{"value":"x","name":"DB_PASSWORD', '{"a":[{"value":"x","name":"DB_PASSWORD"',
      '{"a":[{"value":"x","name":"DB_PASSWORD\\', '{"value":"x"}', '{"name":"DB_PASSWORD","value":"x"}', '{"value":"x","key":"token"}']) {
      const result = filter.call("kube.app", body);
      expect(result.kind, body).toBe("record");
    }
    expect(one(filter, '{"name":"DB_PASSWORD","value":"x"}').value).toBe("[REDACTED]");
    expect(one(filter, '{"value":"x","key":"token"}').value).toBe("[REDACTED]");
  });

  it("judges a value that is not all text by its name before repairing it: a lone surrogate does not ship the secret", () => {
    const filter = makeFilter();
    // Outside review: the repair came first and skipped every judgement by name (found in all three forms).
    expect(one(filter, '{"env":[{"name":"DB_PASSWORD","value":"Zq8Lm2pX9vR4tY7w\\udc00"}]}').env).toEqual(env(["DB_PASSWORD", "[REDACTED]"]));
    expect(one(filter, '{"DB_PASSWORD":"Zq8Lm2pX9vR4tY7w\\udc00"}').DB_PASSWORD).toBe("[REDACTED]");
    const secret = one(filter, '{"objectRef":{"resource":"secrets"},"requestObject":{"kind":"Secret","data":{"p":"Zq8\\ud800Lm2pX9vR4tY7w","q":"YWRtaW4="}}}');
    expect(secret.requestObject.data).toEqual({ p: "[REDACTED]", q: "[REDACTED]" });
    // a value not judged a secret's is repaired and scanned as before
    const benign = one(filter, '{"env":[{"name":"LOG_LEVEL","value":"debug\\ud800"}]}');
    expect(benign.env).toEqual(env(["LOG_LEVEL", "debug\ufffd"]));
    expect(benign.logseal_error).toMatch(/replaced by U\+FFFD/);
  });
});
