// Local receivers on loopback for Fluent Bit's outputs to stores: they keep exactly what each
// output sends, and give it back in the form each store gives it back (what `logseal verify` reads):
//   es      Elasticsearch/OpenSearch `_bulk` -> a `_search` response, each hit's `_source` the
//           document as sent (stored source; duplicate top-level keys refused as Elasticsearch does)
//   loki    `/loki/api/v1/push` -> a `query_range` response (streams by label set, newest first,
//           identical entries of a stream kept once, as Loki does)
//   splunk  HEC `/services/collector/event` -> a search export (NDJSON `{"result":{"_raw","_time",..}}`,
//           newest first); an object without `event` refused (code 12), as Splunk does
//   s3      PutObject and multipart uploads (any SigV4 signature accepted) -> the objects' bytes
//   http    any POST -> the bodies as received (Content-Encoding undone)
// Wire formats checked against Fluent Bit 5.1's plugins (out_es es.c/es_bulk.h, out_loki loki.c,
// out_splunk splunk.c, out_s3 s3.c/s3_multipart.c, out_http http.c).
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { arrayItems, memberNamed, objectMembers, topValues } from "../../cli/stores/scan.js";

export type StoreKind = "es" | "loki" | "splunk" | "s3" | "http";

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** The body after Content-Encoding is undone. */
  body: Buffer;
}

interface EsDoc {
  index: string;
  id: string;
  /** `_source` exactly as the bulk request carried it. */
  source: string;
}

interface LokiEntry {
  labels: string;
  ts: string;
  line: string;
  meta?: string;
}

interface SplunkEvent {
  /** The event's JSON text as sent (Splunk's `_raw`). */
  raw: string;
  /** HEC `time` as written, or undefined (auto_extract_timestamp: Splunk finds one itself). */
  time?: string;
  receivedAt: number;
  fields: Record<string, string>;
}

export class StoreReceiver {
  readonly requests: Received[] = [];
  readonly es: EsDoc[] = [];
  readonly loki: LokiEntry[] = [];
  readonly splunk: SplunkEvent[] = [];
  /** S3 objects by key (bucket/key), bytes as uploaded (gzip stays gzip, as in S3). */
  readonly s3 = new Map<string, Buffer>();
  private readonly uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  readonly http: Received[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(readonly kind: StoreKind) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let body = Buffer.concat(chunks);
        try {
          if (/gzip/i.test(String(req.headers["content-encoding"] ?? "")) && this.kind !== "s3") body = gunzipSync(body);
          const received: Received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
          this.requests.push(received);
          this.handle(received, res);
        } catch (error) {
          res.writeHead(400, { "Content-Type": "text/plain" }).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private handle(req: Received, res: ServerResponse): void {
    const json = (status: number, value: unknown): void => void res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
    const path = req.url.split("?")[0];
    switch (this.kind) {
      case "es":
        if (req.method === "POST" && path.endsWith("/_bulk")) return json(200, this.bulk(req.body.toString("utf8")));
        return json(200, { version: { number: "8.15.0", distribution: undefined }, tagline: "You Know, for Search" });
      case "loki":
        if (req.method === "POST" && path === "/loki/api/v1/push") {
          this.push(req.body.toString("utf8"));
          return void res.writeHead(204).end();
        }
        return json(404, { error: "not found" });
      case "splunk":
        if (req.method === "POST" && path.startsWith("/services/collector")) {
          const refused = this.hec(req.body.toString("utf8"));
          return refused ? json(400, refused) : json(200, { text: "Success", code: 0 });
        }
        return json(404, { text: "The requested URL was not found on this server.", code: 404 });
      case "s3":
        return this.s3Request(req, res);
      case "http":
        this.http.push(req);
        return json(200, { status: "ok" });
    }
  }

  // --- Elasticsearch bulk: action line, then the document (create/index) or {"doc": ...} (update).
  private bulk(text: string): object {
    const lines = text.split("\n").filter((l) => l.length > 0);
    const items: object[] = [];
    let errors = false;
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as Record<string, { _index?: string; _id?: string }>;
      const [op, meta] = Object.entries(action)[0];
      let source = lines[i + 1];
      if (op === "update") {
        const doc = memberNamed(objectMembers(source, 0), "doc");
        source = doc ? source.slice(doc.at, doc.end) : "{}";
      }
      const keys = objectMembers(source, 0).map((m) => m.key);
      const id = meta._id ?? randomBytes(10).toString("base64url");
      if (new Set(keys).size !== keys.length) {
        // Elasticsearch parses documents with duplicate detection on: such a document is refused.
        errors = true;
        items.push({ [op]: { _index: meta._index, _id: id, status: 400, error: { type: "document_parsing_exception", reason: "Duplicate field" } } });
        continue;
      }
      this.es.push({ index: meta._index ?? "", id, source });
      items.push({ [op]: { _index: meta._index, _id: id, _version: 1, result: "created", status: 201 } });
    }
    return { took: 1, errors, items };
  }

  /** The `_search` response for every document (match_all, size large enough), newest document first. */
  esSearch(): string {
    const hits = [...this.es].reverse().map((d) => `{"_index":${JSON.stringify(d.index)},"_id":${JSON.stringify(d.id)},"_score":1.0,"_source":${d.source}}`);
    return `{"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},` +
      `"hits":{"total":{"value":${hits.length},"relation":"eq"},"max_score":1.0,"hits":[${hits.join(",")}]}}`;
  }

  // --- Loki push: {"streams":[{"stream":{labels},"values":[["<ns>","<line>"(, {metadata})], ...]}]}
  private push(text: string): void {
    const doc = JSON.parse(text) as { streams: { stream: Record<string, string>; values: [string, string, object?][] }[] };
    for (const { stream, values } of doc.streams) {
      const labels = JSON.stringify(Object.fromEntries(Object.entries(stream).sort()));
      for (const [ts, line, meta] of values) {
        // Loki keeps one of identical entries (same stream, time and line).
        if (this.loki.some((e) => e.labels === labels && e.ts === ts && e.line === line)) continue;
        this.loki.push({ labels, ts, line, ...(meta && { meta: JSON.stringify(meta) }) });
      }
    }
  }

  /** The `query_range` response of a log query selecting every stream (direction backward: newest first). */
  lokiQueryRange(): string {
    const streams = new Map<string, LokiEntry[]>();
    for (const entry of this.loki) streams.set(entry.labels, [...(streams.get(entry.labels) ?? []), entry]);
    const result = [...streams].map(([labels, entries]) => ({
      stream: JSON.parse(labels),
      values: entries.sort((a, b) => (BigInt(b.ts) > BigInt(a.ts) ? 1 : BigInt(b.ts) < BigInt(a.ts) ? -1 : 0)).map((e) => (e.meta ? [e.ts, e.line, JSON.parse(e.meta)] : [e.ts, e.line])),
    }));
    return JSON.stringify({ status: "success", data: { resultType: "streams", result, stats: {} } });
  }

  // --- Splunk HEC: JSON objects back to back, {"time": <s>, host..., "event": {record}}.
  private hec(text: string): object | null {
    let n = 0;
    for (const [at, end] of topValues(text)) {
      const members = objectMembers(text, at);
      const event = memberNamed(members, "event");
      if (!event) return { text: "Event field is required", code: 12, "invalid-event-number": n };
      const time = memberNamed(members, "time");
      const fields: Record<string, string> = {};
      for (const name of ["host", "source", "sourcetype", "index"]) {
        const m = memberNamed(members, name);
        if (m) fields[name] = JSON.parse(text.slice(m.at, m.end));
      }
      // _raw: a string event is its content; an object is kept as its JSON text.
      const raw = text[event.at] === '"' ? (JSON.parse(text.slice(event.at, event.end)) as string) : text.slice(event.at, event.end);
      this.splunk.push({ raw, time: time ? text.slice(time.at, time.end) : undefined, receivedAt: Date.now() / 1000, fields });
      n++;
      void end;
    }
    return null;
  }

  /** A search export (`/services/search/jobs/export`, output_mode=json): one result per line, newest first. */
  splunkExport(): string {
    const timeOf = (e: SplunkEvent) => e.time ?? e.receivedAt.toFixed(3);
    return [...this.splunk]
      .sort((a, b) => Number(timeOf(b)) - Number(timeOf(a)))
      .map((e, offset) => {
        // Splunk keeps _time to the millisecond here (cut, not rounded), and exports it with its zone.
        const [seconds, fraction = ""] = timeOf(e).split(".");
        const time = new Date(Number(seconds) * 1000).toISOString().replace(".000Z", `.${(fraction + "000").slice(0, 3)}+00:00`);
        return JSON.stringify({ preview: false, offset, result: { _raw: e.raw, _time: time, index: "main", ...e.fields, splunk_server: "receiver" } });
      })
      .join("\n") + "\n";
  }

  // --- S3: PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload.
  private s3Request(req: Received, res: ServerResponse): void {
    const url = new URL(req.url, "http://s3.local");
    const key = decodeURIComponent(url.pathname.slice(1));
    const xml = (body: string): void => void res.writeHead(200, { "Content-Type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
    const etag = `"${randomBytes(16).toString("hex")}"`;
    if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")) {
      return void res.writeHead(403, { "Content-Type": "application/xml" }).end("<Error><Code>AccessDenied</Code></Error>");
    }
    if (req.method === "POST" && url.searchParams.has("uploads")) {
      const id = randomBytes(12).toString("hex");
      this.uploads.set(id, { key, parts: new Map() });
      return xml(`<InitiateMultipartUploadResult><Bucket>${key.split("/")[0]}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    const uploadId = url.searchParams.get("uploadId");
    if (req.method === "PUT" && uploadId) {
      const upload = this.uploads.get(uploadId);
      if (!upload) return void res.writeHead(404).end("<Error><Code>NoSuchUpload</Code></Error>");
      upload.parts.set(Number(url.searchParams.get("partNumber")), req.body);
      return void res.writeHead(200, { ETag: etag }).end();
    }
    if (req.method === "POST" && uploadId) {
      const upload = this.uploads.get(uploadId);
      if (!upload) return void res.writeHead(404).end("<Error><Code>NoSuchUpload</Code></Error>");
      const parts = [...upload.parts].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
      this.s3.set(upload.key, Buffer.concat(parts));
      this.uploads.delete(uploadId);
      return xml(`<CompleteMultipartUploadResult><Location>http://127.0.0.1/${key}</Location><Bucket>${key.split("/")[0]}</Bucket><Key>${key}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`);
    }
    if (req.method === "DELETE" && uploadId) {
      this.uploads.delete(uploadId);
      return void res.writeHead(204).end();
    }
    if (req.method === "PUT") {
      this.s3.set(key, req.body);
      return void res.writeHead(200, { ETag: etag }).end();
    }
    return void res.writeHead(200).end();
  }
}

/** Every record of a JSON Lines / JSON array text, as texts (for tests that tamper with one). */
export function jsonValues(text: string): string[] {
  return topValues(text).flatMap(([at, end]) => (text[at] === "[" ? arrayItems(text, at).map(([a, e]) => text.slice(a, e)) : [text.slice(at, end)]));
}
