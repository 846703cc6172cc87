// Generates samples/kubernetes.ndjson: container logs as Fluent Bit's tail + kubernetes
// filter produce them (with secrets to redact) and API server audit events. Deterministic.
import { writeFileSync } from "node:fs";

const pod = (name: string, ns: string, app: string) => ({
  pod_name: name,
  namespace_name: ns,
  pod_id: "5f9c8a2e-1b7d-4c3e-9a6f-2d8e4b1c7a90",
  labels: { app },
  annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1","kind":"Pod","spec":{"env":[{"name":"DB_PASSWORD","value":"hunter2"}]}}' },
  host: "node-1",
  container_name: app,
  docker_id: "3b5a0a5c9f1e7d2c4b6a8e0f1d3c5b7a9e1f3d5c7b9a1e3f5d7c9b1a3e5f7d9c",
  container_image: `registry.example.com/${app}:1.4.2`,
});

const container = (time: string, stream: string, log: string, k: ReturnType<typeof pod>) =>
  ({ time, stream, _p: "F", log, kubernetes: k });

const web = pod("web-7d9f8c6b5-x2x9k", "shop", "web");
const api = pod("payments-api-6c8d7f9b4-p4q7r", "payments", "payments-api");
const worker = pod("mailer-5b6c7d8e9f-k8l9m", "shop", "mailer");

const records: object[] = [
  container("2026-11-23T08:00:00.101Z", "stdout", '10.42.0.7 - - [23/Nov/2026:08:00:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31"', web),
  container("2026-11-23T08:00:01.202Z", "stdout", "INFO payment accepted card=4111 1111 1111 1111 amount=42.00 EUR order=8f14e45f-ceea-467f-a0e6-1a2b3c4d5e6f", api),
  container("2026-11-23T08:00:01.305Z", "stderr", "DEBUG connecting to postgres://payments:S3cr3t-P4ss@db.payments.svc:5432/ledger", api),
  container("2026-11-23T08:00:02.410Z", "stdout", '{"level":"warn","msg":"retrying webhook","url":"https://hooks.slack.com/services/T000/B000/XXXX","token":"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"}', worker),
  container("2026-11-23T08:00:03.002Z", "stdout", "sent receipt to alice.liddell@example.org for order 1234567890123456 (not a card: fails Luhn)", worker),
  container("2026-11-23T08:00:03.500Z", "stderr", "E1123 08:00:03.500000       1 controller.go:114] failed to sync: Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", api),
  container("2026-11-23T08:00:04.000Z", "stdout", "loaded config aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=eu-west-1", worker),
  container("2026-11-23T08:00:04.800Z", "stdout", "user ssn 123-45-6789 verified; iban DE89 3704 0044 0532 0130 00 on file; build sha 9fceb02d0ae598e95dc970b74767f19372d61af8", api),
  {
    apiVersion: "audit.k8s.io/v1", kind: "Event", level: "RequestResponse", auditID: "7e0d3f5a-9a52-4c1e-8f3b-6c1d2e3f4a5b",
    stage: "ResponseComplete", requestURI: "/api/v1/namespaces/payments/pods/payments-api-6c8d7f9b4-p4q7r/exec?command=sh&container=payments-api&stdin=true&tty=true",
    verb: "create", user: { username: "dev@example.com", groups: ["developers", "system:authenticated"] },
    sourceIPs: ["203.0.113.24"], userAgent: "kubectl/v1.31.0",
    objectRef: { resource: "pods", namespace: "payments", name: "payments-api-6c8d7f9b4-p4q7r", apiVersion: "v1", subresource: "exec" },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: "2026-11-23T08:00:05.000000Z", stageTimestamp: "2026-11-23T08:00:05.120000Z",
    annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": 'RBAC: allowed by ClusterRoleBinding "dev-exec" of ClusterRole "edit" to Group "developers"' },
  },
  {
    apiVersion: "audit.k8s.io/v1", kind: "Event", level: "Metadata", auditID: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    stage: "ResponseComplete", requestURI: "/apis/certificates.k8s.io/v1/certificatesigningrequests",
    verb: "create", user: { username: "mallory", groups: ["system:authenticated"] },
    sourceIPs: ["198.51.100.7"], userAgent: "kubectl/v1.31.0",
    objectRef: { resource: "certificatesigningrequests", name: "mallory-admin", apiGroup: "certificates.k8s.io", apiVersion: "v1" },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: "2026-11-23T08:00:06.000000Z", stageTimestamp: "2026-11-23T08:00:06.010000Z",
    annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "" },
  },
  {
    apiVersion: "audit.k8s.io/v1", kind: "Event", level: "Metadata", auditID: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    stage: "ResponseComplete", requestURI: "/api/v1/namespaces/payments/secrets/db-credentials",
    verb: "get", user: { username: "dev@example.com", groups: ["developers", "system:authenticated"] },
    sourceIPs: ["203.0.113.24"], userAgent: "kubectl/v1.31.0",
    objectRef: { resource: "secrets", namespace: "payments", name: "db-credentials", apiVersion: "v1" },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: "2026-11-23T08:00:07.000000Z", stageTimestamp: "2026-11-23T08:00:07.004000Z",
  },
  container("2026-11-23T08:00:08.000Z", "stdout", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yVcVPJz0b3aPIs6mY3wFxpX3s0kK8wXH1A==\n-----END RSA PRIVATE KEY-----", worker),
  container("2026-11-23T08:00:09.000Z", "stdout", "DEBUG cache hit ratio 0.97 for key session:4f2a", web),
];

const lines = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
writeFileSync(new URL("./kubernetes.ndjson", import.meta.url), lines);
console.log(`wrote ${records.length} records`);
