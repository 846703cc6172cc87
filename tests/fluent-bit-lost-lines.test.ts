// The Fluent Bit 5.1.1 defect of docs/known-issues.md, in a real Fluent Bit (skipped with a
// message when there is none): a line nested exactly 64 deep, read through Fluent Bit's JSON
// parser (or merged by the kubernetes filter's Merge_Log), is lost with every line after it in
// its buffer, silently. Through the shipped kit (no JSON parser in front of logseal) every line
// arrives, lifted and sealed, and the source files verify complete from their offsets.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SourceCoverage, formatCompleteness } from "../cli/completeness.js";
import { repoPath } from "./support/fluent-bit-config.js";
import { RELEASE_WASM } from "./support/filter.js";
import {
  FLUENT_BIT,
  NO_FLUENT_BIT_MESSAGE,
  countLines,
  errorLines,
  fluentBitVersion,
  logsealCli,
  nodeConfig,
  startFluentBit,
  waitUntil,
  writeYamlConfig,
  type NodeLayout,
} from "./support/fluent-bit.js";

/** `n` objects nested in one another: {"d":{"d":...{"x":1}}} is n deep. */
const nested = (n: number) => '{"d":'.repeat(n - 1) + '{"x":1}' + "}".repeat(n - 1);

/** The reproduction: 5 plain JSON lines, one line `depth` deep (`{"i":5,"deep":...}`), 994 plain lines. */
function reproduction(depth: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) lines.push(i === 5 ? `{"i":5,"deep":${nested(depth - 1)}}` : `{"i":${i}}`);
  return lines;
}

const fileOf = (lines: (string | Buffer)[]) => Buffer.concat(lines.flatMap((l) => [Buffer.from(l), Buffer.from("\n")]));
const lineStarts = (lines: string[]) => {
  let offset = 0;
  return lines.map((l) => {
    const at = offset;
    offset += Buffer.byteLength(l) + 1;
    return at;
  });
};

/** The kit's policy (samples/policy.example.yaml) with a test's key and state paths. */
function kitPolicy(dir: { keys: string; state: string }): any {
  const policy = parseYaml(readFileSync(repoPath("samples/policy.example.yaml"), "utf8"));
  policy.redact.pseudonym.key_file = join(dir.keys, "pseudonym.key");
  delete policy.enrich.gate.override;
  policy.seal = { ...policy.seal, key_file: join(dir.keys, "seal.key"), state_file: join(dir.state, "logseal.state"), origin_file: join(dir.state, "logseal.origin") };
  return policy;
}

function moduleDirs(root: string) {
  const dir = (name: string) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const dirs = { policy: dir("etc/logseal/policy"), keys: dir("etc/logseal/keys"), state: dir("var/lib/logseal") };
  writeFileSync(join(dirs.keys, "seal.key"), randomBytes(32).toString("hex") + "\n");
  writeFileSync(join(dirs.keys, "pseudonym.key"), randomBytes(32).toString("hex") + "\n");
  writeFileSync(join(dirs.state, "logseal.origin"), "lost-lines-node\n");
  writeFileSync(join(dirs.policy, "logseal.policy.json"), JSON.stringify(kitPolicy(dirs)));
  return dirs;
}

/**
 * One run of tail (with Fluent Bit's JSON parser, as the kit did before) -> logseal -> file,
 * to the end of the file: the records that came out.
 */
function throughJsonParser(lines: string[]): { records: any[]; log: string; size: number; path: string } {
  const root = mkdtempSync(join(tmpdir(), "logseal-lost-"));
  const dirs = moduleDirs(root);
  const input = join(root, "audit.log");
  writeFileSync(input, fileOf(lines));
  writeFileSync(join(root, "parsers.yaml"), "parsers:\n  - name: kube-audit\n    format: json\n");
  const config = {
    service: { flush: 0.2, grace: 1, log_level: "info", parsers_file: join(root, "parsers.yaml") },
    pipeline: {
      inputs: [{ name: "tail", tag: "kube-audit.x", path: input, parser: "kube-audit", read_from_head: true, exit_on_eof: true, path_key: "file", offset_key: "offset" }],
      filters: [{ name: "wasm", match: "*", wasm_path: RELEASE_WASM, function_name: "logseal_filter", event_format: "json", accessible_paths: `${dirs.policy},${dirs.keys},${dirs.state}`, wasm_heap_size: "8K", wasm_stack_size: "64K" }],
      outputs: [{ name: "file", match: "*", path: root, file: "out.ndjson", format: "plain" }],
    },
  };
  const configPath = writeYamlConfig(join(root, "fluent-bit.yaml"), config);
  const run = startFluentBitSync(configPath);
  const out = join(root, "out.ndjson");
  const records = readLines(out).map((l) => JSON.parse(l));
  rmSync(root, { recursive: true, force: true });
  return { records, log: run, size: fileOf(lines).length, path: input };
}

function startFluentBitSync(configPath: string): string {
  const run = spawnSync(FLUENT_BIT!, ["-c", configPath], { encoding: "utf8", timeout: 120_000 });
  return (run.stdout ?? "") + (run.stderr ?? "");
}

const readLines = (path: string) => {
  try {
    return readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
  } catch {
    return [];
  }
};

// The shipped node pipeline (fluent-bit/fluent-bit.yaml), as tests/fluent-bit-e2e.test.ts runs it.
interface Pod {
  metadata: { name: string; namespace: string };
  status: { containerStatuses: { name: string; containerID: string }[] };
}
const PODS: Pod[] = JSON.parse(readFileSync(repoPath("tests/fixtures/e2e/pods.json"), "utf8"));
const criPod = PODS.find((p) => p.status.containerStatuses[0].containerID.startsWith("containerd://"))!;
const logFileName = (pod: Pod) => {
  const { name, containerID } = pod.status.containerStatuses[0];
  return `${pod.metadata.name}_${pod.metadata.namespace}_${name}-${containerID.split("://")[1]}.log`;
};

interface KitRun {
  records: any[];
  lines: string[];
  log: string;
  layout: NodeLayout & { root: string; outFile: string };
  auditSize: number;
  containerPath: string;
  containerSize: number;
}

/** The reproduction as the audit log and as a CRI container log, through the shipped config (or one changed by `edit`). */
async function throughKit(lines: (string | Buffer)[], edit: (doc: any) => void = () => {}, expected = 2 * lines.length, load = true): Promise<KitRun> {
  const root = mkdtempSync(join(tmpdir(), "logseal-kit-"));
  const dirs = moduleDirs(root);
  const dir = (name: string) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const layout = {
    root,
    containers: dir("var/log/containers"),
    auditLog: join(dir("var/log/kubernetes/audit"), "audit.log"),
    meta: dir("kube-meta"),
    ...dirs,
    fluentBitState: dir("var/lib/fluent-bit/logseal"),
    wasmPath: RELEASE_WASM,
    outFile: join(dir("out"), "sealed.ndjson"),
  };
  for (const pod of PODS) writeFileSync(join(layout.meta, `${pod.metadata.namespace}_${pod.metadata.name}.meta`), JSON.stringify(pod));
  writeFileSync(layout.auditLog, fileOf(lines));
  const containerPath = join(layout.containers, logFileName(criPod));
  const cri = lines.map((l, i) => Buffer.concat([Buffer.from(`2026-11-23T08:00:${String(i % 60).padStart(2, "0")}.123456789Z stdout F `), Buffer.from(l)]));
  writeFileSync(containerPath, fileOf(cri));
  const doc = nodeConfig(layout);
  edit(doc);
  const configPath = writeYamlConfig(join(root, "fluent-bit.yaml"), doc);
  const fb = startFluentBit("kit", configPath);
  try {
    await waitUntil(`${expected} records`, () => countLines(layout.outFile) >= expected, Math.max(60_000, expected * 3), [fb]).catch(() => {});
    // Nothing more comes: give a short while for stragglers, then stop.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } finally {
    await fb.stop();
  }
  // A large run is read record by record by its test instead (one string cannot hold it).
  const out = load ? readLines(layout.outFile) : [];
  return {
    records: out.map((l) => JSON.parse(l)),
    lines: out,
    log: fb.log(),
    layout,
    auditSize: statSync(layout.auditLog).size,
    containerPath,
    containerSize: statSync(containerPath).size,
  };
}

if (!FLUENT_BIT) {
  describe.skip(NO_FLUENT_BIT_MESSAGE, () => it("skipped", () => {}));
} else {
  describe(`lost lines in real Fluent Bit (${fluentBitVersion()})`, () => {
    describe("Fluent Bit's JSON parser in front of logseal (the kit before issue 16)", () => {
      const runs = new Map<number, ReturnType<typeof throughJsonParser>>();
      beforeAll(() => {
        for (const depth of [63, 64, 65]) runs.set(depth, throughJsonParser(reproduction(depth)));
      }, 120_000);

      it("loses the line nested 64 deep and the 994 after it, with no error logged; 63 and 65 lose nothing", () => {
        const lost = (depth: number) => 1000 - runs.get(depth)!.records.length;
        console.log(`JSON parser in front: lines lost at depth 63: ${lost(63)}, 64: ${lost(64)}, 65: ${lost(65)} (of 1000)`);
        expect(lost(63)).toBe(0);
        expect(lost(65)).toBe(0);
        expect(lost(64)).toBe(995);
        expect(runs.get(64)!.records.map((r) => r.i)).toEqual([0, 1, 2, 3, 4]);
        expect(errorLines(runs.get(64)!.log)).toEqual([]);
      });

      it("completeness from the source offsets names the bytes that never reached the filter", () => {
        const run = runs.get(64)!;
        const coverage = new SourceCoverage({ sizes: { [run.path]: run.size } });
        run.records.forEach((r, i) => coverage.add(r, "out.ndjson", i + 1));
        const result = coverage.finish();
        const starts = lineStarts(reproduction(64));
        console.log("JSON parser in front, completeness:\n" + formatCompleteness(result));
        expect(result.complete).toBe(false);
        // Parsed records carry no line length: the gap is known from the last line seen on.
        expect(result.gaps).toEqual([expect.objectContaining({ kind: "tail", start: starts[4], end: run.size })]);
      });
    });

    describe("the shipped kit: no JSON parser, logseal lifts", () => {
      let run: KitRun;
      beforeAll(async () => {
        run = await throughKit(reproduction(64));
      }, 120_000);
      afterAll(() => {
        if (run && !process.env.LOGSEAL_E2E_KEEP) rmSync(run.layout.root, { recursive: true, force: true });
      });

      it("1,000 of 1,000 lines arrive from the audit log and from a container log, every one sealed", () => {
        const audit = run.records.filter((r) => r.logseal_source?.path === run.layout.auditLog);
        const container = run.records.filter((r) => r.logseal_source?.path === run.containerPath);
        console.log(`shipped kit: ${audit.length} of 1000 audit lines, ${container.length} of 1000 container lines arrived`);
        expect(audit).toHaveLength(1000);
        expect(container).toHaveLength(1000);
        for (const r of run.records) expect(r._seal).toBeDefined();
        expect(errorLines(run.log)).toEqual([]);
      });

      it("lifted every line; the one 64 deep stays text with the reason (Fluent Bit would lose it lifted)", () => {
        for (const records of [run.records.filter((r) => r.logseal_source?.path === run.layout.auditLog), run.records.filter((r) => r.logseal_source?.path === run.containerPath)]) {
          expect(records.filter((r) => typeof r.i === "number").map((r) => r.i)).toEqual([...Array(1000).keys()].filter((i) => i !== 5));
          const deep = records.find((r) => typeof r.log === "string" && r.log.startsWith('{"i":5'))!;
          expect(deep.logseal_error).toContain("the record would be nested deeper than 63 (input.max_depth)");
          expect(JSON.parse(deep.log).i).toBe(5);
        }
        const container = run.records.find((r) => r.logseal_source?.path === run.containerPath && r.i === 7)!;
        expect(container.kubernetes.pod_name).toBe(criPod.metadata.name);
      });

      it("the chains verify, and both source files are complete", () => {
        const check = logsealCli(["verify", "--key-file", join(run.layout.keys, "seal.key"), run.layout.outFile]);
        expect(check.status, check.stdout + check.stderr).toBe(0);
        const coverage = new SourceCoverage({ sizes: { [run.layout.auditLog]: run.auditSize, [run.containerPath]: run.containerSize } });
        run.records.forEach((r, i) => coverage.add(r, run.layout.outFile, i + 1));
        const result = coverage.finish();
        console.log("shipped kit, completeness:\n" + formatCompleteness(result));
        expect(result.complete, formatCompleteness(result)).toBe(true);
        expect(result.files.map((f) => [f.path, f.bytes])).toEqual(
          [[run.layout.auditLog, run.auditSize], [run.containerPath, run.containerSize]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
      });
    });

    describe("the container path with Merge_Log (the kit before issue 16)", () => {
      let run: KitRun;
      beforeAll(async () => {
        run = await throughKit(reproduction(64), (doc) => {
          const kubernetes = doc.pipeline.filters.find((f: any) => f.name === "kubernetes");
          kubernetes.merge_log = "on";
          kubernetes.keep_log = "off";
        }, 1000 + 6);
      }, 120_000);
      afterAll(() => {
        if (run && !process.env.LOGSEAL_E2E_KEEP) rmSync(run.layout.root, { recursive: true, force: true });
      });

      it("loses the merged line nested 64 deep and lines after it; the audit log (no parser) loses none", () => {
        const container = run.records.filter((r) => r.logseal_source?.path === run.containerPath);
        const audit = run.records.filter((r) => r.logseal_source?.path === run.layout.auditLog);
        console.log(`Merge_Log on: ${1000 - container.length} of 1000 container lines lost; audit log: ${1000 - audit.length} lost`);
        expect(audit).toHaveLength(1000);
        expect(container.length).toBeLessThan(1000);
        const coverage = new SourceCoverage({ sizes: { [run.containerPath]: run.containerSize } });
        run.records.forEach((r, i) => coverage.add(r, run.layout.outFile, i + 1));
        const result = coverage.finish();
        console.log("Merge_Log on, completeness:\n" + formatCompleteness(result));
        // Merged records have no `log` left to measure their line by: the lost lines fall in spans
        // that records of unknown length were taken to cover, and the report says how many bytes.
        const file = result.files.find((f) => f.path === run.containerPath)!;
        expect(file.unverified.records).toBe(container.length);
        expect(file.unverified.bytes).toBeGreaterThan(0);
      });
    });

    describe("a hostile file through the shipped kit", () => {
      let run: KitRun;
      let lines: Buffer[];
      beforeAll(async () => {
        // LOGSEAL_HOSTILE_LINES: a larger run by hand (e.g. 1,000,000: docs/input.md).
        lines = hostileLines(HOSTILE_LINES);
        run = await throughKit(lines, undefined, undefined, false);
      }, Math.max(180_000, HOSTILE_LINES * 10));
      afterAll(() => {
        if (run && !process.env.LOGSEAL_E2E_KEEP) rmSync(run.layout.root, { recursive: true, force: true });
      });

      it("every line out and sealed, the files complete: invalid UTF-8, surrogate escapes, depths 1-600, 200 KB and cut lines, CRLF", async () => {
        const coverage = new SourceCoverage({ sizes: { [run.layout.auditLog]: run.auditSize, [run.containerPath]: run.containerSize } });
        let audit = 0, container = 0, unsealed = 0, n = 0;
        for await (const line of createInterface({ input: createReadStream(run.layout.outFile), crlfDelay: Infinity })) {
          if (line.length === 0) continue;
          const r = JSON.parse(line);
          if (r.logseal_source?.path === run.layout.auditLog) audit++;
          if (r.logseal_source?.path === run.containerPath) container++;
          if (r._seal === undefined) unsealed++;
          coverage.add(r, run.layout.outFile, ++n);
        }
        console.log(`hostile file: ${audit} of ${lines.length} audit lines, ${container} of ${lines.length} container lines arrived`);
        expect(audit).toBe(lines.length);
        expect(container).toBe(lines.length);
        expect(unsealed).toBe(0);
        const result = coverage.finish();
        console.log("hostile file, completeness:\n" + formatCompleteness(result));
        expect(result.complete, formatCompleteness(result)).toBe(true);
        for (const file of result.files) expect(file.unverified.records, file.path).toBe(0);
        // Under a backlog Fluent Bit may flush a later chunk of a tag before an earlier one (seen
        // with 100,000 lines: seq 70,977 after 74,999; docs/known-issues.md): every link is still
        // checked, only the order is tolerated.
        const check = logsealCli(["verify", "--allow-reorder", "--key-file", join(run.layout.keys, "seal.key"), run.layout.outFile], Math.max(120_000, HOSTILE_LINES));
        expect(check.status, check.stdout + check.stderr).toBe(0);
        // The verifier's own completeness report agrees (the same records, read from the store's lines).
        expect(check.stdout).toMatch(/^complete {2}/m);
        expect(check.stdout).not.toMatch(/INCOMPLETE/);
      }, Math.max(120_000, HOSTILE_LINES * 2));
    });
  });
}

const HOSTILE_LINES = Number(process.env.LOGSEAL_HOSTILE_LINES ?? 3000);

/** Lines an attacker or a broken program might write, deterministic. */
function hostileLines(count: number): Buffer[] {
  let seed = 16;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: Buffer[] = [];
  // A large run keeps the mix but spaces out what makes a file huge: a 200 KB line every 10,000
  // lines, and a deep line every 40th, its depth going through 1-600 in turn.
  const large = count > 10_000;
  for (let i = 0; i < count; i++) {
    let r = next();
    if (large) r = i % 10_000 === 5_000 ? 0.555 : i % 40 === 0 ? -1 : r < 0.25 || (r >= 0.55 && r < 0.56) ? 0.9 : r;
    let line: Buffer;
    if (r < 0) {
      line = Buffer.from(`{"i":${i},"deep":${nested(1 + ((i / 40) % 600))}}`);
    } else if (r < 0.25) {
      line = Buffer.from(`{"i":${i},"deep":${nested(1 + Math.floor(next() * 600))}}`);
    } else if (r < 0.4) {
      // Bytes that are not UTF-8, anywhere, also at the end.
      const bytes = [0xff, 0xfe, 0xc3, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0xc0, 0xaf, 0xf8];
      const parts: Buffer[] = [Buffer.from(`{"i":${i},"m":"x`)];
      for (let k = 0; k < 1 + Math.floor(next() * 4); k++) parts.push(Buffer.from([bytes[Math.floor(next() * bytes.length)]]), Buffer.from("y"));
      parts.push(Buffer.from(next() < 0.5 ? '"}' : ""));
      if (next() < 0.3) parts.push(Buffer.from([bytes[Math.floor(next() * bytes.length)]]));
      line = Buffer.concat(parts);
    } else if (r < 0.5) {
      line = Buffer.from(`{"i":${i},"s":"lone \\ud800 and \\udfff, pair \\ud83d\\ude00, é 中 😀"}`);
    } else if (r < 0.55) {
      // Cut in the middle of a character.
      const full = Buffer.from(`{"i":${i},"t":"naïve café 😀 中文"}`);
      line = full.subarray(0, 10 + Math.floor(next() * (full.length - 10)));
    } else if (r < 0.56) {
      line = Buffer.from(JSON.stringify({ i, big: "z".repeat(200_000) }));
    } else if (r < 0.6) {
      line = Buffer.from(`{"i":${i},"crlf":true}\r`);
    } else if (r < 0.63) {
      line = Buffer.from("");
    } else {
      line = Buffer.from(next() < 0.5 ? JSON.stringify({ i, level: "info", msg: `line ${i}` }) : `plain text line ${i} with "quotes" \\ and tabs\t`);
    }
    out.push(line);
  }
  return out;
}
