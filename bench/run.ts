// `make bench`: every section in bench/sections/, one table: records/s and MB/s through the
// module in Node (V8 compiles the wasm; Fluent Bit's WAMR interpreter is slower: see
// `make bench-fluent-bit` for the real thing).
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import type { BenchRow } from "./lib.ts";

const dir = new URL("./sections/", import.meta.url);
const only = process.argv[2];
const rows: { section: string; row: BenchRow }[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
  const section = file.replace(/\.ts$/, "");
  if (only && section !== only) continue;
  const run: () => Promise<BenchRow[]> = (await import(new URL(file, dir).href)).default;
  for (const row of await run()) rows.push({ section, row });
}

const header = ["section", "benchmark", "records/s", "MB/s", "µs/record", "note"];
const table = rows.map(({ section, row }) => [
  section,
  row.name,
  Math.round(row.records / row.seconds).toLocaleString("en-US"),
  (row.bytes / row.seconds / 1e6).toFixed(1),
  ((row.seconds / row.records) * 1e6).toFixed(2),
  row.note ?? "",
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
console.log(`logseal bench — Node ${process.version}, ${cpus()[0]?.model ?? "cpu"}, ${new Date().toISOString().slice(0, 10)}`);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of table) console.log(line(r));
