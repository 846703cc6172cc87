// The compose harness hangs together: every file a service mounts exists or is made by certs.sh
// or `make build`, every path the edge and aggregator configs use is mounted, the edge runs the
// same logseal filter and forward output as fluent-bit.yaml, and the Makefile's verify step reads
// what the aggregator writes with the key the edge seals with. Docker itself runs only where an
// engine answers (there is none on the project's machines).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  KUBERNETES_ACCESSIBLE_PATHS,
  envReferences,
  loadYamlConfig,
  LOGSEAL_FILTER,
  mountFor,
  onlySection,
  readRepoFile,
  readYaml,
  repoPath,
  ROOT,
  usedPaths,
  versionAtLeast,
  type Mount,
} from "./support/fluent-bit-config.ts";

const DIR = "fluent-bit/compose";
const compose = readYaml(`${DIR}/docker-compose.yaml`);
const certsScript = readRepoFile(`${DIR}/certs.sh`);
const releaseWasm = readYaml("asconfig.json").targets.release.outFile as string;

interface Bind {
  /** Path on the host, relative to the repository root; undefined for a named volume. */
  hostPath?: string;
  volume?: string;
  mount: Mount;
}

function binds(service: string): Bind[] {
  return (compose.services[service].volumes as string[]).map((spec) => {
    const [source, target, mode] = spec.split(":");
    const named = !source.startsWith(".") && !source.startsWith("/");
    const mount = { mountPath: target, readOnly: mode === "ro", source };
    return named ? { volume: source, mount } : { hostPath: posix.normalize(posix.join(DIR, source)), mount };
  });
}

/** The config a Fluent Bit service runs (`-c FILE`), as a repository path and the path inside. */
function configOf(service: string): { file: string; inside: string } {
  const command: string[] = compose.services[service].command;
  const inside = command[command.indexOf("-c") + 1];
  const bind = binds(service).find((b) => b.mount.mountPath === inside);
  if (!bind?.hostPath) throw new Error(`${service}: ${inside} is not a mounted file`);
  return { file: bind.hostPath, inside };
}

const imageVersion = (service: string) => /^fluent\/fluent-bit:(\d+(?:\.\d+)*)$/.exec(compose.services[service].image)?.[1];

describe("compose harness", () => {
  it("has the generator, the edge and the aggregator", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["aggregator", "edge", "generator"]);
  });

  it("runs official Fluent Bit images new enough: edge >= 4.1, aggregator >= 5.0 (tls.verify_client_cert)", () => {
    expect(versionAtLeast(imageVersion("edge") ?? "0", "4.1")).toBe(true);
    expect(versionAtLeast(imageVersion("aggregator") ?? "0", "5.0")).toBe(true);
  });

  it.each(Object.keys(compose.services))("%s mounts only what exists, or what certs.sh / make build make", (service) => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const bind of binds(service)) {
      if (bind.volume) {
        expect(declared, `volume ${bind.volume} is not declared`).toContain(bind.volume);
      } else if (bind.hostPath!.startsWith(`${DIR}/secrets/`)) {
        expect(certsScript, `certs.sh does not make ${bind.hostPath}`).toContain(posix.basename(bind.hostPath!));
      } else if (bind.hostPath === releaseWasm) {
        // Built by `make build`, which `make compose-up` runs first.
      } else {
        expect(existsSync(repoPath(bind.hostPath!)), `${bind.hostPath} is missing`).toBe(true);
      }
    }
    for (const envFile of [compose.services[service].env_file ?? []].flat()) {
      expect(certsScript).toContain(posix.basename(envFile));
    }
  });

  for (const service of ["edge", "aggregator"]) {
    it(`${service}: every path its config uses is mounted, writable where it writes`, () => {
      const { file, inside } = configOf(service);
      const config = loadYamlConfig(file);
      const mounts = binds(service).map((b) => b.mount);
      const used = usedPaths(config, posix.dirname(inside));
      expect(used.length).toBeGreaterThan(3);
      for (const use of used) {
        const mount = mountFor(use.path, mounts);
        // A directory of single-file mounts (the keys) exists too: Docker makes it for them.
        const holdsMounts = mounts.some((m) => m.mountPath.startsWith(`${use.path}/`));
        expect(mount !== undefined || (holdsMounts && !use.writes), `${use.what}: nothing mounted at ${use.path}`).toBe(true);
        if (use.writes) expect(mount!.readOnly, `${use.what}: ${use.path} is read-only`).toBe(false);
      }
    });

    it(`${service}: every \${VAR} in its config comes from the compose file or certs.sh`, () => {
      const env = compose.services[service].environment ?? {};
      for (const name of envReferences(configOf(service).file)) {
        expect(name in env || certsScript.includes(`${name}=`), `${name} is not provided`).toBe(true);
      }
    });
  }

  it("edge: runs logseal and forwards exactly as fluent-bit.yaml does", () => {
    const main = loadYamlConfig("fluent-bit/fluent-bit.yaml");
    const edge = loadYamlConfig(configOf("edge").file);
    const wasm = onlySection(edge.filters, "wasm");
    expect(wasm).toMatchObject(LOGSEAL_FILTER);
    expect(wasm.accessible_paths).toBe(KUBERNETES_ACCESSIBLE_PATHS);
    expect(wasm).toEqual(onlySection(main.filters, "wasm"));
    expect(onlySection(edge.filters, "rewrite_tag")).toEqual(onlySection(main.filters, "rewrite_tag"));
    expect(onlySection(edge.outputs, "forward")).toEqual(onlySection(main.outputs, "forward"));
    expect(edge.inputs.map((i) => i.tag)).toContain("kube-audit.*");
  });

  it("edge: seals with the key the Makefile verifies with, reaches the aggregator by its certificate name", () => {
    const makefile = readRepoFile("Makefile");
    const verify = /^compose-verify:.*\n\t(.*)$/m.exec(makefile)![1];
    const keyFile = /--key-file (\S+)/.exec(verify)![1];
    const sealKey = binds("edge").find((b) => b.mount.mountPath === "/etc/logseal/keys/seal.key");
    expect(sealKey?.hostPath).toBe(keyFile);
    expect(compose.services.edge.environment.LOGSEAL_FORWARD_HOST).toBe("aggregator");
    expect(certsScript).toMatch(/subjectAltName=DNS:aggregator/);
  });

  it("aggregator: writes one JSON record per line into its volume, which `make compose-verify` copies out and reads", () => {
    const outputs = loadYamlConfig(configOf("aggregator").file).outputs;
    const [store, anchors] = outputs;
    for (const file of outputs) expect(file).toMatchObject({ name: "file", format: "plain" });
    // Never into the repository as root: a named volume, copied out by the CLI as the user.
    const out = binds("aggregator").find((b) => b.mount.mountPath === store.path)!;
    expect(out.volume).toBe("aggregator-out");
    const makefile = readRepoFile("Makefile");
    const fetch = /^compose-fetch:.*\n((?:\t.*\n)+)/m.exec(makefile)![1];
    expect(fetch).toContain(`docker compose cp aggregator:${store.path}/. out/`);
    expect(fetch).toMatch(/rm -f fluent-bit\/compose\/out\/\*\.ndjson/);
    const verify = /^compose-verify:.*\n\t(.*)$/m.exec(makefile)![1];
    expect(verify.split(" ").at(-1)).toBe(`${DIR}/out/${store.file}`);
    // Signed mode: the anchor copies go to their own file, read by --anchors, never into the store.
    expect(new RegExp(store.match_regex).test("anchor.app.logs.app.log")).toBe(false);
    expect(new RegExp(store.match_regex).test("app.logs.app.log")).toBe(true);
    expect(anchors.match).toBe("anchor.*");
    const verifySigned = /^compose-verify-signed:.*\n((?:\t.*\n)+)/m.exec(makefile)![1];
    expect(verifySigned).toContain(`--anchors ${DIR}/out/${anchors.file} ${DIR}/out/${store.file}`);
    const aggregatorIn = onlySection(loadYamlConfig(configOf("aggregator").file).inputs, "forward");
    expect(aggregatorIn).toMatchObject({ tls: "true", "tls.verify": "true", "tls.verify_client_cert": "true" });
  });

  it("keeps generated secrets and output out of git", () => {
    for (const path of [`${DIR}/secrets/logseal.key`, `${DIR}/secrets/edge.key`, `${DIR}/out/sealed.ndjson`]) {
      const ignored = spawnSync("git", ["check-ignore", "-q", path], { cwd: ROOT }).status === 0;
      expect(ignored, `${path} would be committed`).toBe(true);
    }
  });

  it("ships an example policy", () => {
    const policy = JSON.parse(readRepoFile(`${DIR}/policy/logseal.policy.json`));
    expect(policy.version).toBe("compose-demo");
  });
});

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe.skipIf(!hasOpenssl)("certs.sh", () => {
  const out = mkdtempSync(join(tmpdir(), "logseal-certs-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const run = () => execFileSync(repoPath(`${DIR}/certs.sh`), { env: { ...process.env, SECRETS_DIR: out }, stdio: "pipe" });
  const mountedSecrets = Object.keys(compose.services).flatMap((s) =>
    binds(s).filter((b) => b.hostPath?.startsWith(`${DIR}/secrets/`)).map((b) => posix.basename(b.hostPath!)),
  );

  it("makes every secret the services mount, and a CA that signed both certificates for their roles", () => {
    run();
    for (const name of mountedSecrets) expect(existsSync(join(out, name)), name).toBe(true);
    expect(readdirSync(out)).not.toContain("ca.key");
    const verified = execFileSync("openssl", ["verify", "-CAfile", "ca.crt", "aggregator.crt", "edge.crt"], { cwd: out });
    expect(verified.toString()).toMatch(/aggregator\.crt: OK\s+edge\.crt: OK/);
    const ext = (cert: string) =>
      execFileSync("openssl", ["x509", "-in", cert, "-noout", "-ext", "subjectAltName,extendedKeyUsage"], { cwd: out }).toString();
    expect(ext("aggregator.crt")).toMatch(/TLS Web Server Authentication[\s\S]*DNS:aggregator/);
    expect(ext("edge.crt")).toMatch(/TLS Web Client Authentication/);
    // Keys are text (the module and the CLI read them trimmed): 256 bits as 64 hex digits.
    for (const key of ["logseal.key", "pseudonym.key"]) expect(readFileSync(join(out, key), "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps existing files, so earlier chains stay verifiable", () => {
    const before = readFileSync(join(out, "logseal.key"));
    const cert = readFileSync(join(out, "edge.crt"));
    run();
    expect(readFileSync(join(out, "logseal.key"))).toEqual(before);
    expect(readFileSync(join(out, "edge.crt"))).toEqual(cert);
  });
});

// Docker: `compose config` needs only the CLI plugin, `up` needs an engine.
const docker = (...args: string[]) => spawnSync("docker", args, { cwd: repoPath(DIR), encoding: "utf8", timeout: 300_000 });
const hasCompose = docker("compose", "version").status === 0;
const hasEngine = hasCompose && docker("info").status === 0;
const skipped = (why: string) => ` (skipped: ${why})`;

describe("compose harness under Docker", () => {
  it.skipIf(!hasCompose)(
    `docker compose config accepts the file${hasCompose ? "" : skipped("no `docker compose` plugin")}`,
    () => {
      execFileSync(repoPath(`${DIR}/certs.sh`), { stdio: "pipe" });
      const result = docker("compose", "config", "--quiet");
      expect(result.status, result.stderr).toBe(0);
    },
  );

  const upBlocked = !hasEngine
    ? skipped("no Docker engine answers `docker info`")
    : existsSync(repoPath(releaseWasm)) ? "" : skipped(`no ${releaseWasm}: run make build`);
  it.skipIf(upBlocked !== "")(
    `sealed records arrive over mutual TLS and verify${upBlocked}`,
    async () => {
      const sealed = repoPath(`${DIR}/out/sealed.ndjson`);
      const fetchOut = () => {
        rmSync(sealed, { force: true });
        docker("compose", "cp", "aggregator:/out/.", "out/");
      };
      execFileSync(repoPath(`${DIR}/certs.sh`), { stdio: "pipe" });
      docker("compose", "down", "-v");
      try {
        expect(docker("compose", "up", "-d").status).toBe(0);
        const deadline = Date.now() + 90_000;
        const lines = () => (fetchOut(), existsSync(sealed) ? readFileSync(sealed, "utf8").split("\n").filter(Boolean).length : 0);
        while (lines() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
        expect(lines()).toBeGreaterThanOrEqual(20);
        // Stopped, the aggregator has flushed: no half-written last line.
        docker("compose", "stop");
        fetchOut();
        const verify = spawnSync(
          "node",
          ["bin/logseal.js", "verify", "--key-file", `${DIR}/secrets/logseal.key`, "--origin", "compose-edge", relative(ROOT, sealed)],
          { cwd: ROOT, encoding: "utf8" },
        );
        expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      } finally {
        docker("compose", "down", "-v");
      }
    },
    180_000,
  );
});
