/**
 * deploy/k8s/dctwin-batch-job.yaml, without a cluster: the manifest passes the Kubernetes Job
 * schema (the OpenAPI definitions of Kubernetes compiled to ajv validators by the kubernetes-models
 * package) and, as Kubernetes' strict field validation would, has no field the Job does not know
 * (the same package's TypeScript types of those definitions are closed), and the container command of every index, run here as a pod would run it (its env,
 * JOB_COMPLETION_INDEX set, workingDir the repository as in the image, the volume a local
 * directory), gives shards whose merge equals the single-process batch table for table.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Job } from "kubernetes-models/batch/v1/Job";
import { test } from "uvu";
import * as assert from "uvu/assert";
import ts from "typescript";
import { parse } from "yaml";
import { ROOT, tempDir } from "../helpers.js";
import { duplicateProblems, resultsDiff } from "./results-diff.js";

const MANIFEST = "deploy/k8s/dctwin-batch-job.yaml";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { resourceFieldRef?: { resource: string; divisor?: string } };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Manifest {
  kind: string;
  spec: { completionMode?: string; completions: number; parallelism?: number; template: { spec: { containers: Container[]; volumes?: { name: string }[] } } };
}

const manifest = parse(readFileSync(`${ROOT}${MANIFEST}`, "utf8")) as Manifest;

/** CPU quantity ("2", "500m") in cores. */
function cores(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
  if (!match) throw new Error(`cpu quantity ${quantity} not understood by this test`);
  return Number(match[1]) / (match[2] === "m" ? 1000 : 1);
}

/** A container's environment as the kubelet sets it (values and resourceFieldRef for cpu). */
function containerEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.resourceFieldRef) {
      const { resource, divisor = "1" } = v.valueFrom.resourceFieldRef;
      const [kind, name] = resource.split(".") as ["requests" | "limits", string];
      assert.is(name, "cpu", `${v.name}: this test resolves cpu resources only`);
      const quantity = container.resources?.[kind]?.[name];
      assert.ok(quantity, `${v.name}: ${resource} is not set in the container's resources`);
      // The kubelet rounds up (resource.ExtractContainerResourceValue).
      env[v.name] = String(Math.ceil(cores(quantity) / cores(divisor)));
    } else assert.unreachable(`${v.name}: a value or a resourceFieldRef`);
  }
  return env;
}

test("the manifest passes the Kubernetes Job schema, and the schema catches a wrong field", () => {
  assert.not.throws(() => new Job(manifest as never).validate());
  const broken = structuredClone(manifest);
  broken.spec.completionMode = "Indexd";
  (broken.spec as Record<string, unknown>).completions = "4";
  assert.throws(() => new Job(broken as never).validate(), (error: Error) => /completionMode must be equal to one of the allowed values/.test(error.message) && /completions must be integer/.test(error.message));
});

/**
 * TypeScript's diagnostics for each object given as a literal of type IJob (kubernetes-models'
 * types of the Kubernetes Job): a field the Job does not have is an excess-property error.
 */
function typeErrors(objects: unknown[]): string[][] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], lib: ["lib.es2022.d.ts"] };
  const files = new Map(objects.map((o, i) => [`${ROOT}__manifest-${i}.ts`, `import type { IJob } from "kubernetes-models/batch/v1/Job";\nexport const job: IJob = ${JSON.stringify(o, null, 1)};\n`]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].map((name) => ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")));
}

test("the manifest has no field a Job does not know (strict, as kubectl apply --validate=strict), and a misspelt one is caught", () => {
  const misspelt = structuredClone(manifest) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
  misspelt.spec.template.spec.containers[0]!.workDir = "/app";
  const [errors, caught] = typeErrors([manifest, misspelt]);
  assert.equal(errors, []);
  assert.equal(caught, [`Object literal may only specify known properties, and '"workDir"' does not exist in type 'IContainer'.`]);
});

test("the manifest is an Indexed Job of one container whose SHARDS is its completions and whose volume is defined", () => {
  const { spec } = manifest;
  assert.is(manifest.kind, "Job");
  assert.is(spec.completionMode, "Indexed", "JOB_COMPLETION_INDEX is set only in Indexed mode");
  assert.is(spec.template.spec.containers.length, 1);
  const [container] = spec.template.spec.containers;
  assert.is(containerEnv(container!).SHARDS, String(spec.completions), "SHARDS must equal completions: every shard gets one index");
  assert.ok((spec.parallelism ?? 1) <= spec.completions);
  for (const mount of container!.volumeMounts ?? []) assert.ok(spec.template.spec.volumes?.some((v) => v.name === mount.name), `volume ${mount.name} is defined`);
});

test("the container command of every index, run here with JOB_COMPLETION_INDEX set, gives shards whose merge equals the single-process batch", async () => {
  const dir = tempDir("dctwin-k8s-");
  try {
    const container = manifest.spec.template.spec.containers[0]!;
    const argv = [...(container.command ?? []), ...(container.args ?? [])];
    assert.is(container.workingDir, "/app", "the image holds the repository in /app: here it is the repository");
    const mounts = (container.volumeMounts ?? []).map((m) => ({ from: m.mountPath, to: `${dir.path}/volume-${m.name}` }));
    // Paths on a volume reach the command through env values only, so that mapping them is all it takes.
    for (const { from } of mounts) assert.not.ok(argv.join(" ").includes(from), `${from} appears in the command: pass it through env`);
    const env = Object.fromEntries(
      Object.entries(containerEnv(container)).map(([name, value]) => [name, mounts.reduce((v, m) => (v === m.from || v.startsWith(`${m.from}/`) ? m.to + v.slice(m.from.length) : v), value)]),
    );
    const sweep = env.SWEEP!;
    const outDir = env.OUT_DIR!;
    assert.ok(sweep && outDir.startsWith(dir.path), JSON.stringify(env));
    const single = `${dir.path}/single.duckdb`;
    const batch = spawnSync(process.execPath, ["dist/engine/cli/main.js", "batch", sweep, "--threads", "1", "--out", single], { cwd: ROOT, encoding: "utf8" });
    assert.is(batch.status, 0, batch.stderr);

    const runIndex = (index: number) =>
      new Promise<{ index: number; code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, JOB_COMPLETION_INDEX: String(index) } });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", reject);
        child.on("exit", (code) => resolve({ index, code, output }));
      });
    const completions = manifest.spec.completions;
    const pods = await Promise.all(Array.from({ length: completions }, (_, index) => runIndex(index)));
    for (const pod of pods) {
      assert.is(pod.code, 0, `index ${pod.index}:\n${pod.output}`);
      assert.match(pod.output, `on ${env.THREADS} thread(s)`);
      assert.match(pod.output, `partition: ${outDir}/<table>/batch=cluster-check/shard=${pod.index}-of-${completions}/`);
    }
    const merged = `${dir.path}/merged.duckdb`;
    const merge = spawnSync(process.execPath, ["dist/engine/cli/main.js", "merge", outDir, "--out", merged], { cwd: ROOT, encoding: "utf8" });
    assert.is(merge.status, 0, merge.stderr);
    assert.equal(await duplicateProblems(merged), []);
    const { differences, rows } = await resultsDiff(merged, single);
    assert.equal(differences, []);
    assert.ok(rows.runs === 8 && rows.site_series! > 0 && rows.rack_series! > 0 && rows.kpis! > 0, JSON.stringify(rows));
  } finally {
    dir.remove();
  }
});

test.run();
