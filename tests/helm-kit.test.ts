// The Kubernetes kit as a user installs it, checked without a cluster: the Helm values against the
// official chart's own templates (every key the kit sets is one a template reads), `helm template`
// when a helm binary is at hand, the manifests (Namespace, PriorityClass, quota, cert-manager), the
// openssl certificates, the aggregator's values and pipeline, the Kafka overlay, the init image's
// build files, the signed-mode policies and the anchors routing in a real Fluent Bit.
//
// The chart is read from LOGSEAL_FLUENT_BIT_CHART (a directory holding the chart's Chart.yaml and
// templates/, e.g. `helm pull fluent/fluent-bit --untar`, or charts/fluent-bit of a checkout of
// github.com/fluent/helm-charts); without it those tests are skipped with a message. No chart
// file is in this repository.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { RELEASE_WASM } from "./support/filter.js";
import {
  envReferences,
  loadYamlConfig,
  mountFor,
  onlySection,
  readRepoFile,
  readYaml,
  repoPath,
  sectionsNamed,
  usedPaths,
  versionAtLeast,
  type Mount,
} from "./support/fluent-bit-config.ts";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, errorLines, logsealCli } from "./support/fluent-bit.ts";

const HELM = "fluent-bit/helm";
const CHART_CONFIG_DIR = "/fluent-bit/etc/conf";
const nodeValues = readYaml(`${HELM}/values.yaml`);
const aggregatorValues = readYaml(`${HELM}/aggregator-values.yaml`);
const kafkaValues = readYaml(`${HELM}/values-kafka.yaml`);
const noRegistryValues = readYaml(`${HELM}/values-no-registry.yaml`);
const manifests = (file: string) => parseAllDocuments(readRepoFile(`${HELM}/${file}`)).map((d) => d.toJS());
const deployMd = readRepoFile("docs/deploy.md");
const envValue = (values: any, name: string) => values.env.find((e: any) => e.name === name);
const forwardHost: string = envValue(nodeValues, "LOGSEAL_FORWARD_HOST").value;
const NAMESPACE = "logging";
const ANCHOR_TAG_PREFIX = "anchor.";

// ---------------------------------------------------------------------------------------------
// The chart's templates: which value paths they read.

interface ChartUse {
  /** `.Values.a.b` paths the templates name. */
  refs: Set<string>;
  /** Paths rendered whole (toYaml, or range over a map/list): any key below them reaches Kubernetes as written. */
  wholesale: Set<string>;
  /** The chart's values.yaml. */
  defaults: any;
}

export function chartUse(chartDir: string): ChartUse {
  const refs = new Set<string>();
  const wholesale = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  for (const file of walk(join(chartDir, "templates"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) refs.add(m[1].slice(1));
    for (const m of text.matchAll(/toYaml\s+\(?\.Values((?:\.[A-Za-z0-9_]+)+)/g)) wholesale.add(m[1].slice(1));
    for (const m of text.matchAll(/range\s+(?:\$\w+\s*(?:,\s*\$\w+\s*)?:=\s*)?\.Values((?:\.[A-Za-z0-9_]+)+)/g)) wholesale.add(m[1].slice(1));
    // {{- with .Values.x }} followed within a few lines by {{- toYaml . ... }} or a tpl of it.
    for (const m of text.matchAll(/with\s+\.Values((?:\.[A-Za-z0-9_]+)+)\s*-?\}\}((?:[^\n]*\n){1,5})/g)) {
      if (/(toYaml|tpl)\s+\.\s/.test(m[2])) wholesale.add(m[1].slice(1));
    }
  }
  return { refs, wholesale, defaults: parse(readFileSync(join(chartDir, "values.yaml"), "utf8")) };
}

/** Leaf paths of a values document: maps are walked, lists and scalars (and empty maps) are leaves. */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

const hasPath = (doc: any, path: string) =>
  path.split(".").reduce<{ ok: boolean; at: any }>(
    (acc, key) => (acc.ok && acc.at !== null && typeof acc.at === "object" && key in acc.at ? { ok: true, at: acc.at[key] } : { ok: false, at: undefined }),
    { ok: true, at: doc },
  ).ok;

/** The value paths of `values` that no template of the chart reads. */
export function unusedKeys(values: any, use: ChartUse): string[] {
  return leafPaths(values).filter((path) => {
    if (use.refs.has(path)) return false;
    const parts = path.split(".");
    for (let i = parts.length - 1; i > 0; i--) {
      const prefix = parts.slice(0, i).join(".");
      if (use.wholesale.has(prefix)) return false;
      if (use.refs.has(prefix) && hasPath(use.defaults, path)) return false;
    }
    return true;
  });
}

const CHART_DIR = process.env.LOGSEAL_FLUENT_BIT_CHART;
const chartMissing = !CHART_DIR
  ? "LOGSEAL_FLUENT_BIT_CHART is not set"
  : !existsSync(join(CHART_DIR, "Chart.yaml")) || !existsSync(join(CHART_DIR, "templates"))
    ? `LOGSEAL_FLUENT_BIT_CHART=${CHART_DIR} holds no Chart.yaml and templates/`
    : "";
const skipChart = chartMissing ? ` (skipped: ${chartMissing}; see the top of this file)` : "";
if (chartMissing) console.log(`helm-kit: chart checks skipped: ${chartMissing}`);

const VALUES_FILES: [string, any][] = [
  ["values.yaml", nodeValues],
  ["aggregator-values.yaml", aggregatorValues],
  ["values-kafka.yaml", kafkaValues],
  ["values-no-registry.yaml", noRegistryValues],
];

describe.skipIf(chartMissing !== "")(`values against the fluent/fluent-bit chart's templates${skipChart}`, () => {
  const use = chartMissing ? ({ refs: new Set(), wholesale: new Set(), defaults: {} } as ChartUse) : chartUse(CHART_DIR!);

  it("reads the chart: it names the keys the kit relies on", () => {
    for (const key of ["kind", "args", "extraVolumes", "extraPorts", "priorityClassName", "readinessProbe", "config.extraFiles", "fullnameOverride"]) {
      expect(use.refs.has(key), key).toBe(true);
    }
    // The chart puts extraFiles next to fluent-bit.conf, in the config volume mounted here.
    const pod = readFileSync(join(CHART_DIR!, "templates/_pod.tpl"), "utf8");
    expect(pod).toContain(`mountPath: ${CHART_CONFIG_DIR}`);
    expect(pod).toMatch(/readinessProbe:\s*\n\s*\{\{-\s*toYaml \.Values\.readinessProbe/);
  });

  it.each(VALUES_FILES)("every key %s sets is read by a template", (_file, values) => {
    expect(unusedKeys(values, use)).toEqual([]);
  });

  it("the check fails on a key no template reads (misspelt, or for another chart)", () => {
    const wrong = { ...nodeValues, daemonsetVolumes: [], image: { ...nodeValues.image, tags: "5.1.1" }, service: { prot: 2020 } };
    expect(unusedKeys(wrong, use).sort()).toEqual(["daemonsetVolumes", "image.tags", "service.prot"]);
  });

  it("the aggregator's extra port uses only the fields the chart's Service and pod read", () => {
    const text = ["templates/service.yaml", "templates/_pod.tpl"].map((f) => readFileSync(join(CHART_DIR!, f), "utf8")).join("\n");
    for (const port of aggregatorValues.extraPorts) for (const key of Object.keys(port)) expect(text).toContain(`.${key}`);
  });

  it("values.yaml's kind and the aggregator's are the two the chart templates", () => {
    expect(readFileSync(join(CHART_DIR!, "templates/daemonset.yaml"), "utf8")).toContain('eq .Values.kind "DaemonSet"');
    expect(readFileSync(join(CHART_DIR!, "templates/deployment.yaml"), "utf8")).toContain('eq .Values.kind "Deployment"');
    expect([nodeValues.kind, aggregatorValues.kind]).toEqual(["DaemonSet", "Deployment"]);
  });

  it("the chart's app version is one the kit supports (>= 5.0 for tls.verify_client_cert)", () => {
    const chart = parse(readFileSync(join(CHART_DIR!, "Chart.yaml"), "utf8"));
    expect(versionAtLeast(String(chart.appVersion), "5.0")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// `helm template` with the commands docs/deploy.md gives.

const hasHelm = spawnSync("helm", ["version", "--short"]).status === 0;
const helmBlocked = chartMissing ? chartMissing : hasHelm ? "" : "no helm binary on PATH";
if (helmBlocked) console.log(`helm-kit: helm template skipped: ${helmBlocked}`);

/** `helm template` of a release, as docs/deploy.md installs it; every rendered object. */
function helmTemplate(release: string, valuesFiles: string[], setFiles: Record<string, string>): any[] {
  const args = ["template", release, CHART_DIR!, "--namespace", NAMESPACE, ...valuesFiles.flatMap((f) => ["-f", repoPath(f)])];
  for (const [key, file] of Object.entries(setFiles)) args.push("--set-file", `config.extraFiles.${key.replace(/\./g, "\\.")}=${repoPath(file)}`);
  const out = execFileSync("helm", args, { encoding: "utf8" });
  return parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
}

describe.skipIf(helmBlocked !== "")(`helm template${helmBlocked ? ` (skipped: ${helmBlocked})` : ""}`, () => {
  it("renders the node shippers: a DaemonSet with the kit's pipeline, priority and probes", () => {
    const objects = helmTemplate("logseal", [`${HELM}/values.yaml`], {
      "logseal.yaml": "fluent-bit/fluent-bit.yaml",
      "logseal-parsers.yaml": "fluent-bit/logseal-parsers.yaml",
    });
    const ds = objects.find((o) => o.kind === "DaemonSet");
    expect(ds.metadata.name).toBe("logseal-fluent-bit");
    const pod = ds.spec.template.spec;
    expect(pod.priorityClassName).toBe(manifests("priorityclass.yaml")[0].metadata.name);
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe("/");
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(["logseal-wasm", "logseal-state"]);
    const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "logseal-fluent-bit");
    expect(parse(config.data["logseal.yaml"])).toEqual(readYaml("fluent-bit/fluent-bit.yaml"));
  });

  it("renders the aggregator: a Deployment and a Service named as the nodes dial, with the forward port", () => {
    const objects = helmTemplate("logseal-aggregator", [`${HELM}/aggregator-values.yaml`], { "aggregator.yaml": "fluent-bit/aggregator.yaml" });
    const service = objects.find((o) => o.kind === "Service");
    expect(`${service.metadata.name}.${NAMESPACE}.svc.cluster.local`).toBe(forwardHost);
    expect(service.spec.ports.find((p: any) => p.name === "forward").port).toBe(24224);
    const deployment = objects.find((o) => o.kind === "Deployment");
    expect(deployment.metadata.name).toBe("logseal-aggregator");
    expect(objects.some((o) => o.kind === "ClusterRole")).toBe(false);
  });

  it("renders the Kafka overlay with its include files", () => {
    const objects = helmTemplate("logseal", [`${HELM}/values.yaml`, `${HELM}/values-kafka.yaml`], {
      "logseal.yaml": "fluent-bit/fluent-bit.yaml",
      "logseal-parsers.yaml": "fluent-bit/logseal-parsers.yaml",
      "kafka-output.yaml": "fluent-bit/examples/kafka-output.yaml",
      "logseal-kafka.yaml": "fluent-bit/examples/kafka-node.yaml",
    });
    const pod = objects.find((o) => o.kind === "DaemonSet").spec.template.spec;
    expect(pod.containers[0].env.map((e: any) => e.name)).toContain("LOGSEAL_KAFKA_BROKERS");
    expect(pod.volumes.map((v: any) => v.name)).toContain("kafka-tls");
  });
});

// ---------------------------------------------------------------------------------------------
// What the Helm files say to each other, and to the manifests, with no chart needed.

/** The files docs/deploy.md passes by --set-file into config.extraFiles, per values file's release. */
function setFilesInDocs(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of deployMd.matchAll(/--set-file 'config\.extraFiles\.([^=]+)=([^']+)'/g)) found.set(m[1].replace(/\\\./g, "."), m[2]);
  return found;
}

describe("the files the chart templates (extraFiles)", () => {
  it("docs/deploy.md passes each pipeline file by --set-file, and each exists", () => {
    const files = setFilesInDocs();
    expect([...files.keys()].sort()).toEqual(["aggregator.yaml", "kafka-output.yaml", "logseal-kafka.yaml", "logseal-parsers.yaml", "logseal.yaml"]);
    for (const file of files.values()) expect(existsSync(repoPath(file)), file).toBe(true);
  });

  it("holds no `{{`: the chart runs every extraFiles value through tpl", () => {
    for (const file of setFilesInDocs().values()) expect(readRepoFile(file), file).not.toContain("{{");
  });

  it("each release runs a file it receives", () => {
    const files = setFilesInDocs();
    for (const values of [nodeValues, aggregatorValues, kafkaValues]) {
      const config = values.args.find((a: string) => a.startsWith("--config="))!.slice("--config=".length);
      expect(config.startsWith(`${CHART_CONFIG_DIR}/`)).toBe(true);
      expect(files.has(config.slice(CHART_CONFIG_DIR.length + 1)), config).toBe(true);
    }
  });
});

describe("docs/deploy.md creates every object the releases reference", () => {
  /** Secrets and ConfigMaps a values file references: secret/configMap volumes (projected too) and env. */
  function referenced(values: any): { kind: string; name: string; optional: boolean }[] {
    const out: { kind: string; name: string; optional: boolean }[] = [];
    for (const volume of values.extraVolumes ?? []) {
      if (volume.secret) out.push({ kind: "Secret", name: volume.secret.secretName, optional: volume.secret.optional === true });
      if (volume.configMap) out.push({ kind: "ConfigMap", name: volume.configMap.name, optional: volume.configMap.optional === true });
      for (const source of volume.projected?.sources ?? []) if (source.secret) out.push({ kind: "Secret", name: source.secret.name, optional: source.secret.optional === true });
    }
    for (const env of values.env ?? []) if (env.valueFrom?.secretKeyRef) out.push({ kind: "Secret", name: env.valueFrom.secretKeyRef.name, optional: false });
    return out;
  }
  const manifestObjects = readdirSync(repoPath(HELM))
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("values") && f !== "aggregator-values.yaml")
    .flatMap((f) => manifests(f).filter(Boolean).map((d) => ({ file: f, doc: d })));
  const made = (kind: string, name: string): boolean => {
    if (kind === "Secret" && manifestObjects.some(({ doc }) => doc.kind === "Certificate" && doc.spec.secretName === name)) return true;
    if (manifestObjects.some(({ doc, file }) => doc.kind === kind && doc.metadata.name === name && deployMd.includes(`apply -f fluent-bit/helm/${file}`))) return true;
    const verb = kind === "Secret" ? "secret generic" : "configmap";
    return deployMd.includes(`kubectl -n ${NAMESPACE} create ${verb} ${name} `);
  };

  it.each([
    ["values.yaml", nodeValues],
    ["aggregator-values.yaml", aggregatorValues],
    ["values-kafka.yaml", kafkaValues],
    ["values-no-registry.yaml", noRegistryValues],
  ] as [string, any][])("%s: each Secret and ConfigMap it needs (optional ones too) is created by a step", (_file, values) => {
    const refs = referenced(values);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(made(ref.kind, ref.name), `${ref.kind} ${ref.name}`).toBe(true);
  });

  it("the check fails for an object no step creates", () => {
    expect(made("Secret", "logseal-nowhere")).toBe(false);
    expect(made("Secret", "logseal-forward")).toBe(true);
  });

  it("the priority class and the namespace are applied before the releases that need them", () => {
    const at = (text: string) => deployMd.indexOf(text);
    const firstInstall = at("helm upgrade --install logseal-aggregator");
    for (const step of ["kubectl apply -f fluent-bit/helm/namespace.yaml", "kubectl apply -f fluent-bit/helm/priorityclass.yaml", "kubectl apply -f fluent-bit/helm/cert-manager.yaml", "create secret generic logseal-forward "]) {
      expect(at(step), step).toBeGreaterThan(-1);
      expect(at(step), step).toBeLessThan(firstInstall);
    }
    expect(at("helm upgrade --install logseal fluent/fluent-bit")).toBeGreaterThan(firstInstall);
  });
});

describe("Namespace, priority, quota", () => {
  const [namespace] = manifests("namespace.yaml");
  const [priority] = manifests("priorityclass.yaml");
  const [quota] = manifests("critical-pods-quota.yaml");

  it("the namespace enforces `privileged`, which hostPath volumes need, and is the one everything uses", () => {
    expect(namespace).toMatchObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    const hostPaths = [...nodeValues.daemonSetVolumes, ...nodeValues.extraVolumes].filter((v: any) => v.hostPath);
    expect(hostPaths.length).toBeGreaterThan(0); // the reason for privileged
    expect(forwardHost.split(".")[1]).toBe(NAMESPACE);
    expect(deployMd).toContain("kubectl apply -f fluent-bit/helm/namespace.yaml");
    // Every release of the kit goes there (cert-manager's own install has its own namespace).
    for (const m of deployMd.matchAll(/helm upgrade --install (\S+) fluent\/fluent-bit --namespace (\S+)/g)) expect(m[2], m[1]).toBe(NAMESPACE);
    for (const m of deployMd.matchAll(/kubectl -n (\S+)/g)) expect(m[1]).toBe(NAMESPACE);
  });

  it("the node shippers run at the kit's own PriorityClass, not a system class that GKE gates", () => {
    expect(priority).toMatchObject({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", globalDefault: false });
    expect(nodeValues.priorityClassName).toBe(priority.metadata.name);
    expect(priority.metadata.name.startsWith("system-")).toBe(false); // the system- prefix is reserved
    expect(priority.value).toBeLessThanOrEqual(1_000_000_000); // the highest a non-system class may have
    expect(priority.value).toBeGreaterThan(0);
  });

  it("the optional quota admits system-node-critical pods in the namespace", () => {
    expect(quota).toMatchObject({ apiVersion: "v1", kind: "ResourceQuota", metadata: { namespace: NAMESPACE } });
    expect(quota.spec.scopeSelector.matchExpressions).toEqual([{ operator: "In", scopeName: "PriorityClass", values: ["system-node-critical"] }]);
    expect(Number(quota.spec.hard.pods)).toBeGreaterThan(0);
  });

  it("every namespaced manifest of the kit is in the namespace", () => {
    const files = readdirSync(repoPath(HELM)).filter((f) => f.endsWith(".yaml") && !f.startsWith("values") && f !== "aggregator-values.yaml");
    for (const file of files) {
      for (const doc of manifests(file)) {
        if (!doc || ["Namespace", "PriorityClass"].includes(doc.kind)) continue;
        expect(doc.metadata.namespace, `${file} ${doc.kind}/${doc.metadata.name}`).toBe(NAMESPACE);
      }
    }
  });
});

describe("cert-manager manifests", () => {
  const docs = manifests("cert-manager.yaml");
  const issuers = docs.filter((d) => d.kind === "Issuer");
  const certificates = docs.filter((d) => d.kind === "Certificate");
  const certificate = (secret: string) => certificates.find((c) => c.spec.secretName === secret);
  const secretOf = (values: any, volume: string) => values.extraVolumes.find((v: any) => v.name === volume).secret.secretName;

  it("are cert-manager v1 objects with the fields cert-manager requires", () => {
    for (const doc of docs) {
      expect(doc.apiVersion).toBe("cert-manager.io/v1");
      expect(doc.metadata.name).toMatch(/^[a-z0-9-]+$/);
    }
    for (const issuer of issuers) expect(Object.keys(issuer.spec).filter((k) => ["selfSigned", "ca"].includes(k))).toHaveLength(1);
    for (const cert of certificates) {
      expect(cert.spec.secretName).toBeTruthy();
      // Every issuerRef names an Issuer of this file; a CA issuer reads a Secret a Certificate makes.
      expect(issuers.map((i) => i.metadata.name)).toContain(cert.spec.issuerRef.name);
      expect(cert.spec.issuerRef.kind).toBe("Issuer");
    }
    for (const issuer of issuers.filter((i) => i.spec.ca)) expect(certificate(issuer.spec.ca.secretName)?.spec.isCA).toBe(true);
  });

  it("issue the Secrets both releases mount, for their roles", () => {
    const server = certificate(secretOf(aggregatorValues, "aggregator-tls"));
    const client = certificate(secretOf(nodeValues, "forward-tls"));
    expect(server.spec.usages).toContain("server auth");
    expect(client.spec.usages).toContain("client auth");
    expect(server.spec.issuerRef.name).toBe(client.spec.issuerRef.name);
  });

  it("the server certificate carries the name the nodes dial, and the Service's shorter names", () => {
    const server = certificate(secretOf(aggregatorValues, "aggregator-tls"));
    const service = aggregatorValues.fullnameOverride;
    expect(server.spec.dnsNames).toEqual([service, `${service}.${NAMESPACE}`, `${service}.${NAMESPACE}.svc`, forwardHost]);
    expect(forwardHost).toBe(`${service}.${NAMESPACE}.svc.cluster.local`);
  });
});

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe.skipIf(!hasOpenssl)("make-certs.sh (openssl, clusters without cert-manager)", () => {
  const root = mkdtempSync(join(tmpdir(), "logseal-make-certs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const caDir = join(root, "ca");
  const out = join(root, "out");
  const run = () =>
    execFileSync(repoPath(`${HELM}/make-certs.sh`), [out], { env: { ...process.env, LOGSEAL_CA_DIR: caDir }, encoding: "utf8", stdio: "pipe" });
  const ext = (cert: string) => execFileSync("openssl", ["x509", "-in", cert, "-noout", "-ext", "subjectAltName,extendedKeyUsage"], { encoding: "utf8" });

  it("keeps the CA key where it says, private, and writes the two Secrets' files", () => {
    const printed = run();
    expect(statSync(join(caDir, "ca.key")).mode & 0o777).toBe(0o600);
    expect(statSync(caDir).mode & 0o777).toBe(0o700);
    for (const dir of ["aggregator", "node"]) expect(readdirSync(join(out, dir)).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    expect(readdirSync(out).some((f) => f.includes("ca.key"))).toBe(false);
    // The commands it prints create the Secrets the values mount.
    expect(printed).toContain(`create secret generic logseal-aggregator-tls --from-file=${out}/aggregator`);
    expect(printed).toContain(`create secret generic logseal-forward-tls --from-file=${out}/node`);
  });

  it("issues for the aggregator's Service names, as cert-manager.yaml does, and a client certificate", () => {
    const verified = execFileSync("openssl", ["verify", "-CAfile", join(caDir, "ca.crt"), join(out, "aggregator/tls.crt"), join(out, "node/tls.crt")], { encoding: "utf8" });
    expect(verified.match(/: OK/g)).toHaveLength(2);
    const server = ext(join(out, "aggregator/tls.crt"));
    expect(server).toMatch(/TLS Web Server Authentication/);
    const sans = [...server.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]);
    const certManager = manifests("cert-manager.yaml").find((d) => d.spec?.secretName === "logseal-aggregator-tls");
    expect(sans).toEqual(certManager.spec.dnsNames);
    expect(sans).toContain(forwardHost);
    expect(ext(join(out, "node/tls.crt"))).toMatch(/TLS Web Client Authentication/);
  });

  it("renews with the same CA: new leaf certificates that the old ca.crt still verifies", () => {
    const ca = readFileSync(join(caDir, "ca.crt"));
    const leaf = readFileSync(join(out, "node/tls.crt"));
    run();
    expect(readFileSync(join(caDir, "ca.crt"))).toEqual(ca);
    expect(readFileSync(join(out, "node/ca.crt"))).toEqual(ca);
    expect(readFileSync(join(out, "node/tls.crt"))).not.toEqual(leaf);
  });
});

// ---------------------------------------------------------------------------------------------
// The aggregator: values and pipeline.

describe("the aggregator (aggregator-values.yaml + aggregator.yaml)", () => {
  const pipeline = loadYamlConfig("fluent-bit/aggregator.yaml");
  const node = loadYamlConfig("fluent-bit/fluent-bit.yaml");
  const mounts: Mount[] = [
    { mountPath: CHART_CONFIG_DIR, readOnly: true, source: "config" },
    ...aggregatorValues.extraVolumeMounts.map((m: any) => ({ mountPath: m.mountPath, readOnly: m.readOnly === true, source: m.name })),
  ];
  const input = onlySection(pipeline.inputs, "forward");

  it("listens where the nodes send: the Service's forward port is the input's and the nodes' output's", () => {
    const port = aggregatorValues.extraPorts.find((p: any) => p.name === "forward");
    expect(String(port.port)).toBe(input.port);
    expect(String(port.containerPort)).toBe(input.port);
    expect(onlySection(node.outputs, "forward").port).toBe(input.port);
  });

  it("accepts only nodes with a client certificate of the CA and the shared key the nodes use", () => {
    expect(input).toMatchObject({ tls: "true", "tls.verify": "true", "tls.verify_client_cert": "true" });
    expect(input.shared_key).toBe("${LOGSEAL_FORWARD_SHARED_KEY}");
    const key = (values: any) => envValue(values, "LOGSEAL_FORWARD_SHARED_KEY").valueFrom.secretKeyRef;
    expect(key(aggregatorValues)).toEqual(key(nodeValues));
    const tls = mountFor("/etc/fluent-bit/tls/tls.key", mounts)!;
    expect(aggregatorValues.extraVolumes.find((v: any) => v.name === tls.source).secret.secretName).toBe("logseal-aggregator-tls");
  });

  it("every path its pipeline uses is mounted, writable where it writes; every ${VAR} is provided", () => {
    const used = usedPaths(pipeline, CHART_CONFIG_DIR);
    for (const output of pipeline.outputs) if (output.name === "file") expect(used.some((u) => u.path === output.path && u.writes)).toBe(true);
    expect(used.length).toBeGreaterThan(3);
    for (const use of used) {
      const mount = mountFor(use.path, mounts);
      expect(mount, `${use.what}: nothing mounted at ${use.path}`).toBeDefined();
      if (use.writes) expect(mount!.readOnly, `${use.what}: ${use.path} is read-only`).toBe(false);
    }
    const provided = aggregatorValues.env.map((e: any) => e.name);
    for (const name of envReferences("fluent-bit/aggregator.yaml")) expect(provided).toContain(name);
  });

  it("buffers on disk: filesystem storage for what it receives, on the buffer volume", () => {
    expect(input["storage.type"]).toBe("filesystem");
    const storage = mountFor(pipeline.service["storage.path"], mounts)!;
    expect(storage.readOnly).toBe(false);
    expect(aggregatorValues.extraVolumes.find((v: any) => v.name === storage.source)).toBeDefined();
    for (const output of pipeline.outputs) expect(output.retry_limit, output.alias).toBe("no_limits");
  });

  it("sends the store every record but the anchor copies, and the anchors to an output of their own", () => {
    const store = pipeline.outputs.find((o) => o.alias === "store")!;
    const anchors = pipeline.outputs.find((o) => o.alias === "anchors")!;
    const storeMatches = new RegExp(store.match_regex);
    for (const tag of ["kube.var.log.containers.web-0_shop_web-1.log", "kube-audit.var.log.kubernetes.audit.audit.log"]) {
      expect(storeMatches.test(tag), tag).toBe(true);
    }
    expect(storeMatches.test(`${ANCHOR_TAG_PREFIX}kube.x`)).toBe(false);
    expect(anchors.match).toBe(`${ANCHOR_TAG_PREFIX}*`);
    expect(store.format).toBe("json_lines");
    expect(store.json_date_key).toBe("false");
  });

  it("stays Ready while a store is away (probes `/`, not the chart's /api/v2/health), for `helm --wait` too", () => {
    for (const values of [aggregatorValues, nodeValues]) {
      expect(values.readinessProbe.httpGet).toEqual({ path: "/", port: "http" });
      expect(values.livenessProbe.httpGet).toEqual({ path: "/", port: "http" });
    }
    for (const config of [pipeline, node]) {
      expect(config.service).toMatchObject({ http_server: "true", health_check: "true", hc_errors_count: "5", hc_retry_failure_count: "5", hc_period: "60" });
      expect(config.service.http_port).toBe("2020");
    }
  });

  it("runs as Pod Security `restricted` allows: non-root, no capabilities, RuntimeDefault seccomp", () => {
    expect(aggregatorValues.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(aggregatorValues.podSecurityContext.runAsUser).toBeGreaterThan(0);
    expect(aggregatorValues.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(aggregatorValues.extraVolumes.some((v: any) => v.hostPath)).toBe(false);
    // The non-root user reads the TLS key through its group (fsGroup): 0440, in YAML 1.1 octal as Helm reads it.
    const modes = parse(readRepoFile(`${HELM}/aggregator-values.yaml`), { version: "1.1" });
    expect(modes.extraVolumes.find((v: any) => v.name === "aggregator-tls").secret.defaultMode).toBe(0o440);
    expect(aggregatorValues.rbac.create).toBe(false);
    expect(aggregatorValues.serviceAccount.automountServiceAccountToken).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The Kafka route through Helm.

describe("the Kafka overlay (values-kafka.yaml)", () => {
  const kafka = readYaml("fluent-bit/examples/kafka-output.yaml");
  const [output] = kafka.pipeline.outputs;

  it("keeps every list item of values.yaml (Helm replaces lists) and adds the Kafka ones", () => {
    for (const key of ["env", "extraVolumes", "extraVolumeMounts"]) {
      expect(kafkaValues[key].slice(0, nodeValues[key].length), key).toEqual(nodeValues[key]);
      expect(kafkaValues[key].length, key).toBeGreaterThan(nodeValues[key].length);
    }
    expect(Object.keys(kafkaValues).sort()).toEqual(["args", "env", "extraVolumeMounts", "extraVolumes"]);
  });

  it("provides the output's environment and mounts its certificate files", () => {
    const provided = kafkaValues.env.map((e: any) => e.name);
    for (const name of envReferences("fluent-bit/examples/kafka-output.yaml")) expect(provided).toContain(name);
    const mounts = kafkaValues.extraVolumeMounts.map((m: any) => ({ mountPath: m.mountPath, readOnly: m.readOnly === true, source: m.name }));
    const files = Object.entries(output).filter(([k]) => /^rdkafka\.ssl\..*location$/.test(k)).map(([, v]) => String(v));
    expect(files).toHaveLength(3);
    for (const file of files) expect(mountFor(file, mounts), file).toBeDefined();
  });

  it("runs a config that includes the node pipeline and the Kafka output by the names --set-file gives them", () => {
    const wrapper = readYaml("fluent-bit/examples/kafka-node.yaml");
    const files = setFilesInDocs();
    expect(wrapper.includes.sort()).toEqual(["kafka-output.yaml", "logseal.yaml"]);
    for (const name of wrapper.includes) expect(files.has(name), name).toBe(true);
    expect(files.get("logseal-kafka.yaml")).toBe("fluent-bit/examples/kafka-node.yaml");
  });
});

describe("without a registry (values-no-registry.yaml)", () => {
  it("replaces only the module's emptyDir by the ConfigMap, keeping every other volume", () => {
    const expected = nodeValues.extraVolumes.map((v: any) => (v.name === "logseal-wasm" ? { name: "logseal-wasm", configMap: { name: "logseal-wasm" } } : v));
    expect(noRegistryValues.extraVolumes).toEqual(expected);
    expect(Object.keys(noRegistryValues).sort()).toEqual(["extraVolumes", "initContainers"]);
  });

  it("still readies the state directory with prepare-state.sh, from the ConfigMap docs/deploy.md creates", () => {
    const [init] = noRegistryValues.initContainers;
    const base = nodeValues.initContainers.find((c: any) => c.name === "logseal-state");
    expect(init).toMatchObject({ name: "logseal-state", env: base.env, securityContext: base.securityContext });
    const script = init.command.at(-1);
    const mount = init.volumeMounts.find((m: any) => script.startsWith(`${m.mountPath}/`));
    expect(mount.name).toBe("logseal-wasm");
    expect(init.volumeMounts).toEqual(expect.arrayContaining(base.volumeMounts));
    const file = script.slice(mount.mountPath.length + 1);
    expect(deployMd).toContain(`--from-file=logseal.wasm=build/logseal.wasm --from-file=${file}=fluent-bit/helm/${file}`);
    // The Fluent Bit container reads wasm_path from the same volume.
    const wasmPath = onlySection(loadYamlConfig("fluent-bit/fluent-bit.yaml").filters, "wasm").wasm_path;
    expect(wasmPath).toBe(`${nodeValues.extraVolumeMounts.find((m: any) => m.name === "logseal-wasm").mountPath}/logseal.wasm`);
  });
});

// ---------------------------------------------------------------------------------------------
// The init image: multi-architecture build files (docker buildx cannot run here: no engine).

/** Whether .dockerignore lets `path` into the build context (last matching pattern wins). */
export function dockerContextHas(path: string, dockerignore: string): boolean {
  let included = true;
  for (const raw of dockerignore.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    const pattern = (negate ? line.slice(1) : line).replace(/^\//, "");
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*").replace(/\?/g, "[^/]")}(/.*)?$`);
    if (regex.test(path)) included = negate;
  }
  return included;
}

describe("the init image (Dockerfile.wasm, .dockerignore, make image)", () => {
  const dockerfile = readRepoFile(`${HELM}/Dockerfile.wasm`);
  const dockerignore = readRepoFile(".dockerignore");
  const copySources = [...dockerfile.matchAll(/^COPY\s+(?:--\S+\s+)*(.+)\s+\S+$/gm)].flatMap((m) => m[1].trim().split(/\s+/));

  it("has no RUN step: an arm64 image builds on an amd64 machine without an emulator", () => {
    expect(dockerfile).not.toMatch(/^RUN\b/m);
    expect(dockerfile).toMatch(/^# syntax=docker\/dockerfile:1/); // COPY --chmod needs BuildKit's frontend
    expect(copySources.length).toBeGreaterThanOrEqual(4);
  });

  it("builds for amd64 and arm64 with buildx, and pushes", () => {
    const makefile = readRepoFile("Makefile");
    const recipe = /^image:.*\n((?:\t.*\n)+)/m.exec(makefile)![1];
    expect(recipe).toContain("docker buildx build --platform $(PLATFORMS) -f fluent-bit/helm/Dockerfile.wasm");
    expect(recipe).toContain("--push");
    expect(/^PLATFORMS \?= (.*)$/m.exec(makefile)![1].split(",").sort()).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("sends every file it copies to the build, and not node_modules or anything else", () => {
    for (const source of copySources) {
      const example = source.replace("*", "logseal.aarch64");
      expect(dockerContextHas(example, dockerignore), example).toBe(true);
    }
    for (const path of ["node_modules/yaml/package.json", "build/testkit.wasm", "tests/helm-kit.test.ts", "fluent-bit/compose/secrets/edge.key", ".git/config"]) {
      expect(dockerContextHas(path, dockerignore), path).toBe(false);
    }
  });

  it("install-module.sh picks each architecture's AOT file from the same image (so one image serves both)", () => {
    const install = readRepoFile(`${HELM}/install-module.sh`);
    expect(install).toContain('logseal.$arch.aot');
    expect(readRepoFile("Makefile")).toContain("-o build/logseal.aarch64.aot");
  });

  it("both init containers name the same image, the placeholder docs/deploy.md replaces", () => {
    const images = nodeValues.initContainers.map((c: any) => c.image);
    expect(new Set(images).size).toBe(1);
    expect(deployMd).toContain(`s#${images[0]}#`);
  });
});

// ---------------------------------------------------------------------------------------------
// Signed mode in the kit: the policies, and the anchors routing in a real Fluent Bit.

describe("signed mode in the kit", () => {
  const sample = parse(readRepoFile("samples/policy.signed.yaml"));
  const kitInput = JSON.parse(readYaml(`${HELM}/logseal-policy-configmap.yaml`).data["logseal.policy.json"]).input;
  const signedPolicies: [string, any][] = [
    ["Helm ConfigMap", JSON.parse(readYaml(`${HELM}/logseal-policy-signed-configmap.yaml`).data["logseal.policy.json"])],
    ["compose", JSON.parse(readRepoFile("fluent-bit/compose/policy-signed/logseal.policy.json"))],
  ];

  it.each(signedPolicies)("the %s policy is samples/policy.signed.yaml with the kit's input, its files in the state directory", (_what, policy) => {
    expect(policy.redact).toEqual(sample.redact);
    expect(policy.input).toEqual(kitInput);
    const expected = Object.fromEntries(Object.entries(sample.seal).map(([k, v]) => [k, k.endsWith("_file") ? `/var/lib/logseal/${v}` : v]));
    expect(policy.seal).toEqual(expected);
  });

  it("replaces the HMAC policy's ConfigMap (same name), so one or the other is applied", () => {
    expect(readYaml(`${HELM}/logseal-policy-signed-configmap.yaml`).metadata).toEqual(readYaml(`${HELM}/logseal-policy-configmap.yaml`).metadata);
  });

  it("the compose overlay swaps the edge's policy directory and nothing else", () => {
    const overlay = readYaml("fluent-bit/compose/docker-compose.signed.yaml");
    const base = readYaml("fluent-bit/compose/docker-compose.yaml");
    expect(Object.keys(overlay.services)).toEqual(["edge"]);
    const [volume] = overlay.services.edge.volumes as string[];
    const [source, target] = volume.split(":");
    expect(existsSync(repoPath(`fluent-bit/compose/${source}`))).toBe(true);
    // Compose merges volumes by target: the base must mount something there for it to be replaced.
    expect(base.services.edge.volumes.some((v: string) => v.split(":")[1] === target)).toBe(true);
  });

  it("the node copies checkpoint records under anchor.<tag>, and logseal never sees a copy", () => {
    const node = loadYamlConfig("fluent-bit/fluent-bit.yaml");
    const [rewrite] = sectionsNamed(node.filters, "rewrite_tag");
    const wasm = onlySection(node.filters, "wasm");
    const names = node.filters.map((f) => f.name);
    expect(names.indexOf("rewrite_tag")).toBeGreaterThan(names.indexOf("wasm")); // copies of sealed records
    const [key, regex, tag, keep] = rewrite.rule.split(" ");
    expect([key, regex, tag, keep]).toEqual(["$_seal['cp']['sg']", "^.", `${ANCHOR_TAG_PREFIX}$TAG`, "true"]);
    expect(rewrite.match_regex).toBe(wasm.match_regex);
    expect(new RegExp(wasm.match_regex).test(`${ANCHOR_TAG_PREFIX}kube.x`)).toBe(false);
    expect(new RegExp(wasm.match_regex).test("kube.var.log.containers.a.log")).toBe(true);
    expect(rewrite["emitter_storage.type"]).toBe("filesystem");
  });
});

if (!FLUENT_BIT) console.log(NO_FLUENT_BIT_MESSAGE);
const wasmMissing = existsSync(RELEASE_WASM) ? "" : "no build/logseal.wasm (make build)";

describe.skipIf(!FLUENT_BIT || wasmMissing !== "")(
  `anchors routed by the shipped configs in a real Fluent Bit${!FLUENT_BIT ? " (skipped: no fluent-bit)" : wasmMissing ? ` (skipped: ${wasmMissing})` : ""}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "logseal-anchors-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("checkpoints reach the anchors file once each, the store gets no copy, and verify --anchors passes", () => {
      // The node's filters as shipped (logseal, then rewrite_tag), the compose aggregator's two
      // outputs as shipped, in one process: the routing is by tag, as it is across forward.
      const node = readYaml("fluent-bit/fluent-bit.yaml");
      const aggregator = readYaml("fluent-bit/compose/aggregator.yaml");
      const moduleDir = join(dir, "module");
      mkdirSync(moduleDir);
      const policy = { ...signedPoliciesForTest(), seal: { mode: "signed", origin: "anchors-node", checkpoint_records: 25, checkpoint_seconds: 0, epoch_records: 1000 } };
      writeFileSync(join(moduleDir, "logseal.policy.json"), JSON.stringify(policy));
      const lines = Array.from({ length: 240 }, (_, i) => JSON.stringify({ log: JSON.stringify({ msg: `request ${i}`, password: "hunter2" }) }));
      writeFileSync(join(dir, "in.log"), lines.join("\n") + "\n");
      const filters = node.pipeline.filters.filter((f: any) => f.name !== "kubernetes").map((f: any) =>
        f.name === "wasm" ? { ...f, wasm_path: RELEASE_WASM, accessible_paths: moduleDir } : f,
      );
      const outputs = aggregator.pipeline.outputs.map((o: any) => ({ ...o, path: dir }));
      const config = {
        service: { flush: 0.2, grace: 2, log_level: "info", "storage.path": join(dir, "storage") },
        pipeline: { inputs: [{ name: "tail", tag: "kube.app", path: join(dir, "in.log"), path_key: "file", offset_key: "offset", read_from_head: true, exit_on_eof: true }], filters, outputs },
      };
      writeFileSync(join(dir, "fluent-bit.yaml"), stringify(config));
      const run = spawnSync(FLUENT_BIT!, ["-c", join(dir, "fluent-bit.yaml")], { encoding: "utf8", timeout: 60_000 });
      const log = run.stdout + run.stderr;
      expect(errorLines(log), log).toEqual([]);
      const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
      const store = read("sealed.ndjson");
      const anchors = read("anchors.ndjson");
      expect(store).toHaveLength(240);
      const checkpoints = store.filter((r) => r._seal.cp);
      expect(checkpoints.length).toBeGreaterThan(5);
      expect(anchors).toEqual(checkpoints); // each once, unchanged, nothing else
      expect(store.every((r) => !("password" in r))).toBe(true);

      const trust = join(dir, "trust.json");
      expect(logsealCli(["keys", "trust", "--trust", trust, join(dir, "sealed.ndjson")]).status).toBe(0);
      const verified = logsealCli(["verify", "--trust", trust, "--anchors", join(dir, "anchors.ndjson"), join(dir, "sealed.ndjson")]);
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
      // A store cut before the last anchored checkpoint fails.
      const lastAnchored = store.findIndex((r) => r._seal.s === anchors.at(-1)._seal.s);
      writeFileSync(join(dir, "cut.ndjson"), readFileSync(join(dir, "sealed.ndjson"), "utf8").split("\n").slice(0, lastAnchored).join("\n") + "\n");
      const cut = logsealCli(["verify", "--trust", trust, "--anchors", join(dir, "anchors.ndjson"), join(dir, "cut.ndjson")]);
      expect(cut.status).toBe(1);
      expect(cut.stdout).toMatch(/truncated/);
    }, 90_000);
  },
);

function signedPoliciesForTest(): any {
  const policy = JSON.parse(readRepoFile("fluent-bit/compose/policy-signed/logseal.policy.json"));
  return { version: "anchors-test", input: policy.input, redact: policy.redact };
}

// The Kubernetes path of step 7 on loopback: the shipped node filters and forward output, and the
// shipped Kubernetes aggregator (fluent-bit/aggregator.yaml), with make-certs.sh's certificates.
// The node checks the aggregator's certificate against the Service name the values dial
// (tls.vhost stands in for the cluster's DNS); the aggregator's stdout is what `kubectl logs`
// shows; signed mode, so the anchors travel over forward to the aggregator's anchors output.
describe.skipIf(!FLUENT_BIT || wasmMissing !== "" || !hasOpenssl)(
  `the shipped node output and the Kubernetes aggregator in a real Fluent Bit${!FLUENT_BIT ? " (skipped: no fluent-bit)" : wasmMissing ? ` (skipped: ${wasmMissing})` : !hasOpenssl ? " (skipped: no openssl)" : ""}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "logseal-k8s-aggregator-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("mTLS with the Service's certificate, shared key, readiness on `/`, every record verifies, anchors kept apart", async () => {
      const { spawn } = await import("node:child_process");
      const { freePort, waitUntil } = await import("./support/fluent-bit.ts");
      const http = await import("node:http");
      const certs = join(dir, "certs");
      execFileSync(repoPath(`${HELM}/make-certs.sh`), [certs], { env: { ...process.env, LOGSEAL_CA_DIR: join(dir, "ca") }, stdio: "pipe" });
      const [forwardPort, httpPort] = [await freePort(), await freePort()];
      const env = { ...process.env, LOGSEAL_FORWARD_SHARED_KEY: "k".repeat(64), POD_NAME: "logseal-aggregator-0", NODE_NAME: "worker-1", LOGSEAL_FORWARD_HOST: "127.0.0.1" };
      const tlsFiles = (sub: string) => ({ "tls.ca_file": join(certs, sub, "ca.crt"), "tls.crt_file": join(certs, sub, "tls.crt"), "tls.key_file": join(certs, sub, "tls.key") });

      // The aggregator as shipped; only paths, ports and loopback changed.
      const aggregator = readYaml("fluent-bit/aggregator.yaml");
      Object.assign(aggregator.service, { "storage.path": join(dir, "aggregator-storage"), http_listen: "127.0.0.1", http_port: httpPort, grace: 2 });
      Object.assign(aggregator.pipeline.inputs[0], { listen: "127.0.0.1", port: forwardPort }, tlsFiles("aggregator"));
      const anchorsOut = aggregator.pipeline.outputs.find((o: any) => o.alias === "anchors");
      anchorsOut.path = join(dir, "anchors");
      writeFileSync(join(dir, "aggregator.yaml"), stringify(aggregator));
      const out = join(dir, "aggregator.stdout");
      const { openSync, closeSync } = await import("node:fs");
      const outFd = openSync(out, "w");
      const errFd = openSync(join(dir, "aggregator.stderr"), "w");
      const child = spawn(FLUENT_BIT!, ["-c", join(dir, "aggregator.yaml")], { env, stdio: ["ignore", outFd, errFd] });
      const exited = new Promise((resolve) => child.on("close", resolve));
      const get = (path: string) =>
        new Promise<number>((resolve) => {
          http.get({ host: "127.0.0.1", port: httpPort, path }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on("error", () => resolve(0));
        });
      try {
        let ready = 0;
        await waitUntil("the aggregator's readiness endpoint", () => ready === 200 || (void get("/").then((s) => (ready = s)), false), 20_000);
        expect(await get("/api/v2/health")).toBe(200);

        // The node: its filters and forward output as shipped, reaching 127.0.0.1 but checking the Service's name.
        const node = readYaml("fluent-bit/fluent-bit.yaml");
        const moduleDir = join(dir, "module");
        mkdirSync(moduleDir);
        writeFileSync(join(moduleDir, "logseal.policy.json"), JSON.stringify({ ...signedPoliciesForTest(), seal: { mode: "signed", origin: "worker-1", checkpoint_records: 25, checkpoint_seconds: 0 } }));
        const lines = Array.from({ length: 240 }, (_, i) => JSON.stringify({ log: JSON.stringify({ msg: `request ${i}`, password: "hunter2" }) }));
        writeFileSync(join(dir, "in.log"), lines.join("\n") + "\n");
        const forward = { ...node.pipeline.outputs.find((o: any) => o.name === "forward"), port: forwardPort, "tls.vhost": forwardHost, ...tlsFiles("node") };
        const nodeConfig = {
          service: { flush: 0.2, grace: 5, log_level: "info", "storage.path": join(dir, "node-storage") },
          pipeline: {
            inputs: [{ name: "tail", tag: "kube.app", path: join(dir, "in.log"), path_key: "file", offset_key: "offset", read_from_head: true, exit_on_eof: true }],
            filters: node.pipeline.filters.filter((f: any) => f.name !== "kubernetes").map((f: any) => (f.name === "wasm" ? { ...f, wasm_path: RELEASE_WASM, accessible_paths: moduleDir } : f)),
            outputs: [forward],
          },
        };
        writeFileSync(join(dir, "node.yaml"), stringify(nodeConfig));
        const run = spawnSync(FLUENT_BIT!, ["-c", join(dir, "node.yaml")], { env, encoding: "utf8", timeout: 60_000 });
        expect(errorLines(run.stdout + run.stderr), run.stdout + run.stderr).toEqual([]);
        const records = () => readFileSync(out, "utf8").split("\n").filter((l) => l.startsWith("{"));
        await waitUntil("240 records on the aggregator's stdout", () => records().length >= 240, 30_000);
      } finally {
        child.kill("SIGTERM");
        await exited;
        closeSync(outFd);
        closeSync(errFd);
      }
      const aggregatorLog = readFileSync(join(dir, "aggregator.stderr"), "utf8");
      expect(errorLines(aggregatorLog), aggregatorLog).toEqual([]);
      // As step 7 does: the lines that are records, from what `kubectl logs` would show.
      const sealed = join(dir, "sealed.ndjson");
      writeFileSync(sealed, readFileSync(out, "utf8").split("\n").filter((l) => l.startsWith("{")).join("\n") + "\n");
      const store = readFileSync(sealed, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
      expect(store).toHaveLength(240);
      const anchors = join(dir, "anchors", "anchors.ndjson");
      expect(readFileSync(anchors, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))).toEqual(store.filter((r) => r._seal.cp));
      const trust = join(dir, "trust.json");
      expect(logsealCli(["keys", "trust", "--trust", trust, sealed]).status).toBe(0);
      const verified = logsealCli(["verify", "--trust", trust, "--origin", "worker-1", "--anchors", anchors, sealed]);
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    }, 120_000);
  },
);

// docs/deploy.md's `kubectl create` commands as written (bash, from the repository root), run by
// kubectl offline with --dry-run=client: each makes the object the releases mount, with the keys
// the pipelines read. Skipped without kubectl (or openssl, for the certificates they read).
const hasKubectl = spawnSync("kubectl", ["version", "--client"]).status === 0;
const kubectlBlocked = !hasKubectl ? "no kubectl" : !hasOpenssl ? "no openssl" : wasmMissing;
if (kubectlBlocked) console.log(`helm-kit: kubectl dry runs skipped: ${kubectlBlocked}`);

describe.skipIf(kubectlBlocked !== "")(`docs/deploy.md's kubectl create commands, dry run${kubectlBlocked ? ` (skipped: ${kubectlBlocked})` : ""}`, () => {
  const work = mkdtempSync(join(tmpdir(), "logseal-walkthrough-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The `kubectl -n logging create ...` commands of the walk-through's shell blocks, continuations joined. */
  function createCommands(): string[] {
    const walkThrough = deployMd.slice(deployMd.indexOf("## Kubernetes with Helm"), deployMd.indexOf("### What was checked"));
    const blocks = [...walkThrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\\\n\s*/g, " "));
    return blocks.flatMap((b) => b.split("\n")).map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l.startsWith(`kubectl -n ${NAMESPACE} create `));
  }

  function run(command: string): any {
    const out = spawnSync("bash", ["-c", `${command} --dry-run=client -o json`], { cwd: work, encoding: "utf8", env: { ...process.env, LOGSEAL_CA_DIR: join(work, "ca") } });
    expect(out.status, `${command}\n${out.stderr}`).toBe(0);
    return JSON.parse(out.stdout);
  }

  it("each makes its Secret or ConfigMap with exactly the keys the pipelines and mounts read", () => {
    // What the steps before them leave in the repository root (step 2, 3, 5; Kafka's own files).
    for (const link of ["build", "fluent-bit"]) execFileSync("ln", ["-s", repoPath(link), join(work, link)]);
    execFileSync(repoPath(`${HELM}/make-certs.sh`), ["logseal-certs"], { cwd: work, env: { ...process.env, LOGSEAL_CA_DIR: join(work, "ca") }, stdio: "pipe" });
    writeFileSync(join(work, "seal.key"), "a".repeat(64) + "\n");
    for (const file of ["kafka-ca.crt", "node-kafka.crt", "node-kafka.key"]) writeFileSync(join(work, file), "pem\n");

    const tlsKeys = (config: string, section: "inputs" | "outputs", name: string) => {
      const s = onlySection(loadYamlConfig(config)[section], name);
      return ["tls.ca_file", "tls.crt_file", "tls.key_file"].map((k) => s[k].split("/").at(-1)!).sort();
    };
    const kafka = readYaml("fluent-bit/examples/kafka-output.yaml").pipeline.outputs[0];
    const keyOf = (values: any, volume: string) => values.extraVolumes.find((v: any) => v.name === volume);
    const expected: Record<string, string[]> = {
      "logseal-forward": [envValue(nodeValues, "LOGSEAL_FORWARD_SHARED_KEY").valueFrom.secretKeyRef.key],
      "logseal-keys": keyOf(nodeValues, "logseal-keys").projected.sources[0].secret.items.map((i: any) => i.key),
      "logseal-seal-key": keyOf(nodeValues, "logseal-keys").projected.sources[1].secret.items.map((i: any) => i.key),
      "logseal-aggregator-tls": tlsKeys("fluent-bit/aggregator.yaml", "inputs", "forward"),
      "logseal-forward-tls": tlsKeys("fluent-bit/fluent-bit.yaml", "outputs", "forward"),
      "logseal-kafka-tls": Object.entries(kafka).filter(([k]) => /^rdkafka\.ssl\..*location$/.test(k)).map(([, v]) => String(v).split("/").at(-1)!).sort(),
      "logseal-wasm": ["logseal.wasm", noRegistryValues.initContainers[0].command.at(-1).split("/").at(-1)].sort(),
    };
    const made = new Map<string, any>();
    for (const command of createCommands()) {
      const object = run(command);
      made.set(object.metadata.name, object);
      expect(object.metadata.namespace).toBe(NAMESPACE);
    }
    expect([...made.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, keys] of Object.entries(expected)) {
      const object = made.get(name);
      expect(Object.keys({ ...object.data, ...object.binaryData }).sort(), name).toEqual([...keys].sort());
    }
    // Text keys as the module reads them: 64 hex digits, the shared key without a newline.
    const decoded = (name: string, key: string) => Buffer.from(made.get(name).data[key], "base64").toString();
    expect(decoded("logseal-forward", "shared_key")).toMatch(/^[0-9a-f]{64}$/);
    expect(decoded("logseal-keys", "pseudonym.key").trim()).toMatch(/^[0-9a-f]{64}$/);
    // The module travels whole, as binary data, well under a ConfigMap's 1 MiB.
    const wasm = Buffer.from(made.get("logseal-wasm").binaryData["logseal.wasm"], "base64");
    expect(wasm).toEqual(readFileSync(RELEASE_WASM));
    expect(JSON.stringify(made.get("logseal-wasm")).length).toBeLessThan(1 << 20);
  });
});
