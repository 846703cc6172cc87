// Deterministic records for benchmarks: container logs as Fluent Bit's tail + kubernetes
// filter produce them, padded to a target size with realistic text (no secrets).
const WORDS = ["GET", "/api/v1/orders", "200", "in", "12ms", "user", "session", "cache", "hit", "request", "completed",
  "upstream", "latency", "bytes", "sent", "worker", "queue", "depth", "retry", "ok"];

export function containerRecord(i: number, targetBytes: number) {
  const record = {
    time: "2026-11-23T08:00:00.000000000Z",
    stream: i % 3 === 0 ? "stderr" : "stdout",
    _p: "F",
    log: "",
    kubernetes: {
      pod_name: `web-7d9f8c6b5-x2x9k`,
      namespace_name: "shop",
      pod_id: "5f9c8a2e-1b7d-4c3e-9a6f-2d8e4b1c7a90",
      labels: { app: "web", "pod-template-hash": "7d9f8c6b5" },
      host: "node-1",
      container_name: "web",
      docker_id: "3b5a0a5c9f1e7d2c4b6a8e0f1d3c5b7a9e1f3d5c7b9a1e3f5d7c9b1a3e5f7d9c",
      container_image: "registry.example.com/web:1.4.2",
    },
  };
  const base = JSON.stringify(record).length;
  let log = `INFO ${i} `;
  let w = i;
  while (base + log.length < targetBytes) log += WORDS[w++ % WORDS.length] + " ";
  record.log = log.slice(0, Math.max(0, targetBytes - base));
  return record;
}
