// `make demo`: the main job on the embedded default policy, told as it happens. A sample of
// Kubernetes container logs and API-server audit events goes through build/logseal.wasm
// exactly as Fluent Bit would call it; the demo shows what was redacted and classified, then
// verifies the chain, then shows that a doctored copy fails verification.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const work = join(root, "build", "demo");
const sealed = join(work, "sealed.ndjson");
const logseal = (...args: string[]) =>
  spawnSync("node", [join(root, "bin/logseal.js"), ...args], { cwd: root, encoding: "utf8" });

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const input = readFileSync(join(root, "samples/kubernetes.ndjson"), "utf8").trim().split("\n");
// The module's directory (its accessible_paths): no policy file, so the embedded default;
// the chain state lands here too.
const run = logseal("run", "--accessible-paths", work, "--tag", "kube.var.log.containers.demo", join(root, "samples/kubernetes.ndjson"));
if (run.status !== 0) throw new Error(run.stderr);
writeFileSync(sealed, run.stdout);
const output = run.stdout.trim().split("\n").map((l) => JSON.parse(l));

const short = (s: unknown, n = 110) => {
  const text = (typeof s === "string" ? s : JSON.stringify(s)).replace(/\n/g, "\\n");
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
};
console.log(`\n== ${input.length} records through logseal (embedded default policy) ==\n`);
let annotationsShown = false;
input.forEach((line, i) => {
  const before = JSON.parse(line);
  const after = output[i];
  if (before.kind === "Event") {
    const a = after.audit;
    console.log(`audit  ${before.verb} ${before.objectRef.resource}${before.objectRef.subresource ? "/" + before.objectRef.subresource : ""} by ${before.user.username}`);
    console.log(a ? `   ->  ${a.severity} ${a.category} [${a.attack.join(", ")}]: ${a.reason}` : "   ->  (no rule matched)");
  } else if (before.log !== after.log) {
    console.log(`log    ${short(before.log)}`);
    console.log(`   ->  ${short(after.log)}`);
  }
  if (!annotationsShown && before.kubernetes?.annotations && !after.kubernetes?.annotations) {
    annotationsShown = true;
    console.log("meta   kubernetes.annotations removed from every container record (they carry a manifest with a password)");
  }
});
const seal = output[output.length - 1]._seal;
console.log(`\nevery record carries _seal: chain "${seal.c}", seq ${seal.s}, ${seal.a} (add seal.key for HMAC)\n`);

// The embedded default has no key: SHA-256 links prove integrity, not authenticity, so the
// verifier refuses them unless told (--allow-sha256). With seal.key the chain is HMAC and needs no flag.
console.log("== logseal verify --allow-sha256 ==");
const ok = logseal("verify", "--allow-sha256", sealed);
process.stdout.write(ok.stdout);

console.log("\n== the same file with one byte changed in record 5 ==");
const doctored = join(work, "doctored.ndjson");
const lines = run.stdout.trim().split("\n");
lines[4] = lines[4].replace("amount=42.00", "amount=12.00").replace("for order", "for 0rder");
writeFileSync(doctored, lines.join("\n") + "\n");
const bad = logseal("verify", "--allow-sha256", doctored);
process.stdout.write(bad.stdout + bad.stderr);
if (ok.status !== 0 || bad.status === 0) {
  console.error("demo: verification did not behave as expected");
  process.exit(1);
}
console.log(`\nwritten: ${sealed}`);
