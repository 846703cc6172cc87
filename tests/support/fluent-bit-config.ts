// Reads Fluent Bit configurations (YAML and classic) into one normalised shape, and lists the
// filesystem paths a configuration touches, so tests can hold deployments (Helm, compose) to them.
import { readFileSync } from "node:fs";
import { dirname, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const repoPath = (relative: string): string => resolve(ROOT, relative);
export const readRepoFile = (relative: string): string => readFileSync(repoPath(relative), "utf8");
export const readYaml = (relative: string): any => parse(readRepoFile(relative));

/** Options of one section; keys lower-cased, values as Fluent Bit reads them (strings). */
export type Options = Record<string, string>;

export interface FluentBitConfig {
  service: Options;
  inputs: Options[];
  filters: Options[];
  outputs: Options[];
}

// Fluent Bit's booleans (flb_utils_bool): on/off, true/false, yes/no, any case.
function normalise(value: unknown): string {
  const text = String(value).trim();
  if (/^(on|true|yes)$/i.test(text)) return "true";
  if (/^(off|false|no)$/i.test(text)) return "false";
  return text;
}

function options(section: Record<string, unknown> | undefined): Options {
  const out: Options = {};
  for (const [key, value] of Object.entries(section ?? {})) out[key.toLowerCase()] = normalise(value);
  return out;
}

export function loadYamlConfig(relative: string): FluentBitConfig {
  const doc = readYaml(relative);
  return {
    service: options(doc.service),
    inputs: (doc.pipeline?.inputs ?? []).map(options),
    filters: (doc.pipeline?.filters ?? []).map(options),
    outputs: (doc.pipeline?.outputs ?? []).map(options),
  };
}

/** The classic format: `[SECTION]` headers, `Key value` lines, `#` comments on their own line. */
export function loadClassicConfig(relative: string): FluentBitConfig {
  const config: FluentBitConfig = { service: {}, inputs: [], filters: [], outputs: [] };
  let current: Options | undefined;
  for (const raw of readRepoFile(relative).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      const kind = header[1].toUpperCase();
      current = {};
      if (kind === "SERVICE") config.service = current;
      else if (kind === "INPUT") config.inputs.push(current);
      else if (kind === "FILTER") config.filters.push(current);
      else if (kind === "OUTPUT") config.outputs.push(current);
      else throw new Error(`${relative}: unexpected section [${kind}]`);
      continue;
    }
    const entry = /^(\S+)\s+(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`${relative}: cannot read line "${line}"`);
    current[entry[1].toLowerCase()] = normalise(entry[2]);
  }
  return config;
}

export const sectionsNamed = (sections: Options[], name: string): Options[] =>
  sections.filter((s) => s.name?.toLowerCase() === name);

export function onlySection(sections: Options[], name: string): Options {
  const found = sectionsNamed(sections, name);
  if (found.length !== 1) throw new Error(`expected one "${name}" section, found ${found.length}`);
  return found[0];
}

export interface UsedPath {
  /** Where in the config, e.g. `input tail path`. */
  what: string;
  /** Absolute path as the process sees it (globs cut at their first wildcard). */
  path: string;
  /** Fluent Bit (or the module, for its state) writes there. */
  writes: boolean;
}

/**
 * Every file or directory the configuration reads or writes. Relative paths are resolved
 * against `configDir`, where Fluent Bit finds a relative parsers file (the working directory
 * comes first, but deployments here give no file there).
 */
export function usedPaths(config: FluentBitConfig, configDir: string): UsedPath[] {
  const used: UsedPath[] = [];
  const add = (what: string, value: string | undefined, writes = false) => {
    if (!value) return;
    const cut = value.split(/[*?[]/)[0];
    const path = posix.isAbsolute(cut) ? cut : posix.join(configDir, cut);
    used.push({ what, path: path.endsWith("/") && path.length > 1 ? path.slice(0, -1) : path, writes });
  };
  add("service parsers_file", config.service.parsers_file);
  add("service storage.path", config.service["storage.path"], true);
  const tls = (what: string, s: Options) => {
    for (const key of ["tls.ca_file", "tls.crt_file", "tls.key_file"]) add(`${what} ${key}`, s[key]);
  };
  for (const input of config.inputs) {
    const what = `input ${input.name}`;
    for (const pattern of (input.path ?? "").split(",").filter(Boolean)) add(`${what} path`, pattern.trim());
    add(`${what} db`, input.db, true);
    tls(what, input);
  }
  for (const filter of config.filters) {
    if (filter.name !== "wasm") continue;
    add("filter wasm wasm_path", filter.wasm_path);
    for (const dir of (filter.accessible_paths ?? "").split(",")) {
      // logseal.state is created in the first writable pre-open: the conventions' state directory.
      add("filter wasm accessible_paths", dir.trim(), dir.trim() === STATE_DIR);
    }
  }
  for (const output of config.outputs) {
    const what = `output ${output.name}`;
    if (output.name === "file") add(`${what} path`, output.path, true);
    tls(what, output);
  }
  return used;
}

export interface Mount {
  mountPath: string;
  readOnly: boolean;
  /** The volume's name (Kubernetes) or the mount's source (compose). */
  source: string;
}

/** The mount that holds `path` (the most specific one), if any. */
export function mountFor(path: string, mounts: Mount[]): Mount | undefined {
  return mounts
    .filter((m) => path === m.mountPath || path.startsWith(m.mountPath.replace(/\/$/, "") + "/"))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

/** `${NAME}` references, which Fluent Bit fills from the environment. */
export function envReferences(relative: string): string[] {
  const names = new Set<string>();
  for (const line of readRepoFile(relative).split("\n")) {
    if (line.trim().startsWith("#")) continue;
    for (const match of line.matchAll(/\$\{(\w+)\}/g)) names.add(match[1]);
  }
  return [...names].sort();
}

/** "5.1.1" >= "4.1"? */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** The options docs/conventions.md fixes for every logseal filter. */
export const LOGSEAL_FILTER = {
  name: "wasm",
  function_name: "logseal_filter",
  event_format: "json",
} as const;
export const STATE_DIR = "/var/lib/logseal";
export const KUBERNETES_ACCESSIBLE_PATHS = "/etc/logseal/policy,/etc/logseal/keys,/var/lib/logseal";
