// The `logseal` command as a person runs it.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pseudonym } from "../cli/pseudonym.js";
import { scratchDir } from "../cli/scratch.js";

const BIN = new URL("../bin/logseal.js", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;
const logseal = (args: string[], input?: string | Buffer) =>
  spawnSync("node", [BIN, ...args], { cwd: ROOT, input, encoding: "utf8", timeout: 60_000 });
const temp = (name: string, content: string) => {
  const path = join(scratchDir("logseal-cli-"), name);
  writeFileSync(path, content);
  return path;
};

describe("logseal run", () => {
  it("streams NDJSON through the module, one record per line, and reports bad lines by number", () => {
    const run = logseal(["run", "-"], '{"log":"a","password":"x"}\n\nnot json\n[1700000000.25,{"log":"b"}]\n');
    expect(run.status).toBe(0);
    const records = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    expect(records[0].password).toBe("[REDACTED]");
    expect(records[1].logseal_raw).toBe("not json");
    expect(records[2].log).toBe("b");
    expect(run.stderr).toMatch(/line 3: not a JSON object/);
    expect(run.stderr).toMatch(/3 records out, 0 dropped by policy, 1 malformed lines \(of 4\)/);
  });

  it("hands over a [time, record] line's record bytes as they are: duplicate keys, 64-bit integers, the time digit by digit", () => {
    const run = logseal(["run", "-"], '[1700000000.123456789, {"id":9007199254740993,"a":1,"a":2}]\n[[1700000001.5, {"m":1}], {"x":18446744073709551615}]\n');
    expect(run.status).toBe(0);
    const [first, second] = run.stdout.trim().split("\n");
    expect(first).toMatch(/^\{"id":9007199254740993,"a":1,"a":2,/);
    expect(first).toContain('"t":"1700000000.123456789"');
    expect(second).toMatch(/^\{"x":18446744073709551615,/);
    expect(second).toContain('"t":"1700000001.500000000"');
  });

  it("hands the module each line's bytes as they are: invalid UTF-8 is the module's to flag, a CR inside a record does not split it", () => {
    const dir = scratchDir("logseal-cli-");
    const input = Buffer.from('\xef\xbb\xbf{"log":"caf\xe9"}\r\n{"a":1,\r"b":2}\n[1700000000.5, {"x":"\xff"}]\n', "latin1");
    const run = logseal(["run", "--accessible-paths", dir, "-"], input);
    expect(run.status).toBe(0);
    const records = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    // decoded by the CLI, the bad bytes reached the module as U+FFFD already and no record said so
    expect(records[0]).toMatchObject({ log: "caf\ufffd", logseal_error: "invalid UTF-8 or lone surrogates replaced by U+FFFD" });
    expect(records[1]).toMatchObject({ a: 1, b: 2 });
    expect(records[1].logseal_error).toBeUndefined();
    expect(records[2]).toMatchObject({ x: "\ufffd", logseal_error: "invalid UTF-8 or lone surrogates replaced by U+FFFD" });
    expect(records[2]._seal.t).toBe("1700000000.500000000");
    expect(run.stderr).toMatch(/3 records out, 0 dropped by policy, 0 malformed lines \(of 3\)/);
  });

  it("writes a record whose lifted JSON had line breaks on one line, as Fluent Bit does, and it verifies", () => {
    const dir = scratchDir("logseal-cli-");
    const policy = temp("lift.json", JSON.stringify({ version: "lift", input: { lift: [{ key: "log" }] } }));
    const pretty = '{\n  "msg": "line one\\nstill the value",\r\n  "n": 1\n}\n';
    const input = `${JSON.stringify({ stream: "stdout", log: pretty })}\n${JSON.stringify({ log: "plain" })}\n`;
    const run = logseal(["run", "--policy", policy, "--accessible-paths", dir, "-"], input);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    const records = lines.map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ stream: "stdout", msg: "line one\nstill the value", n: 1 });
    expect(records[0].logseal_error).toBeUndefined();
    expect(records[1].log).toBe("plain");
    const sealed = temp("lifted.ndjson", run.stdout);
    const verify = logseal(["verify", "--allow-sha256", sealed]);
    expect(verify.stdout + verify.stderr).toMatch(/OK/);
    expect(verify.status).toBe(0);
  });

  it("creates the chain state file readable by its owner only (it holds the epoch key)", () => {
    const dir = scratchDir("logseal-cli-");
    const run = logseal(["run", "--accessible-paths", dir, "-"], '{"a":1}\n');
    expect(run.status).toBe(0);
    expect(statSync(join(dir, "logseal.state")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "logseal.state"), "utf8")).toMatch(/^logseal-state 2 /);
  });

  it("stops at the first bad line with --strict, writing the records sealed before it", () => {
    const run = logseal(["run", "--strict", "-"], '{"a":1}\nnope\n{"b":2}\n');
    expect(run.status).toBe(1);
    // the chain state has moved past {"a":1}: losing its line would leave a gap in the chain
    expect(run.stdout.trim().split("\n").map((l) => JSON.parse(l).a)).toEqual([1]);
    expect(run.stderr).toMatch(/line 2: not a JSON object \(--strict: stopped here, the 1 records before it written\)/);
  });

  it("reports a line that starts an object but is not a valid one, and --strict stops there before sealing it", () => {
    const run = logseal(["run", "--accessible-paths", scratchDir("logseal-cli-"), "-"], '{"a":1}\n{"b":\n{"c":"x\u0000"}\n');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n").map((l) => JSON.parse(l).logseal_raw)).toEqual([undefined, '{"b":', '{"c":"x\u0000"}']);
    expect(run.stderr).toMatch(/line 2: not a JSON object \(body is not valid JSON: truncated JSON at byte 5; passed on with logseal_error\)/);
    expect(run.stderr).toMatch(/line 3: not a JSON object \(body is not valid JSON: control character in string/);
    expect(run.stderr).toMatch(/3 records out, 0 dropped by policy, 2 malformed lines \(of 3\)/);
    const deep = (levels: number) => '{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
    const strict = logseal(["run", "--strict", "--accessible-paths", scratchDir("logseal-cli-"), "-"], `${deep(512)}\n{"b":\n{"c":3}\n`);
    expect(strict.status).toBe(1);
    expect(strict.stdout.trim().split("\n")).toHaveLength(1); // 512 levels are the module's limit, not past it
    expect(strict.stderr).toMatch(/line 2: not a JSON object \(--strict: stopped here, the 1 records before it written\)/);
    const tooDeep = logseal(["run", "--strict", "--accessible-paths", scratchDir("logseal-cli-"), "-"], `${deep(513)}\n`);
    expect([tooDeep.status, tooDeep.stdout]).toEqual([1, ""]);
  });

  it("refuses an unknown option or a missing input file in one line, without a stack trace", () => {
    for (const args of [["run", "--bogus"], ["pseudonym", "--bogus"]]) {
      const run = logseal(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^logseal: ${args[0]}: Unknown option '--bogus'`));
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = logseal(["run", "/nonexistent/input.ndjson"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("logseal: /nonexistent/input.ndjson: no such file\n");
    const help = logseal(["run", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/logseal run \[--policy FILE\]/);
  });

  it("refuses a directory as input by name, and stops on a read error with the records sealed before it written, exit 1", () => {
    const dir = scratchDir("logseal-cli-");
    const directory = logseal(["run", "--accessible-paths", dir, dir]);
    expect([directory.status, directory.stderr]).toEqual([1, `logseal: ${dir}: a directory, not a file\n`]);
    // /proc/self/mem fails its first read (EIO): once a usage error (exit 2) from the command's catch-all
    const unreadable = logseal(["run", "--accessible-paths", dir, "/proc/self/mem"]);
    expect([unreadable.status, unreadable.stderr]).toEqual([1, "logseal: after 0 lines: EIO: i/o error, read (stopped there, the 0 records sealed before it written)\n"]);
  });

  it("names the policy file when pseudonym's --policy cannot be read", () => {
    const policy = temp("bad.json", "{bad");
    const key = temp("k", "0123456789abcdef0123456789abcdef\n");
    const run = logseal(["pseudonym", "--key-file", key, "--policy", policy, "x"]);
    expect(run.status).toBe(1); // an invalid policy, as policy check says
    expect(run.stderr).toMatch(new RegExp(`^${policy.replace(/[.]/g, "\\.")}: line 1, column 2: not valid JSON`));
    expect(run.stderr).toMatch(new RegExp(`\nlogseal: ${policy.replace(/[.]/g, "\\.")}: invalid policy`));
    const missing = logseal(["pseudonym", "--key-file", key, "--policy", policy + ".missing", "x"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(new RegExp(`^logseal: ${policy.replace(/[.]/g, "\\.")}\\.missing: `));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("applies a YAML policy given with --policy", () => {
    const policy = temp("p.yaml", "version: t\nredact:\n  keys:\n    - { name: secret_thing, action: remove }\n  scan: []\n");
    const run = logseal(["run", "--policy", policy, "-"], '{"secret_thing":1,"b":2}\n');
    expect(JSON.parse(run.stdout)).toMatchObject({ b: 2 });
    expect(JSON.parse(run.stdout).secret_thing).toBeUndefined();
  });

  it("leaves no temporary directory behind (the policy copy it pre-opens goes with the process)", () => {
    const tmp = scratchDir("logseal-cli-tmp-");
    const policy = temp("p.yaml", "version: t\nredact:\n  keys: []\n  scan: []\n");
    const run = spawnSync("node", [BIN, "run", "--policy", policy, "-"], { cwd: ROOT, input: '{"a":1}\n', encoding: "utf8", env: { ...process.env, TMPDIR: tmp } });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ a: 1 });
    expect(readdirSync(tmp).filter((name) => name.startsWith("logseal-"))).toEqual([]); // tsx keeps its own cache there
  });
});

describe("logseal policy", () => {
  it("accepts the complete example policy", () => {
    const check = logseal(["policy", "check", "samples/policy.example.yaml"]);
    expect(check.stderr).toBe("");
    expect(check.stdout).toMatch(/valid policy \(version shop-prod-2026-11-23\)/);
    expect(check.status).toBe(0);
  });

  it("points at the YAML line of each problem and exits 1", () => {
    const policy = temp("bad.yaml", "version: t\nredact:\n  keys:\n    - name: a\n      action: scramble\n  detectors:\n    emial: mask\n");
    const check = logseal(["policy", "check", policy]);
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/line 5, column 15: redact.keys\[0\].action: must be one of: keep, remove, mask, hash/);
    expect(check.stderr).toMatch(/line 7, column 12: redact.detectors.emial: unknown detector/);
  });

  it("converts a valid YAML policy to the JSON the module reads", () => {
    const json = logseal(["policy", "json", "samples/policy.example.yaml"]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).redact.pseudonym.prefix).toBe("pseu:");
  });

  it("the Helm ConfigMap and the compose harness carry the example policy", () => {
    const configMap = parse(readFileSync(new URL("../fluent-bit/helm/logseal-policy-configmap.yaml", import.meta.url), "utf8"));
    const json = logseal(["policy", "json", "samples/policy.example.yaml"]);
    expect(JSON.parse(configMap.data["logseal.policy.json"])).toEqual(JSON.parse(json.stdout));
    const compose = JSON.parse(readFileSync(new URL("../fluent-bit/compose/policy/logseal.policy.json", import.meta.url), "utf8"));
    expect({ ...compose, version: "", description: "" }).toEqual({ ...JSON.parse(json.stdout), version: "", description: "" });
  });

  it("prints the embedded default, which is itself valid", () => {
    const shown = logseal(["policy", "default"]);
    const path = temp("default.json", shown.stdout);
    expect(logseal(["policy", "check", path]).status).toBe(0);
  });
});

describe("files that cannot be read", () => {
  it("are named, with what they were given as and why in words, not Node's EISDIR", () => {
    const dir = scratchDir("logseal-cli-");
    const garbage = temp("trust.json", "garbage\n");
    const cases: [string[], number, string][] = [
      [["pseudonym", "--key-file", dir, "x"], 1, `logseal: key file ${dir}: a directory, not a file\n`],
      [["pseudonym", "--key-file", join(dir, "none"), "x"], 1, `logseal: key file ${join(dir, "none")}: no such file\n`],
      [["policy", "check", dir], 1, `logseal: policy ${dir}: a directory, not a file\n`],
      [["verify", "--state", dir, garbage], 2, `logseal: --state ${dir}: a directory, not a file\n`],
      [["verify", "--trust", garbage, garbage], 2, `logseal: ${garbage} is not a logseal trust file (not JSON)\n`],
    ];
    for (const [args, status, stderr] of cases) {
      const run = logseal(args);
      expect([run.status, run.stderr]).toEqual([status, stderr]);
    }
  });
});

describe("gzip on stdin", () => {
  it("fails once with a hint instead of a failure per garbage line; the same file by its path verifies", () => {
    const sealed = logseal(["run", "--accessible-paths", scratchDir("logseal-cli-"), "-"], '{"a":1}\n{"b":2}\n');
    const gz = gzipSync(Buffer.from(sealed.stdout));
    const piped = logseal(["verify", "--allow-sha256", "-"], gz);
    expect(piped.status).toBe(1);
    expect(piped.stdout).toContain("-:1: unreadable: gzip-compressed, from a pipe or stdin: not decompressed here");
    expect(piped.stdout).toMatch(/FAILED \(1 unreadable\)/);
    const path = join(scratchDir("logseal-cli-"), "sealed.ndjson.gz");
    writeFileSync(path, gz);
    const named = logseal(["verify", "--allow-sha256", path]);
    expect(named.stdout).toMatch(/2 records in 1 chains.*: OK/);
    expect(named.status).toBe(0);
  });
});

describe("logseal pseudonym", () => {
  it("prints the token the filter writes for a value", () => {
    const key = temp("k", "an-example-pseudonym-key-of-32-chars-or-more\n");
    const out = logseal(["pseudonym", "--key-file", key, "alice@example.com"]);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(`${pseudonym(Buffer.from("an-example-pseudonym-key-of-32-chars-or-more"), "alice@example.com")}\talice@example.com\n`);
  });

  it("refuses an invalid --policy instead of using its pseudonym settings, which the filter would not (it fails closed)", () => {
    const key = temp("k", "an-example-pseudonym-key-of-32-chars-or-more\n");
    const policy = temp("p.json", '{"version":"t","redact":{"pseudonym":{"prefix":"zz:","length":1000}}}');
    const out = logseal(["pseudonym", "--key-file", key, "--policy", policy, "alice"]);
    expect(out.stdout).toBe("");
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/redact\.pseudonym\.length: must be a whole number from 8 to 64/);
    expect(out.stderr).toMatch(/invalid policy \(the filter would fail closed to the embedded default\): no pseudonym computed/);
    writeFileSync(policy, '{"version":"t","redact":{"pseudonym":{"prefix":"zz:","length":20}}}');
    const valid = logseal(["pseudonym", "--key-file", key, "--policy", policy, "alice"]);
    expect(valid.stdout).toBe(`${pseudonym(Buffer.from("an-example-pseudonym-key-of-32-chars-or-more"), "alice", { prefix: "zz:", length: 20 })}\talice\n`);
  });

  it("refuses a short key", () => {
    expect(logseal(["pseudonym", "--key-file", temp("k", "short"), "x"]).status).toBe(1);
  });
});
