// logseal command line: one file per command; this one only dispatches.
import { fail } from "./util.ts";

const commands: Record<string, () => Promise<{ main(args: string[]): Promise<number> }>> = {
  run: () => import("./run.ts"),
  verify: () => import("./verify.ts"),
  pseudonym: () => import("./pseudonym.ts"),
  policy: () => import("./policy.ts"),
  keys: () => import("./trust.ts"),
};

const USAGE = `logseal: redact, enrich and seal logs as the Fluent Bit filter does

  logseal run [--policy FILE] [--accessible-paths DIRS] [--tag TAG] [--strict] [FILE|-]
      stream NDJSON records through build/logseal.wasm exactly as Fluent Bit calls it
  logseal verify [--key-file K] [--expect-head CHAIN=SEQ:MAC] [--json] FILE...
      verify the hash chains of sealed NDJSON (Fluent Bit file/stdout output or raw records)
  logseal keys trust [--trust TRUST] [--pin ORIGIN=KEY]... [--accept-new] FILE...
      collect the origins' public node keys from signed output into a trust file (docs/signing.md)
  logseal pseudonym --key-file K [--policy FILE] VALUE...
      the pseudonym logseal writes for VALUE (data-subject access requests)
  logseal policy check FILE       validate a policy (JSON or YAML) with line-pointed errors
  logseal policy json FILE        validate, then print it as the JSON the module reads
  logseal policy default          print the embedded default policy
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) return fail(`unknown command '${name}'\n\n${USAGE}`);
  // verify and keys print their own, longer help
  if ((args[0] === "--help" || args[0] === "-h") && name !== "verify" && name !== "keys") {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return await (await load()).main(args);
  } catch (error) {
    // A command's own errors have their exit codes; what escapes them (an unknown option, an
    // unreadable input) is reported in one line, never as a stack trace, and never as success.
    const usage = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? `\n\n${USAGE}` : "";
    return fail(`${name}: ${(error as Error).message}${usage}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
