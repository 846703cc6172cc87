// Shared by the enrichment, audit and reload suites: a filter with a policy, one call that
// must return a record, and build/testkit.wasm's whole-filter probe with its drop counters.
import { expect } from "vitest";
import type { FilterHost } from "../../cli/host.js";
import { loadTestkit } from "./testkit.js";
import { makeDir, makeFilter, type FilterSetup } from "./filter.js";

export type Json = Record<string, any>;

/** A policy that changes nothing but what `enrich` says (no redaction, no seal). */
export const enrichPolicy = (enrich?: object, extra: object = {}) => ({
  version: "enrich-test",
  redact: { keys: [], scan: [] },
  seal: { enabled: false },
  ...(enrich === undefined ? {} : { enrich }),
  ...extra,
});

export function filterWith(policy?: object, setup: FilterSetup = {}): FilterHost {
  return makeFilter({ ...setup, ...(policy === undefined ? {} : { policy }) });
}

const listFilters = new Map<string, FilterHost>();

/**
 * The embedded default policy with `enrich.audit.lists` named (a fixture case's `lists`): the
 * allow-list rules that need a list apply. One filter per set of lists; none: the default policy.
 */
export function filterForLists(lists?: Record<string, string[]>): FilterHost {
  const key = JSON.stringify(lists ?? null);
  let filter = listFilters.get(key);
  if (!filter) listFilters.set(key, (filter = lists ? filterWith({ version: "fixture-lists", enrich: { audit: { lists } } }) : filterWith()));
  return filter;
}

/** One record through the filter; fails the test if it was dropped. */
export function one(filter: FilterHost, body: object | string, tag = "kube.var.log.containers.app", sec = 1_800_000_000): Json {
  const result = filter.call(tag, typeof body === "string" ? body : JSON.stringify(body), sec);
  if (result.kind !== "record") throw new Error(`dropped: ${result.reason}`);
  return result.record;
}

/** The filter inside build/testkit.wasm, where the gate's drop counters can be read. */
export class GatedFilter {
  private readonly tk;
  constructor(policy: object) {
    this.tk = loadTestkit({ preopens: { ".": makeDir({ policy }) } });
  }

  /** Runs a record; returns the output record, or null if gating dropped it. */
  call(body: object, tag = "kube.var.log.containers.app", sec = 1_800_000_000): Json | null {
    const { exports, memory } = this.tk;
    const tagBytes = new TextEncoder().encode(tag);
    const bodyBytes = new TextEncoder().encode(JSON.stringify(body));
    const tagPtr = memory.dup(tagBytes);
    const bodyPtr = memory.dup(bodyBytes);
    try {
      const out = exports.enrichment_filter(tagPtr, tagBytes.length, sec, 0, bodyPtr, bodyBytes.length) >>> 0;
      return out === 0 ? null : JSON.parse(new TextDecoder().decode(memory.readCString(out)));
    } finally {
      memory.free(tagPtr);
      memory.free(bodyPtr);
    }
  }

  /** Drops so far: [global, tag, namespace, override]. */
  drops(): number[] {
    return [1, 2, 3, 4].map((reason) => this.tk.exports.enrichment_drops(reason) >>> 0);
  }
}

/** Asserts a record kept with the given severity (or none). */
export function expectSeverity(record: Json, text: string | undefined): void {
  expect(record.severity_text).toBe(text);
  const numbers: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };
  expect(record.severity_number).toBe(text === undefined ? undefined : numbers[text]);
}
