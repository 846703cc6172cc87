// The module inside a real Fluent Bit (skipped with a message when there is none).
//
// 1. The shipped node pipeline (fluent-bit/fluent-bit.yaml: container logs and the audit log,
//    the kubernetes filter, logseal, filesystem buffering, forward over mutual TLS) rewritten to
//    temporary files and loopback, sending to the compose aggregator (fluent-bit/compose/
//    aggregator.yaml) that writes what `logseal verify` reads. Two runs of the edge with the same
//    state in between (restart continuity), then checks on the aggregator's file: secrets gone,
//    audit events classified, level gating accounted, chains verify, doctored copies fail.
// 2. One-shot runs (tail -> logseal -> file): records from 100 B to 1 MiB, redaction, bad input.
//
// Fluent Bit before 4.1 re-created the module for every chunk; that is emulated in
// tests/sealing-chain.test.ts ("every chunk gets a new instance"), not here.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SourceCoverage, formatCompleteness } from "../cli/completeness.js";
import { repoPath } from "./support/fluent-bit-config.js";
import { RELEASE_WASM } from "./support/filter.js";
import {
  type Certificates,
  type FluentBitProcess,
  FLUENT_BIT,
  NO_FLUENT_BIT_MESSAGE,
  aggregatorConfig,
  AOT_FILES,
  buildAot,
  countLines,
  errorLines,
  fluentBitVersion,
  freePort,
  logsOf,
  logsealCli,
  makeCertificates,
  nodeConfig,
  runFluentBit,
  startFluentBit,
  waitUntil,
  writeYamlConfig,
  type NodeLayout,
} from "./support/fluent-bit.js";

const SIZES = [100, 1000, 10_000, 100_000, 1024 * 1024];
const sized = (n: number) => JSON.stringify({ log: "x".repeat(n - 12), n });
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Inputs: container log files as the kubelet's runtimes write them, and the API server's audit log.

interface Pod {
  metadata: { name: string; namespace: string };
  status: { containerStatuses: { name: string; containerID: string }[] };
}

const PODS: Pod[] = JSON.parse(readFileSync(repoPath("tests/fixtures/e2e/pods.json"), "utf8"));
const podNamed = (name: string) => PODS.find((p) => p.metadata.name.startsWith(name))!;

/** `<pod>_<namespace>_<container>-<container id>.log`, the name in /var/log/containers. */
function logFileName(pod: Pod): string {
  const { name: container, containerID } = pod.status.containerStatuses[0];
  return `${pod.metadata.name}_${pod.metadata.namespace}_${container}-${containerID.split("://")[1]}.log`;
}

const runtimeOf = (pod: Pod) => pod.status.containerStatuses[0].containerID.split("://")[0];

let clock = Date.parse("2026-11-23T08:00:00Z");
/** RFC 3339 with nanoseconds, as both runtimes write it. */
const nextTime = () => new Date((clock += 1000)).toISOString().replace("Z", "123456Z");

/**
 * One line a container wrote, as its runtime stores it: containerd/CRI-O (`<time> <stream> P|F
 * <text>`, split into `P` pieces) or Docker's json-file (`{"log", "stream", "time"}`, lines over
 * 16 KiB split into pieces without the trailing newline). `pieces` is where to cut.
 */
function containerLine(pod: Pod, text: string, pieces: number[] = []): string {
  const time = nextTime();
  const cuts = [0, ...pieces, text.length];
  const parts = cuts.slice(1).map((end, i) => text.slice(cuts[i], end));
  if (runtimeOf(pod) === "docker") {
    return parts.map((part, i) => JSON.stringify({ log: part + (i === parts.length - 1 ? "\n" : ""), stream: "stdout", time })).join("\n") + "\n";
  }
  return parts.map((part, i) => `${time} stdout ${i === parts.length - 1 ? "F" : "P"} ${part}`).join("\n") + "\n";
}

/** Pieces of 16 KiB, as both runtimes split long lines. */
const every16K = (length: number) => Array.from({ length: Math.ceil(length / 16384) - 1 }, (_, i) => (i + 1) * 16384);

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const token = (length: number, alphabet = ALNUM, seed = 7) =>
  Array.from({ length }, (_, i) => alphabet[(i * 31 + seed * 17 + ((i * i) % 13)) % alphabet.length]).join("");

/** Values that must not reach the aggregator in clear. */
const SECRETS = {
  password: "Hunter2!Hunter2",
  password2: "c0rrect-h0rse-battery",
  userId: "u-100193",
  email: "dana.whitfield@example.com",
  email2: "bob.k@example.org",
  email3: "carol.n@example.net",
  card: "4111111111111111",
  cardSpaced: "5500 0000 0000 0004",
  cardSplit: "4000 0566 5566 5556",
  amex: "378282246310005",
  github: "ghp_" + token(36),
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEwMDE5MyIsInJvbGUiOiJhZG1pbiJ9.4pcPyMD09olPSyXnrXCjTwXyr4BsezdI1AVTmud2fU4",
  aws: "AKIA" + token(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
  dbPassword: "S3cr3tPw0rd",
  stripe: "sk_live_" + token(24, ALNUM, 3),
};

const auditFixture = (file: string, note: string) => {
  const cases: { note: string; event: object }[] = JSON.parse(readFileSync(repoPath(`tests/fixtures/audit/${file}`), "utf8"));
  const found = cases.find((c) => c.note === note);
  if (!found) throw new Error(`tests/fixtures/audit/${file}: no case "${note}"`);
  return JSON.stringify(found.event) + "\n";
};

interface Phase {
  /** Text appended to each container log file (by pod name prefix) and to the audit log. */
  containers: Record<string, string>;
  audit: string;
  /** Records that reach the output (lines minus those the policy drops). */
  records: number;
}

function phaseOne(): Phase {
  const web = podNamed("web"), api = podNamed("api"), bulk = podNamed("bulk");
  const json = (o: object) => JSON.stringify(o);
  const webLines =
    containerLine(web, json({ level: "info", msg: "user logged in", user_id: SECRETS.userId, password: SECRETS.password, email: SECRETS.email })) +
    // DEBUG is below the policy's min_level INFO: dropped, and the next record says so.
    containerLine(web, json({ level: "debug", msg: "session cache warm", session: "s-42" })) +
    containerLine(web, json({ level: "info", msg: "checkout", card_number: SECRETS.card, note: `paid with ${SECRETS.cardSpaced}` })) +
    // A line the runtime split in two (`P` then `F`), the card number across the cut: found only if joined.
    containerLine(web, `ERROR payment failed for card ${SECRETS.cardSplit} token ${SECRETS.github} rejected`, [37]) +
    containerLine(web, json({ level: "warn", msg: "upstream call", headers: { authorization: `Bearer ${SECRETS.jwt}` } }));
  const longText = `ERROR stack trace follows ${"at com.example.Payments.charge(Payments.java:42) ".repeat(400)}contact ${SECRETS.email2}`;
  const apiLines =
    // payments is gated at WARN: this INFO record is dropped.
    containerLine(api, json({ level: "info", msg: "payment accepted", amount: 12.5 })) +
    containerLine(api, json({ level: "warn", msg: "retrying provider", key: SECRETS.aws })) +
    // Over 16 KiB: Docker's json-file splits it, the docker multiline parser joins it again.
    containerLine(api, longText, every16K(longText.length)) +
    containerLine(api, json({ level: "error", msg: "db connect failed", dsn: `postgres://app:${SECRETS.dbPassword}@db.payments:5432/pay` }));
  const blob = json({ level: "info", msg: "bulk export", blob: "Q".repeat(MiB - 60) });
  const bigText = `INFO export dump ${"z".repeat(MiB - 80)} api_key=${SECRETS.stripe}`;
  const bulkLines = containerLine(bulk, blob, every16K(blob.length)) + containerLine(bulk, bigText, every16K(bigText.length));
  const audit =
    auditFixture("execution.json", "kubectl exec -it into a pod") +
    auditFixture("credentials.json", "a contractor asks the cluster CA for a client certificate") +
    auditFixture("execution.json", "the exec request as received (stage RequestReceived)") +
    auditFixture("execution.json", "reading a pod's logs");
  return { containers: { web: webLines, api: apiLines, bulk: bulkLines }, audit, records: 4 + 3 + 2 + 4 };
}

/** Appended while Fluent Bit is stopped: read on the next start from the tail database's offsets. */
function phaseTwo(): Phase {
  const web = podNamed("web"), api = podNamed("api"), bulk = podNamed("bulk");
  const json = (o: object) => JSON.stringify(o);
  return {
    containers: {
      web:
        containerLine(web, json({ level: "debug", msg: "shutdown hooks" })) +
        containerLine(web, json({ level: "info", msg: "user logged out", email: SECRETS.email3, password: SECRETS.password2 })),
      api: containerLine(api, json({ level: "error", msg: "refund failed", card_number: SECRETS.amex })),
      bulk: containerLine(bulk, json({ level: "info", msg: "export done", rows: 1048576 })),
    },
    audit:
      auditFixture("secrets.json", "a user reads a Secret") +
      auditFixture("credentials.json", "a user mints a year-long token for a kube-system service account"),
    records: 1 + 1 + 1 + 2,
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario: aggregator up, edge run 1, edge stopped, more input, edge run 2, all stopped.

/** The node's directories (as the support module rewrites them) plus the run's root and output. */
type Layout = Pick<NodeLayout, "containers" | "auditLog" | "meta" | "policy" | "keys" | "state" | "fluentBitState"> & {
  root: string;
  out: string;
};

interface Scenario {
  layout: Layout;
  /** Output lines after the first run, and after the second. */
  firstRun: string[];
  lines: string[];
  records: Record<string, any>[];
  processes: FluentBitProcess[];
  /** The aggregator's log before the certificate probes (which it logs as errors). */
  aggregatorLog: string;
  exitCodes: (number | null)[];
  probes: { withCertificate: Probe; withoutCertificate: Probe };
  expected: { first: number; total: number };
}

function makeLayout(): Layout {
  const root = mkdtempSync(join(tmpdir(), "logseal-e2e-"));
  const dir = (name: string) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const layout: Layout = {
    root,
    containers: dir("var/log/containers"),
    auditLog: join(dir("var/log/kubernetes/audit"), "audit.log"),
    meta: dir("kube-meta"),
    policy: dir("etc/logseal/policy"),
    keys: dir("etc/logseal/keys"),
    state: dir("var/lib/logseal"),
    fluentBitState: dir("var/lib/fluent-bit/logseal"),
    out: join(dir("out"), "sealed.ndjson"),
  };
  // Key files are text of at least 32 characters (assembly/policy/keys.ts), as `openssl rand -hex 32` makes.
  writeFileSync(join(layout.keys, "seal.key"), randomBytes(32).toString("hex") + "\n");
  writeFileSync(join(layout.keys, "pseudonym.key"), randomBytes(32).toString("hex") + "\n");
  // What the Helm kit's prepare-state.sh writes: the node's name, named in every seal.
  writeFileSync(join(layout.state, "logseal.origin"), "e2e-node\n");
  writeFileSync(join(layout.policy, "logseal.policy.json"), JSON.stringify(testPolicy(layout), null, 2));
  for (const pod of PODS) writeFileSync(join(layout.meta, `${pod.metadata.namespace}_${pod.metadata.name}.meta`), JSON.stringify(pod));
  return layout;
}

/** samples/policy.example.yaml in the JSON form the module reads, with the test's paths. */
function testPolicy(layout: Layout): any {
  const policy = parseYaml(readFileSync(repoPath("samples/policy.example.yaml"), "utf8"));
  policy.redact.pseudonym.key_file = join(layout.keys, "pseudonym.key");
  // The override ends at a fixed date: the gating below must not depend on today's date.
  delete policy.enrich.gate.override;
  // The example names the Kubernetes mount points; here they are temp directories.
  policy.seal = {
    ...policy.seal,
    key_file: join(layout.keys, "seal.key"),
    state_file: join(layout.state, "logseal.state"),
    origin_file: join(layout.state, "logseal.origin"),
  };
  return policy;
}

function append(layout: Layout, phase: Phase): void {
  for (const [prefix, text] of Object.entries(phase.containers)) appendFileSync(join(layout.containers, logFileName(podNamed(prefix))), text);
  appendFileSync(layout.auditLog, phase.audit);
}

interface Probe {
  handshake: boolean;
  /** Bytes the aggregator sent (the forward protocol's HELO when the connection is accepted). */
  received: number;
  error?: string;
}

/** A TLS connection to the aggregator, with or without the client certificate. */
function probe(port: number, certs: Certificates, withCertificate: boolean): Promise<Probe> {
  return new Promise((resolve) => {
    const result: Probe = { handshake: false, received: 0 };
    const socket = tlsConnect({
      host: "127.0.0.1",
      port,
      ca: readFileSync(certs.ca),
      ...(withCertificate ? { cert: readFileSync(certs.clientCrt), key: readFileSync(certs.clientKey) } : {}),
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(done, 3000);
    socket.on("secureConnect", () => (result.handshake = true));
    socket.on("data", (data: Buffer) => {
      result.received += data.length;
      done();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      result.error = error.code ?? error.message;
      done();
    });
    socket.on("close", done);
  });
}

async function runScenario(wasmPath: string): Promise<Scenario> {
  const layout = makeLayout();
  const certs = makeCertificates(join(layout.root, "tls"));
  const port = await freePort();
  const env = {
    NODE_NAME: "e2e-node",
    LOGSEAL_FORWARD_HOST: "127.0.0.1",
    LOGSEAL_FORWARD_SHARED_KEY: randomBytes(32).toString("hex"),
  };
  const edgeConfig = writeYamlConfig(
    join(layout.root, "fluent-bit.yaml"),
    nodeConfig({ ...layout, wasmPath, forward: { port, certs } }),
  );
  const aggregatorFile = writeYamlConfig(join(layout.root, "aggregator.yaml"), aggregatorConfig(port, certs, layout.out));
  const processes: FluentBitProcess[] = [];
  const exitCodes: (number | null)[] = [];
  const aggregator = startFluentBit("aggregator", aggregatorFile, env);
  processes.push(aggregator);
  try {
    // (A bare TCP probe would show as a TLS error in its log.)
    await waitUntil("the aggregator to listen", () => aggregator.log().includes(`listening on 127.0.0.1:${port}`), 15_000, processes);
    const first = phaseOne();
    const second = phaseTwo();
    const total = first.records + second.records;

    append(layout, first);
    const edge1 = startFluentBit("edge, first run", edgeConfig, env);
    processes.push(edge1);
    await waitUntil(`${first.records} records at the aggregator`, () => countLines(layout.out) >= first.records, 30_000, processes);
    exitCodes.push(await edge1.stop());
    const firstRun = readLines(layout.out);

    append(layout, second);
    const edge2 = startFluentBit("edge, second run", edgeConfig, env);
    processes.push(edge2);
    await waitUntil(`${total} records at the aggregator`, () => countLines(layout.out) >= total, 30_000, processes);
    exitCodes.push(await edge2.stop());

    const aggregatorLog = aggregator.log();
    const probes = {
      withCertificate: await probe(port, certs, true),
      withoutCertificate: await probe(port, certs, false),
    };
    exitCodes.push(await aggregator.stop());
    const lines = readLines(layout.out);
    return {
      layout, firstRun, lines, records: lines.map((l) => JSON.parse(l)), processes, aggregatorLog, exitCodes, probes,
      expected: { first: first.records, total },
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
}

const readLines = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0) : []);

/** Runs `check`; a failure carries the Fluent Bit logs. */
function withLogs(scenario: Scenario, check: () => void): void {
  try {
    check();
  } catch (error) {
    (error as Error).message += "\n" + logsOf(scenario.processes, 40);
    throw error;
  }
}

const chainOf = (records: Record<string, any>[], name: string) => records.filter((r) => r._seal.c.includes(name));

/** `logseal verify --key-file seal.key FILE` (and `--json`). */
function verify(scenario: Scenario, file: string, json = false) {
  return logsealCli(["verify", "--key-file", join(scenario.layout.keys, "seal.key"), "--origin", "e2e-node", ...(json ? ["--json"] : []), file]);
}

/** A doctored copy of the output; returns its path. */
function doctored(scenario: Scenario, name: string, lines: string[]): string {
  const path = join(scenario.layout.root, `doctored-${name}.ndjson`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

// ---------------------------------------------------------------------------------------------

const aot = FLUENT_BIT ? buildAot() : null;

if (!FLUENT_BIT) {
  describe.skip(NO_FLUENT_BIT_MESSAGE, () => it("skipped", () => {}));
  console.warn(NO_FLUENT_BIT_MESSAGE);
} else {
  const modules: [string, string | null][] = [["interpreted .wasm", RELEASE_WASM], [`ahead-of-time ${aot ? basename(aot) : ".aot"}`, aot]];

  describe.each(modules)(`shipped node pipeline in real Fluent Bit (${fluentBitVersion()}), edge -> mTLS -> aggregator: %s`, (_label, wasmPath) => {
    let scenario: Scenario;
    const skip = () => {
      if (!wasmPath) console.warn("no flb-wamrc/wamrc: AOT run skipped");
      return !wasmPath;
    };
    beforeAll(async () => {
      if (wasmPath) scenario = await runScenario(wasmPath);
    }, 180_000);
    afterAll(() => {
      if (scenario && !process.env.LOGSEAL_E2E_KEEP) rmSync(scenario.layout.root, { recursive: true, force: true });
    });

    it("delivers every record the policy keeps, once, with no error in either Fluent Bit's log", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const logs = [...scenario.processes.slice(1).map((p) => p.log()), scenario.aggregatorLog].join("\n");
        expect(errorLines(logs)).toEqual([]);
        expect(scenario.exitCodes).toEqual([0, 0, 0]);
        expect(scenario.firstRun).toHaveLength(scenario.expected.first);
        expect(scenario.lines).toHaveLength(scenario.expected.total);
        expect(scenario.lines.slice(0, scenario.firstRun.length)).toEqual(scenario.firstRun);
        for (const record of scenario.records) {
          expect(record._seal).toBeDefined();
          expect(record.logseal_error).toBeUndefined();
        }
        // The state is where the policy puts it, and the buffer is on disk.
        expect(readdirSync(scenario.layout.state)).toContain("logseal.state");
        expect(existsSync(join(scenario.layout.fluentBitState, "storage"))).toBe(true);
      });
    });

    it("runs the kubernetes filter offline (preloaded pod metadata) and the runtimes' multiline parsers", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        for (const pod of PODS) {
          const chain = chainOf(scenario.records, pod.metadata.name);
          expect(chain.length, pod.metadata.name).toBeGreaterThan(0);
          for (const record of chain) {
            expect(record.kubernetes).toMatchObject({ pod_name: pod.metadata.name, namespace_name: pod.metadata.namespace, labels: expect.any(Object) });
            expect(record.kubernetes.annotations).toBeUndefined();
            expect(record.cluster).toBe("shop-prod-eu-1"); // enrich.static
          }
        }
        // logseal lifted the JSON lines (policy input.lift; Merge_Log is off): top-level fields, no `log`.
        const checkout = chainOf(scenario.records, "web").find((r) => r.msg === "checkout")!;
        expect(checkout.log).toBeUndefined();
        // CRI `P` + `F`, and Docker's 16 KiB pieces, each came out as one record.
        const split = chainOf(scenario.records, "web").find((r) => typeof r.log === "string" && r.log.startsWith("ERROR payment failed"))!;
        expect(split.log).toContain("rejected");
        const long = chainOf(scenario.records, "api").find((r) => typeof r.log === "string" && r.log.startsWith("ERROR stack trace"))!;
        expect(long.log.length).toBeGreaterThan(16384);
        expect(long.severity_text).toBe("ERROR");
      });
    });

    it("names every record's file and line offset, and no line of any file was lost before the filter", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const coverage = new SourceCoverage();
        scenario.records.forEach((record, i) => coverage.add(record, scenario.layout.out, i + 1));
        const result = coverage.finish();
        expect(result.unsourced).toBe(0);
        expect(result.records).toBe(scenario.records.length);
        // Every file, all of it: the lines the policy gated were dropped after the filter, and the seals count them.
        expect(result.complete, formatCompleteness(result)).toBe(true);
        const audit = result.files.find((f) => f.path === scenario.layout.auditLog)!;
        expect(audit.bytes).toBe(statSync(scenario.layout.auditLog).size);
        // CRI files: covered to the byte, but for the partial lines of a joined record that is a
        // file's first (listed as its head: where they began is not in the record).
        for (const pod of PODS.filter((p) => runtimeOf(p) !== "docker")) {
          const file = result.files.find((f) => f.path.endsWith(logFileName(pod)))!;
          const head = result.gaps.filter((g) => g.path === file.path && g.kind === "head").reduce((n, g) => n + g.bytes, 0);
          expect(file.bytes + head, pod.metadata.name).toBe(statSync(join(scenario.layout.containers, logFileName(pod))).size);
          if (head > 0) expect(file.joined, pod.metadata.name).toBeGreaterThan(0);
        }
        expect(result.gaps.filter((g) => g.kind !== "head")).toEqual([]);
      });
    });

    it("leaves no secret in clear in what the aggregator wrote", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const bytes = readFileSync(scenario.layout.out, "utf8");
        const leaked = Object.entries(SECRETS).filter(([, value]) => bytes.includes(value));
        expect(leaked).toEqual([]);
        const web = chainOf(scenario.records, "web");
        const login = web.find((r) => r.msg === "user logged in")!;
        expect(login.password).toBeUndefined(); // remove
        expect(login.user_id).toMatch(/^pseu:[0-9a-f]{16}$/); // hash
        expect(login.email).toMatch(/^pseu:[0-9a-f]{16}$/); // detector: hash
        const checkout = web.find((r) => r.msg === "checkout")!;
        expect(checkout.card_number).toMatch(/1111$/); // mask keep_last 4
        const split = web.find((r) => typeof r.log === "string" && r.log.startsWith("ERROR payment failed"))!;
        expect(split.log).toContain("**** **** **** 5556"); // found across the runtime's cut
        expect(split.redaction.found).toMatchObject({ card: 1, github_token: 1 });
      });
    });

    it("classifies audit events with their rule and ATT&CK ids", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const audit = chainOf(scenario.records, "kube-audit");
        expect(audit).toHaveLength(6);
        const exec = audit.find((r) => r.objectRef?.subresource === "exec" && r.stage === "ResponseComplete")!;
        expect(exec.audit.rules).toContain("pod-exec");
        expect(exec.audit.attack).toContain("T1609");
        const csr = audit.find((r) => r.objectRef?.resource === "certificatesigningrequests")!;
        expect(csr.audit).toMatchObject({ rule: "csr-created", category: "credential-access", attack: ["T1649"] });
        // The same exec at stage RequestReceived, and a log read: not classified.
        expect(audit.find((r) => r.stage === "RequestReceived")!.audit).toBeUndefined();
        expect(audit.find((r) => r.objectRef?.subresource === "log")!.audit).toBeUndefined();
        // Second run.
        expect(audit.find((r) => r.objectRef?.resource === "secrets")!.audit).toMatchObject({ rule: "secret-read", attack: ["T1552.007"] });
        expect(audit.find((r) => r.objectRef?.subresource === "token")!.audit).toMatchObject({ rule: "token-requested", attack: ["T1528", "T1550.001"] });
      });
    });

    it("passes 1 MiB bodies, rebuilt from 16 KiB CRI pieces, with the shipped wasm_heap_size", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const bulk = chainOf(scenario.records, "bulk");
        expect(bulk).toHaveLength(3);
        expect(bulk[0].blob).toBe("Q".repeat(MiB - 60));
        expect(bulk[1].log.length).toBeGreaterThan(MiB - 80);
        // A token at the very end of 1 MiB of text is still found.
        expect(bulk[1].log.endsWith(" api_key=[REDACTED]")).toBe(true);
        expect(bulk[1].redaction.found).toEqual({ stripe_key: 1 });
      });
    });

    it("drops what the policy gates and accounts for it in the next sealed record", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const web = chainOf(scenario.records, "web");
        const api = chainOf(scenario.records, "api");
        expect(web.map((r) => r.severity_text)).not.toContain("DEBUG");
        expect(api.find((r) => r.msg === "payment accepted")).toBeUndefined(); // INFO, payments gated at WARN
        expect(web.find((r) => r.msg === "checkout")!._seal.d).toBe(1);
        expect(web.find((r) => r.msg === "user logged out")!._seal.d).toBe(1);
        expect(api.find((r) => r.msg === "retrying provider")!._seal.d).toBe(1);
        const result = JSON.parse(verify(scenario, scenario.layout.out, true).stdout);
        const dropped = Object.fromEntries(result.chains.map((c: any) => [c.chain.includes("web") ? "web" : c.chain.includes("api") ? "api" : c.chain, c.dropped]));
        expect(dropped.web).toBe(2);
        expect(dropped.api).toBe(1);
        expect(result.byReason.deleted).toBeUndefined();
      });
    });

    it("chains verify with logseal verify --key-file seal.key", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const run = verify(scenario, scenario.layout.out);
        expect(run.stderr).toBe("");
        expect(run.status, run.stdout).toBe(0);
        const rows = run.stdout.split("\n").filter((l) => l.startsWith("e2e-node "));
        expect(rows).toHaveLength(4);
        // The example policy evolves keys (forward security): any epoch range is fine here.
        for (const row of rows) expect(row).toMatch(/ kube\S*\s+\d+\s+0-\d+\s+genesis\s+blake2b-keyed e[\d-]+\s+1\s+\d+\s+ok$/);
        expect(run.stdout).toContain(`${scenario.expected.total} records in 4 chains`);
        expect(run.stdout).toMatch(/: OK\n$/);
      });
    });

    it("continues every chain across the restart: sequence numbers go on, the first record says resume", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const firstRun = scenario.firstRun.length;
        const chains = new Map<string, Record<string, any>[]>();
        scenario.records.forEach((r, i) => chains.set(r._seal.c, [...(chains.get(r._seal.c) ?? []), { ...r, _line: i }]));
        expect(chains.size).toBe(4);
        // The tally works inside Fluent Bit's WAMR: exactly one chain (the last to seal) resumed beyond its saved line.
        expect(scenario.records.filter((r) => r._seal.u !== undefined)).toHaveLength(1);
        for (const [chain, records] of chains) {
          const seals = records.map((r) => r._seal);
          expect(seals.map((s) => s.s), chain).toEqual(seals.map((_, i) => i));
          expect(seals[0].g).toBe("new");
          const resumedAt = records.findIndex((r) => r._line >= firstRun);
          expect(resumedAt, chain).toBeGreaterThan(0);
          expect(seals[resumedAt].g).toBe("resume");
          // Linked to the last record, or (the chain that sealed last, tallied in the state file's
          // time) to the saved head u records before it.
          expect(seals[resumedAt].p).toBe(seals[resumedAt - 1 - (seals[resumedAt].u ?? 0)].m);
          expect(seals.filter((s) => s.g !== undefined)).toHaveLength(2);
        }
        const result = JSON.parse(verify(scenario, scenario.layout.out, true).stdout);
        expect(result.ok).toBe(true);
        for (const chain of result.chains) expect(chain.resumed).toBe(1);
      });
    });

    it("fails a doctored copy: a value changed, a line deleted, two lines swapped, naming reason and line", () => {
      if (skip()) return;
      withLogs(scenario, () => {
        const lines = scenario.lines;
        const records = scenario.records;
        const at = (predicate: (r: any) => boolean) => records.findIndex(predicate);

        const changedAt = at((r) => r.msg === "retrying provider");
        const changed = [...lines];
        changed[changedAt] = changed[changedAt].replace('"retrying provider"', '"provider ok"');
        const modified = verify(scenario, doctored(scenario, "modified", changed));
        expect(modified.status).toBe(1);
        expect(modified.stdout).toContain(`doctored-modified.ndjson:${changedAt + 1}: modified`);

        // The web chain's second record: the third one then reports the gap.
        const web = records.map((r, i) => [r, i] as const).filter(([r]) => r._seal.c.includes("web"));
        const deletedAt = web[1][1];
        const deleted = verify(scenario, doctored(scenario, "deleted", lines.filter((_, i) => i !== deletedAt)));
        expect(deleted.status).toBe(1);
        const nextLine = web[2][1]; // 1-based line of the next web record, one line earlier after the delete
        expect(deleted.stdout).toContain(`doctored-deleted.ndjson:${nextLine}: deleted`);
        expect(deleted.stdout).toContain("seq 1 is missing");

        const [a, b] = [web[2][1], web[3][1]];
        const swapped = [...lines];
        [swapped[a], swapped[b]] = [swapped[b], swapped[a]];
        const reordered = verify(scenario, doctored(scenario, "swapped", swapped));
        expect(reordered.status).toBe(1);
        expect(reordered.stdout).toContain(`doctored-swapped.ndjson:${b + 1}: reordered`);
        expect(reordered.stdout).toMatch(/FAILED \(.*reordered/);
      });
    });

    it("takes only clients with a certificate from its CA (mutual TLS)", () => {
      if (skip()) return;
      const { withCertificate, withoutCertificate } = scenario.probes;
      expect(withCertificate.handshake).toBe(true);
      expect(withCertificate.error).toBeUndefined();
      expect(withCertificate.received).toBeGreaterThan(0); // the forward protocol's HELO
      expect(withoutCertificate.received, JSON.stringify(withoutCertificate)).toBe(0);
      expect(withoutCertificate.error).toBeDefined();
      expect(scenario.processes[0].log()).toContain("peer did not return a certificate");
    });
  });

  // Every AOT file the image ships that this CPU can run (the portable one too, not only the pick).
  const portable = aot && aot !== AOT_FILES[0] ? [["ahead-of-time logseal.aot (x86-64-v2)", AOT_FILES[0]] as [string, string]] : [];
  describe.each([...modules, ...portable])(`real Fluent Bit (${fluentBitVersion()}), one-shot runs: %s`, (_label, wasmPath) => {
    const run = wasmPath ? (lines: string[]) => runFluentBit({ lines, wasmPath }) : null;

    it("passes records from 100 B to 1 MiB with the default wasm_heap_size, none dropped, no errors", () => {
      if (!run) return console.warn("no flb-wamrc/wamrc: AOT run skipped");
      const result = run(SIZES.map(sized));
      expect(errorLines(result.log), result.log).toEqual([]);
      expect(result.records.map((r) => r.n), result.log).toEqual(SIZES.map((n) => n));
      for (const record of result.records) expect((record.log as string).length).toBe((record.n as number) - 12);
    });

    it("redacts what the default policy covers", () => {
      if (!run) return;
      const result = run([JSON.stringify({ log: "login ok", password: "hunter2", kubernetes: { pod_name: "p", annotations: { a: "b" } } })]);
      expect(errorLines(result.log), result.log).toEqual([]);
      const [record] = result.records;
      expect(record.password).toBe("[REDACTED]");
      expect(record.kubernetes).toEqual({ pod_name: "p" });
    });

    it("turns a body it cannot parse into an error record instead of losing it", () => {
      if (!run) return;
      // Fluent Bit only hands over JSON objects; an invalid UTF-8 byte is the closest real case.
      const result = run([JSON.stringify({ log: "ok" }), JSON.stringify({ log: "after" })]);
      expect(result.records, result.log).toHaveLength(2);
    });
  });
}
