// Enrichment through the whole filter: severity found in level fields and at the start of
// messages (OpenTelemetry numbers), static fields, the policy field, level gating by tag,
// namespace and expiring override (with drops counted per reason), and strict validation.
import { describe, expect, it } from "vitest";
import { checkPolicyJson } from "../cli/policy.js";
import { PASS_THROUGH_POLICY, withoutAdded } from "./support/filter.js";
import { GatedFilter, enrichPolicy, expectSeverity, filterWith, one } from "./support/enrichment.js";

describe("severity from level fields", () => {
  const filter = filterWith(enrichPolicy({}));
  const cases: [object, string | undefined][] = [
    [{ level: "warn" }, "WARN"],
    [{ level: "WARNING" }, "WARN"],
    [{ level: "Err" }, "ERROR"],
    [{ level: "crit" }, "ERROR"], // syslog critical: ERROR range, as in the OpenTelemetry mapping
    [{ level: "alert" }, "ERROR"],
    [{ level: "emerg" }, "FATAL"],
    [{ level: "fatal" }, "FATAL"],
    [{ level: "panic" }, "FATAL"],
    [{ level: "notice" }, "INFO"],
    [{ level: "Information" }, "INFO"],
    [{ level: "trace" }, "TRACE"],
    [{ level: "finest" }, "TRACE"],
    [{ level: "dbg" }, "DEBUG"],
    [{ level: "E" }, "ERROR"],
    [{ severity: "ERROR" }, "ERROR"],
    [{ severity: "CRITICAL" }, "ERROR"],
    [{ lvl: "info" }, "INFO"],
    [{ loglevel: "debug" }, "DEBUG"],
    [{ log_level: "Warn" }, "WARN"],
    [{ levelname: "CRITICAL" }, "ERROR"],
    [{ severity: 0 }, "FATAL"],
    [{ severity: 3 }, "ERROR"],
    [{ severity: 4 }, "WARN"],
    [{ severity: 5 }, "INFO"],
    [{ severity: 6 }, "INFO"],
    [{ severity: 7 }, "DEBUG"],
    [{ level: 10 }, "TRACE"], // pino / bunyan
    [{ level: 30 }, "INFO"],
    [{ level: 40 }, "WARN"],
    [{ level: 50 }, "ERROR"],
    [{ level: 60 }, "FATAL"],
    [{ level: 8 }, undefined],
    [{ level: 35 }, undefined],
    [{ level: -1 }, undefined],
    [{ level: 3.5 }, undefined],
    [{ level: true }, undefined],
    [{ level: "Metadata" }, undefined], // an audit event's level is not a severity
    [{ level: "verbose-ish" }, undefined],
    [{ level: "" }, undefined],
    [{ level: { name: "warn" } }, undefined],
    [{ nested: { level: "error" } }, undefined], // only top-level fields
  ];
  for (const [body, text] of cases) {
    it(`${JSON.stringify(body)} -> ${text ?? "no severity"}`, () => expectSeverity(one(filter, body), text));
  }

  it("takes the first field in policy order, and a field before the message", () => {
    expectSeverity(one(filter, { severity: "debug", level: "error" }), "ERROR");
    expectSeverity(one(filter, { level: "error", log: "INFO all good" }), "ERROR");
    expectSeverity(one(filter, { level: "bogus", log: "WARN from text" }), "WARN");
  });
});

describe("severity at the start of messages", () => {
  const filter = filterWith(enrichPolicy({}));
  const cases: [string, string | undefined][] = [
    ["ERROR failed to connect to db", "ERROR"],
    ["[WARN] cache almost full", "WARN"],
    ["[warn] nginx style", "WARN"],
    ["<Error> angle brackets", "ERROR"],
    ["(debug) parentheses", "DEBUG"],
    ["WARNING:root:disk almost full", "WARN"],
    ["2026-11-23 08:00:00.123  INFO 1 --- [main] c.e.Application : Started", "INFO"],
    ["08:00:00.123 [http-nio-8080-exec-1] WARN  c.e.OrderService - slow query", "WARN"],
    ["2026-11-23T08:00:00.000Z\tERROR\tpayment declined", "ERROR"],
    ["\tFATAL after a tab", "FATAL"],
    ["time=2026-11-23T08:00:00Z level=info msg=\"request done\"", "INFO"],
    ["ts=1700000000 caller=main.go:12 lvl=warn msg=retrying", "WARN"],
    ["severity=\"error\" msg=x", "ERROR"],
    ["E1123 08:00:03.500000       1 reflector.go:138] failed to list *v1.Pod", "ERROR"],
    ["W1123 08:00:03.500000       1 warnings.go:70] deprecated API", "WARN"],
    ["I1123 08:00:03.500000       1 main.go:42] starting", "INFO"],
    ["F1123 08:00:03.500000       1 main.go:42] cannot continue", "FATAL"],
    ['{"level":"warn","ts":1700000000.5,"msg":"slow"}', "WARN"],
    ['{"ts":1700000000,"severity":"ERROR","message":"x"}', "ERROR"],
    ['{"level":50,"time":1700000000000,"msg":"pino inside a log line"}', "ERROR"],
    ['{"msg":"no level here","n":1}', undefined],
    ["Error rates are fine today", undefined], // a sentence, not a level
    ["GET /api/v1/orders 200 12ms", undefined],
    ["user error occurred", undefined],
    ["E12 short klog-like", undefined],
    ["I1123 not a klog time", undefined],
    ["xlevel=error is not logfmt's level", undefined],
    ["the first four words are not a level but ERROR comes later", undefined],
    ["", undefined],
  ];
  for (const [log, text] of cases) {
    it(`${JSON.stringify(log)} -> ${text ?? "no severity"}`, () => expectSeverity(one(filter, { log }), text));
  }

  it("reads message and msg too, and only the start of a long message", () => {
    expectSeverity(one(filter, { message: "DEBUG cache miss" }), "DEBUG");
    expectSeverity(one(filter, { msg: "[info] ok" }), "INFO");
    expectSeverity(one(filter, { log: " ".repeat(300) + "ERROR too far in" }), undefined);
  });
});

describe("severity settings", () => {
  it("writes the default level when none is found, and nothing when severity is off", () => {
    expectSeverity(one(filterWith(enrichPolicy({ severity: { default: "INFO" } })), { log: "hello" }), "INFO");
    expectSeverity(one(filterWith(enrichPolicy({ severity: false })), { level: "error" }), undefined);
  });

  it("reads the fields the policy names, nested ones included", () => {
    const filter = filterWith(enrichPolicy({ severity: { fields: ["log.level", "sev"], text_fields: ["text"] } }));
    expectSeverity(one(filter, { log: { level: "warn" } }), "WARN");
    expectSeverity(one(filter, { sev: "error", level: "debug" }), "ERROR");
    expectSeverity(one(filter, { level: "debug" }), undefined);
    expectSeverity(one(filter, { text: "FATAL boom" }), "FATAL");
  });

  it("never writes a second severity_text or severity_number", () => {
    const filter = filterWith(enrichPolicy({}));
    const raw = new TextDecoder().decode(filter.callRaw("t", JSON.stringify({ severity_text: "WARN", log: "ERROR x" }))!);
    expect(raw.match(/severity_text/g)).toHaveLength(1);
    expect(JSON.parse(raw).severity_number).toBeUndefined();
  });

  it("without an enrich section, severity is still normalised and nothing else is added", () => {
    const filter = filterWith(PASS_THROUGH_POLICY);
    expectSeverity(one(filter, { level: "warn" }), "WARN");
    const record = one(filter, { msg: "hello", n: 1 });
    expect(record.severity_text).toBeUndefined();
    expect(withoutAdded(record)).toEqual({ msg: "hello", n: 1 });
  });
});

describe("static fields and the policy field", () => {
  const filter = filterWith(enrichPolicy({
    static: { cluster: "prod-eu-1", environment: "production", replicas: 3, ratio: 0.25, canary: false, "k8s.region": "eu-west-1" },
    policy_field: true,
  }));

  it("appends the static fields, pre-serialised with their JSON types, and the policy version", () => {
    expect(one(filter, { msg: "x" })).toEqual({
      msg: "x", cluster: "prod-eu-1", environment: "production", replicas: 3, ratio: 0.25, canary: false, "k8s.region": "eu-west-1",
      logseal_policy: "enrich-test",
    });
  });

  it("keeps a record's own value instead of writing the key twice", () => {
    const raw = new TextDecoder().decode(filter.callRaw("t", JSON.stringify({ cluster: "mine", environment: { nested: true } }))!);
    expect(raw.match(/"cluster"/g)).toHaveLength(1);
    expect(raw.match(/"environment"/g)).toHaveLength(1);
    expect(JSON.parse(raw).cluster).toBe("mine");
  });

  it("escapes static strings", () => {
    const quoted = filterWith(enrichPolicy({ static: { note: 'say "hi"\\\n' } }));
    expect(one(quoted, {}).note).toBe('say "hi"\\\n');
  });
});

describe("level gating", () => {
  const FUTURE = "2099-01-01T00:00:00Z";
  const PAST = "2020-01-01T00:00:00Z";
  const record = (level: string, ns?: string) => (ns ? { level, kubernetes: { namespace_name: ns } } : { level });

  it("drops records below the global minimum and keeps those with no level", () => {
    const gate = new GatedFilter(enrichPolicy({ gate: { min_level: "WARN" } }));
    expect(gate.call(record("debug"))).toBeNull();
    expect(gate.call(record("info"))).toBeNull();
    expect(gate.call(record("warn"))).not.toBeNull();
    expect(gate.call(record("error"))).not.toBeNull();
    expect(gate.call({ msg: "no level at all" })).not.toBeNull();
    expect(gate.drops()).toEqual([2, 0, 0, 0]);
  });

  it("applies the longest matching tag prefix over the global minimum", () => {
    const gate = new GatedFilter(enrichPolicy({
      gate: { min_level: "INFO", tags: { "kube.var.log.containers.": "WARN", "kube.var.log.containers.debuggable-": "DEBUG" } },
    }));
    expect(gate.call(record("info"), "kube.var.log.containers.web-1")).toBeNull();
    expect(gate.call(record("debug"), "kube.var.log.containers.debuggable-7f")).not.toBeNull();
    expect(gate.call(record("trace"), "kube.var.log.containers.debuggable-7f")).toBeNull();
    expect(gate.call(record("debug"), "host.syslog")).toBeNull();
    expect(gate.call(record("info"), "host.syslog")).not.toBeNull();
    expect(gate.drops()).toEqual([1, 2, 0, 0]);
  });

  it("applies the namespace's minimum before tags", () => {
    const gate = new GatedFilter(enrichPolicy({
      gate: { min_level: "INFO", tags: { "kube.": "DEBUG" }, namespaces: { payments: "ERROR", sandbox: "TRACE" } },
    }));
    expect(gate.call(record("warn", "payments"))).toBeNull();
    expect(gate.call(record("error", "payments"))).not.toBeNull();
    expect(gate.call(record("trace", "sandbox"))).not.toBeNull();
    expect(gate.call(record("debug", "shop"), "kube.x")).not.toBeNull(); // the tag's DEBUG
    expect(gate.call(record("debug", "shop"), "other")).toBeNull(); // global INFO
    expect(gate.drops()).toEqual([1, 0, 1, 0]);
  });

  it("lets an active override open DEBUG for chosen namespaces and tags only", () => {
    const gate = new GatedFilter(enrichPolicy({
      gate: { min_level: "INFO", namespaces: { shop: "WARN" }, override: { min_level: "DEBUG", namespaces: ["shop"], tags: ["kube.var.log.containers.api-"], until: FUTURE } },
    }));
    expect(gate.call(record("debug", "shop"))).not.toBeNull();
    expect(gate.call(record("trace", "shop"))).toBeNull();
    expect(gate.call(record("debug"), "kube.var.log.containers.api-5d")).not.toBeNull();
    expect(gate.call(record("debug", "payments"))).toBeNull();
    expect(gate.drops()).toEqual([1, 0, 0, 1]);
  });

  it("ignores an expired override: gating is back to the safe levels", () => {
    const gate = new GatedFilter(enrichPolicy({
      gate: { min_level: "INFO", namespaces: { shop: "WARN" }, override: { min_level: "DEBUG", namespaces: ["shop"], until: PAST } },
    }));
    expect(gate.call(record("debug", "shop"))).toBeNull();
    expect(gate.call(record("info", "shop"))).toBeNull();
    expect(gate.call(record("warn", "shop"))).not.toBeNull();
    expect(gate.drops()).toEqual([0, 0, 2, 0]);
  });

  it("an override with no namespaces or tags applies to every record", () => {
    const gate = new GatedFilter(enrichPolicy({ gate: { min_level: "WARN", override: { min_level: "ERROR", until: FUTURE } } }));
    expect(gate.call(record("warn"))).toBeNull();
    expect(gate.drops()).toEqual([0, 0, 0, 1]);
  });

  it("never drops audit events (they carry no severity)", () => {
    const gate = new GatedFilter(enrichPolicy({ gate: { min_level: "FATAL" } }));
    expect(gate.call({ kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", stage: "ResponseComplete", verb: "get" })).not.toBeNull();
  });
});

describe("validation of the enrich section", () => {
  const issuesOf = (enrich: object) => checkPolicyJson(JSON.stringify(enrichPolicy(enrich))).issues;

  it("accepts a complete section", () => {
    expect(issuesOf({
      static: { cluster: "c", n: 1, b: true },
      severity: { fields: ["level", "log.level"], text_fields: ["log"], default: "INFO" },
      gate: { min_level: "INFO", tags: { "kube.": "WARN" }, namespaces: { shop: "DEBUG" },
        override: { min_level: "DEBUG", namespaces: ["shop"], tags: ["kube.app"], until: "2026-11-24T10:00:00+01:00" } },
      audit: { default_rules: true, disable: ["configmap-read"], skip_stages: ["RequestReceived"] },
      policy_field: true,
    })).toEqual([]);
  });

  const bad: [string, object, RegExp][] = [
    ["an unknown setting", { colour: "red" }, /enrich\.colour: unknown setting/],
    ["an unknown level", { gate: { min_level: "LOUD" } }, /enrich\.gate\.min_level: must be one of: TRACE, DEBUG, INFO, WARN, ERROR, FATAL/],
    ["a lower-case level", { gate: { namespaces: { shop: "debug" } } }, /enrich\.gate\.namespaces\.shop: must be one of/],
    ["an override that never ends", { gate: { override: { min_level: "DEBUG" } } }, /enrich\.gate\.override\.until: is required/],
    ["an override end that is not RFC 3339", { gate: { override: { min_level: "DEBUG", until: "tomorrow" } } }, /until: must be an RFC 3339 time/],
    ["an impossible date", { gate: { override: { min_level: "DEBUG", until: "2026-02-30T00:00:00Z" } } }, /until: must be an RFC 3339 time/],
    ["an override without a level", { gate: { override: { until: "2026-11-24T10:00:00Z" } } }, /override\.min_level: is required/],
    ["gating without severity", { severity: false, gate: { min_level: "INFO" } }, /enrich\.gate: needs severity detection/],
    ["a static field logseal writes", { static: { audit: "x" } }, /enrich\.static\.audit: is a field logseal writes itself/],
    ["a static object", { static: { labels: { a: 1 } } }, /enrich\.static\.labels: must be a string, number, true or false/],
    ["a wildcard severity field", { severity: { fields: ["*.level"] } }, /enrich\.severity\.fields\[0\]: must be a dotted path/],
    ["a non-boolean policy_field", { policy_field: "yes" }, /enrich\.policy_field: must be true or false/],
  ];
  for (const [what, enrich, message] of bad) {
    it(`rejects ${what}, pointing at the line`, () => {
      const issues = issuesOf(enrich);
      expect(issues.some((issue) => message.test(issue)), issues.join("\n")).toBe(true);
      expect(issues[0]).toMatch(/^line \d+, column \d+: /);
    });
  }
});
