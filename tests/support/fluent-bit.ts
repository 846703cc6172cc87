// Runs a real Fluent Bit (FLUENT_BIT_BIN or `fluent-bit` on PATH) over local files: one-shot runs
// (tail an NDJSON input to its end, filter with logseal, write the records to a file), and
// long-running processes on the shipped configurations rewritten to temporary files and loopback.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { ROOT, readYaml, repoPath } from "./fluent-bit-config.js";

export function findFluentBit(): string | null {
  const configured = process.env.FLUENT_BIT_BIN;
  if (configured) return existsSync(configured) ? configured : null;
  try {
    return execFileSync("sh", ["-c", "command -v fluent-bit"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export const FLUENT_BIT = findFluentBit();
export const NO_FLUENT_BIT_MESSAGE =
  "no fluent-bit binary (set FLUENT_BIT_BIN or put fluent-bit on PATH): real Fluent Bit tests skipped";

export interface RunSpec {
  /** Input lines (record bodies as JSON text). */
  lines: string[];
  wasmPath: string;
  /** Directory pre-opened for the module (policy, keys, state); a new one if absent. */
  moduleDir?: string;
  tag?: string;
  /** Extra [SERVICE]/filter settings, e.g. { wasm_heap_size: "8192" }. */
  filterOptions?: Record<string, string>;
  /** Runs Fluent Bit under `strace -f -c`, its summary of system calls written to this file. */
  syscallSummary?: string;
}

export interface RunResult {
  records: Record<string, unknown>[];
  /** The output file's raw lines, as the verifier would read them. */
  outputLines: string[];
  log: string;
  dir: string;
  moduleDir: string;
  status: number | null;
}

export interface Pipeline {
  /** Input lines (record bodies as JSON text). */
  lines: string[];
  wasmPath: string;
  /** Directory pre-opened for the module (`accessible_paths`). */
  moduleDir: string;
  tag?: string;
  /** Seconds Fluent Bit waits for outputs at exit. */
  grace?: number;
  inputOptions?: Record<string, string | number>;
  filterOptions?: Record<string, string | number>;
  /** The output's settings, its `name` included (`match *` is added). */
  output: Record<string, string | number>;
}

const settings = (options: Record<string, string | number> = {}) => Object.entries(options).map(([k, v]) => `    ${k} ${v}\n`).join("");

/** Writes in.ndjson, parsers.conf and fluent-bit.conf into `dir`: tail (to end of file, JSON
 * parser) -> logseal -> the output. Returns the configuration's path. */
export function writePipeline(dir: string, p: Pipeline): string {
  writeFileSync(join(dir, "in.ndjson"), p.lines.join("\n") + "\n");
  writeFileSync(join(dir, "parsers.conf"), "[PARSER]\n    name json\n    format json\n");
  const config = join(dir, "fluent-bit.conf");
  writeFileSync(config, `[SERVICE]
    flush 0.2
    grace ${p.grace ?? 1}
    log_level info
    parsers_file ${join(dir, "parsers.conf")}
[INPUT]
    name tail
    tag ${p.tag ?? "kube.app"}
    path ${join(dir, "in.ndjson")}
    read_from_head true
    exit_on_eof true
    parser json
${settings(p.inputOptions)}[FILTER]
    name wasm
    match *
    wasm_path ${p.wasmPath}
    function_name logseal_filter
    event_format json
    accessible_paths ${p.moduleDir}
${settings(p.filterOptions)}[OUTPUT]
    match *
${settings(p.output)}`);
  return config;
}

/** One Fluent Bit run: tail (to end of file) -> wasm filter -> file output (JSON lines). */
export function runFluentBit(spec: RunSpec): RunResult {
  if (!FLUENT_BIT) throw new Error(NO_FLUENT_BIT_MESSAGE);
  const dir = mkdtempSync(join(tmpdir(), "logseal-fb-"));
  const moduleDir = spec.moduleDir ?? join(dir, "module");
  mkdirSync(moduleDir, { recursive: true });
  writePipeline(dir, {
    lines: spec.lines,
    wasmPath: spec.wasmPath,
    moduleDir,
    tag: spec.tag,
    inputOptions: { buffer_chunk_size: "1M", buffer_max_size: "32M" },
    filterOptions: spec.filterOptions,
    output: { name: "file", path: dir, file: "out.ndjson", format: "plain" },
  });
  const argv = [FLUENT_BIT, "-c", join(dir, "fluent-bit.conf")];
  if (spec.syscallSummary) argv.unshift("strace", "-f", "-c", "-o", spec.syscallSummary);
  const run = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 120_000 });
  const outPath = join(dir, "out.ndjson");
  const outputLines = existsSync(outPath) ? readFileSync(outPath, "utf8").split("\n").filter((l) => l.length > 0) : [];
  return {
    records: outputLines.map((l) => JSON.parse(l)),
    outputLines,
    log: (run.stdout ?? "") + (run.stderr ?? ""),
    dir,
    moduleDir,
    status: run.status,
  };
}

/** Log lines Fluent Bit wrote at error level or about wasm exceptions. */
export function errorLines(log: string): string[] {
  return log.split("\n").filter((l) => /\[\s*error\]|exception|warning: a module/i.test(l));
}

export function fluentBitVersion(): string {
  if (!FLUENT_BIT) return "";
  return spawnSync(FLUENT_BIT, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
}

/** The AOT files `make aot` writes: any x86-64 (v2), and AVX2/BMI2 CPUs (v3). */
export const AOT_FILES = ["logseal.aot", "logseal.x86-64-v3.aot"].map((name) => join(ROOT, "build", name));

/**
 * The AOT file the Helm kit's init container (fluent-bit/helm/install-module.sh) would run on this
 * machine, compiled from the current build/logseal.wasm: `make aot` runs when a file is missing or
 * older and a wamrc is at hand. Null when there is none, or the CPU can run none of them.
 */
export function buildAot(): string | null {
  const wasm = join(ROOT, "build/logseal.wasm");
  const fresh = () => existsSync(wasm) && AOT_FILES.every((f) => existsSync(f) && statSync(f).mtimeMs >= statSync(wasm).mtimeMs);
  if (!fresh()) spawnSync("make", ["-s", "aot"], { cwd: ROOT, encoding: "utf8" });
  if (!fresh()) return null;
  const dst = mkdtempSync(join(tmpdir(), "logseal-module-"));
  const install = spawnSync("sh", [join(ROOT, "fluent-bit/helm/install-module.sh")], {
    encoding: "utf8",
    env: { ...process.env, LOGSEAL_SRC: join(ROOT, "build"), LOGSEAL_DST: dst },
  });
  rmSync(dst, { recursive: true, force: true });
  const chosen = /is (\S+\.aot) /.exec(install.stdout)?.[1];
  return chosen ? join(ROOT, "build", chosen) : null;
}

// ---------------------------------------------------------------------------------------------
// Long-running Fluent Bit processes, for the end-to-end suite (tests/fluent-bit-e2e.test.ts): the
// shipped node configuration and the compose aggregator, rewritten to temporary files and loopback.

/** A Fluent Bit started in the background; its stdout and stderr are collected into `log()`. */
export interface FluentBitProcess {
  readonly name: string;
  log(): string;
  /** Resolves with the exit code (null after a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function startFluentBit(name: string, configPath: string, env: Record<string, string> = {}): FluentBitProcess {
  if (!FLUENT_BIT) throw new Error(NO_FLUENT_BIT_MESSAGE);
  const child = spawn(FLUENT_BIT, ["-c", configPath], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const chunks: string[] = [];
  child.stdout!.setEncoding("utf8").on("data", (d: string) => chunks.push(d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => chunks.push(d));
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      chunks.push(`spawn error: ${error.message}\n`);
      running.delete(child);
      resolve(-1);
    });
    child.on("close", (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return {
    name,
    log: () => chunks.join(""),
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The last lines of each process's log, for a failure message. */
export function logsOf(processes: FluentBitProcess[], lines = 60): string {
  return processes
    .map((p) => `--- ${p.name} (last ${lines} lines) ---\n` + p.log().split("\n").slice(-lines - 1).join("\n"))
    .join("\n");
}

/** Polls `ready` every 100 ms; throws after `timeoutMs` with `what` and the processes' logs. */
export async function waitUntil(what: string, ready: () => boolean, timeoutMs: number, processes: FluentBitProcess[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${logsOf(processes)}`);
    await sleep(100);
  }
}

/** Non-empty lines of a file (0 when it does not exist yet). */
export function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  // In pieces: an output of millions of records is larger than one string can be.
  const fd = openSync(path, "r");
  const chunk = Buffer.alloc(1 << 20);
  let lines = 0, previous = 0x0a;
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
      for (let i = 0; i < n; i++) {
        if (chunk[i] === 0x0a && previous !== 0x0a) lines++;
        previous = chunk[i];
      }
    }
  } finally {
    closeSync(fd);
  }
  return previous !== 0x0a ? lines + 1 : lines;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Certificates {
  ca: string;
  serverCrt: string;
  serverKey: string;
  clientCrt: string;
  clientKey: string;
}

/**
 * A throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate, made
 * with openssl in `dir` (as fluent-bit/compose/certs.sh does); the CA key is deleted afterwards.
 */
export function makeCertificates(dir: string): Certificates {
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ecKey = (file: string) => openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
  ecKey("ca.key");
  openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=logseal e2e CA", "-days", "2",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.crt");
  const issue = (name: string, cn: string, extensions: string[]) => {
    ecKey(`${name}.key`);
    openssl("req", "-new", "-key", `${name}.key`, "-subj", `/CN=${cn}`, "-out", `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", ...extensions].join("\n") + "\n");
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-CAserial", "ca.srl",
      "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.crt`);
  };
  issue("server", "aggregator", ["extendedKeyUsage=serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost"]);
  issue("client", "e2e-node", ["extendedKeyUsage=clientAuth"]);
  rmSync(join(dir, "ca.key"));
  return {
    ca: join(dir, "ca.crt"),
    serverCrt: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
    clientCrt: join(dir, "client.crt"),
    clientKey: join(dir, "client.key"),
  };
}

/** `node bin/logseal.js ARGS...` from the repository root. */
export function logsealCli(args: string[], timeout = 120_000): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["bin/logseal.js", ...args], { cwd: ROOT, encoding: "utf8", timeout, maxBuffer: 64 << 20 });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}

/** Where the rewritten node configuration puts everything (all under one temporary directory). */
export interface NodeLayout {
  /** The kubelet's /var/log/containers. */
  containers: string;
  /** The API server's audit log file. */
  auditLog: string;
  /** Pod metadata for the kubernetes filter (`<namespace>_<pod>.meta`, the API's Pod JSON). */
  meta: string;
  /** /etc/logseal/policy, /etc/logseal/keys, /var/lib/logseal. */
  policy: string;
  keys: string;
  state: string;
  /** /var/lib/fluent-bit/logseal: storage.path and the tail databases. */
  fluentBitState: string;
  wasmPath: string;
  /** The forward output's target; without it the records go to `outFile` (out_file, plain). */
  forward?: { port: number; certs: Certificates };
  outFile?: string;
}

// The shipped configuration's absolute paths and what they become in a test.
function nodePathMap(layout: NodeLayout): [string, string][] {
  const map: [string, string][] = [
    ["/var/log/containers/", layout.containers + "/"],
    ["/var/log/kubernetes/audit/audit.log", layout.auditLog],
    ["/var/lib/fluent-bit/logseal", layout.fluentBitState],
    ["/opt/logseal/logseal.wasm", layout.wasmPath],
    ["/etc/logseal/policy", layout.policy],
    ["/etc/logseal/keys", layout.keys],
    ["/var/lib/logseal", layout.state],
  ];
  if (layout.forward) {
    const { certs } = layout.forward;
    map.push(["/etc/fluent-bit/tls/ca.crt", certs.ca], ["/etc/fluent-bit/tls/tls.crt", certs.clientCrt], ["/etc/fluent-bit/tls/tls.key", certs.clientKey]);
  } else {
    map.push(["/etc/fluent-bit/tls", "/unused-tls"]); // the forward output is replaced by a file output
  }
  return map;
}

/** Replaces the mapped prefixes in every string of a parsed config; any other absolute path is an error. */
function rewritePaths(doc: unknown, map: [string, string][], source: string): unknown {
  const visit = (value: unknown, where: string): unknown => {
    if (typeof value === "string") {
      const rewritten = value
        .split(",")
        .map((part) => {
          const trimmed = part.trim();
          const hit = map.find(([from]) => trimmed === from || trimmed.startsWith(from.endsWith("/") ? from : from + "/"));
          if (hit) return hit[1] + trimmed.slice(hit[0].length);
          if (trimmed.startsWith("/")) throw new Error(`${source}: ${where} = ${trimmed}: no test location for this path`);
          return part;
        })
        .join(",");
      return rewritten;
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, `${where}[${i}]`));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, where ? `${where}.${k}` : k)]));
    }
    return value;
  };
  return visit(doc, "");
}

/** The tag tail gives a file under `dir` for `tag: kube.*`: the path with '/' as '.', no leading dot. */
export function tailTagPrefix(prefix: string, dir: string): string {
  return `${prefix}.${dir.replace(/^\//, "").replace(/\//g, ".")}.`;
}

/**
 * fluent-bit/fluent-bit.yaml for a test: every path moved into `layout`, the network replaced by
 * loopback, and only the options below changed, each for the reason given.
 */
export function nodeConfig(layout: NodeLayout): any {
  const shipped = readYaml("fluent-bit/fluent-bit.yaml");
  const doc: any = rewritePaths(shipped, nodePathMap(layout), "fluent-bit/fluent-bit.yaml");
  const service = doc.service;
  // Port 2020 is fixed and may be taken on a test machine; the probes are not under test.
  service.http_server = "off";
  service.flush = 0.5; // shorter runs (the shipped 1 s works the same)
  service.grace = 5; // the shipped 30 s is the upper bound; an idle Fluent Bit exits at once
  // Relative to the config file when shipped; the test config lives in a temporary directory.
  service.parsers_file = repoPath("fluent-bit/logseal-parsers.yaml");

  const [containers, audit] = doc.pipeline.inputs;
  if (containers.tag !== "kube.*" || audit.tag !== "kube-audit.*") throw new Error("fluent-bit.yaml: unexpected inputs");
  // The test writes the files before Fluent Bit starts; on a node a new pod's file is found
  // later and read from its head anyway. The tail database still decides on every restart.
  containers.read_from_head = true;
  containers.refresh_interval = 1;

  const kubernetes = doc.pipeline.filters.find((f: any) => f.name === "kubernetes");
  // Offline metadata: the filter reads `<namespace>_<pod>.meta` (the API server's Pod JSON)
  // from this directory before asking the API server (plugins/filter_kubernetes/kube_meta.c,
  // get_meta_file_info). A plain-HTTP URL to a closed port: no TLS set-up with the service
  // account's CA, and any request that does go out fails loudly ("kube api upstream connection error").
  kubernetes.kube_meta_preload_cache_dir = layout.meta;
  kubernetes.kube_url = "http://127.0.0.1:9";
  kubernetes.kube_tag_prefix = tailTagPrefix("kube", layout.containers);

  if (layout.forward) {
    doc.pipeline.outputs[0].port = layout.forward.port;
  } else {
    doc.pipeline.outputs = [{ name: "file", match: "*", path: dirname(layout.outFile!), file: basename(layout.outFile!), format: "plain" }];
  }
  return doc;
}

/** fluent-bit/compose/aggregator.yaml on 127.0.0.1:port, with the test's certificates, writing `outFile`. */
export function aggregatorConfig(port: number, certs: Certificates, outFile: string): any {
  const map: [string, string][] = [
    ["/etc/fluent-bit/tls/ca.crt", certs.ca],
    ["/etc/fluent-bit/tls/tls.crt", certs.serverCrt],
    ["/etc/fluent-bit/tls/tls.key", certs.serverKey],
    ["/out", dirname(outFile)],
  ];
  const doc: any = rewritePaths(readYaml("fluent-bit/compose/aggregator.yaml"), map, "fluent-bit/compose/aggregator.yaml");
  const [input] = doc.pipeline.inputs;
  input.listen = "127.0.0.1"; // loopback only
  input.port = port;
  doc.service.flush = 0.5;
  doc.service.grace = 5;
  const [output] = doc.pipeline.outputs;
  output.file = basename(outFile);
  return doc;
}

export function writeYamlConfig(path: string, doc: unknown): string {
  writeFileSync(path, stringifyYaml(doc));
  return path;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
