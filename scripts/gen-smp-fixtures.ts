/**
 * Regenerates the expected output of every patch fixture under src/render/patch/fixtures/<case>/:
 * runs the reference, `kubectl kustomize` (Kustomize v5.5), on the case's kustomization and
 * writes its stdout to expected.yaml, or its error to expected-error.txt when it fails. The
 * patch unit tests apply the same patches with our functions and compare.
 *
 * Usage: npx tsx scripts/gen-smp-fixtures.ts [CASE...]   (needs kubectl on PATH)
 *        npx tsx scripts/gen-smp-fixtures.ts --fuzz N [SEED]
 *   --fuzz: differential test instead: N random Pod/Service/custom-resource targets and
 *   strategic-merge patches, each rendered by kubectl kustomize and by applyStrategicMerge;
 *   prints every disagreement (a new fixture candidate) and exits 1 if there is one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'src', 'render', 'patch', 'fixtures');
if (process.argv[2] === '--fuzz') {
  process.exit(await fuzz(Number(process.argv[3] ?? 50), Number(process.argv[4] ?? 1)));
}
const only = process.argv.slice(2);
for (const name of readdirSync(root).sort()) {
  if (only.length && !only.includes(name)) continue;
  const dir = join(root, name);
  if (!existsSync(join(dir, 'kustomization.yaml'))) continue;
  const res = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  rmSync(join(dir, 'expected.yaml'), { force: true });
  rmSync(join(dir, 'expected-error.txt'), { force: true });
  if (res.status === 0) {
    writeFileSync(join(dir, 'expected.yaml'), res.stdout);
    console.log(`${name}: ok`);
  } else {
    // Keep only the reference's message (drop the timestamped klog prefix).
    const msg = res.stderr.replace(/^E\d{4} [\d:.]+\s+\d+ run\.go:\d+\] /gm, '').replaceAll(dir, '<case>');
    writeFileSync(join(dir, 'expected-error.txt'), msg);
    console.log(`${name}: error`);
  }
}

/** Differential test of applyStrategicMerge against kubectl kustomize on random inputs. */
async function fuzz(n: number, firstSeed: number): Promise<number> {
  const { applyStrategicMerge } = await import('../src/render/patch/strategic-merge.js');
  const { emitYamlDocuments } = await import('../src/render/yaml/emit.js');
  type J = ReturnType<typeof JSON.parse>;
  let seed = firstSeed;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const maybe = (p: number) => rnd() < p;
  const list = <T>(max: number, f: () => T): T[] => Array.from({ length: 1 + Math.floor(rnd() * max) }, f);
  const container = (patch: boolean): J => {
    const c: J = {};
    if (!patch || maybe(0.95)) c.name = pick(['a', 'b', 'c']);
    if (maybe(0.5)) c.image = pick(['x:1', 'y:2']);
    if (maybe(0.4))
      c.env = list(2, () => {
        const e: J = { name: pick(['X', 'Y', 'Z']) };
        if (maybe(0.7)) e.value = pick(['1', '2']);
        if (patch && maybe(0.1)) e.$patch = 'delete';
        return e;
      });
    if (maybe(0.4))
      c.ports = list(2, () => {
        const p: J = { containerPort: pick([80, 81]) };
        if (maybe(0.4)) p.protocol = pick(['TCP', 'UDP']);
        if (maybe(0.5)) p.name = pick(['h', 'm']);
        return p;
      });
    if (maybe(0.3)) c.args = [pick(['--a', '--b'])];
    if (maybe(0.3)) c.volumeMounts = [{ mountPath: pick(['/a', '/b']), name: pick(['v1', 'v2']) }];
    if (maybe(0.2))
      c.resources = {
        limits: { cpu: pick(['1', '2']) },
        ...(patch && maybe(0.3) ? { $patch: pick(['replace', 'delete']) } : {}),
      };
    if (patch && maybe(0.05)) c.$patch = pick(['delete', 'replace']);
    if (patch && maybe(0.05)) c.image = null;
    return c;
  };
  const podSpec = (patch: boolean): J => {
    const s: J = {};
    if (maybe(0.8)) s.containers = list(3, () => container(patch));
    if (patch && s.containers && maybe(0.05)) s.containers.unshift({ $patch: pick(['replace', 'merge']) });
    if (maybe(0.3)) s.volumes = [{ name: pick(['v1', 'v2']), emptyDir: {} }];
    if (maybe(0.2)) s.tolerations = [{ key: pick(['k1', 'k2']) }];
    if (maybe(0.2)) s.hostAliases = [{ ip: pick(['1.1.1.1', '2.2.2.2']), hostnames: [pick(['a', 'b'])] }];
    if (patch && maybe(0.05)) s.volumes = null;
    return s;
  };
  const servicePorts = (): J =>
    list(3, () => {
      const p: J = { port: pick([80, 443]) };
      if (maybe(0.5)) p.protocol = pick(['TCP', 'UDP']);
      if (maybe(0.5)) p.targetPort = pick([8080, 9090]);
      return p;
    });
  const crSpec = (): J => ({
    items: list(2, () => ({ name: pick(['a', 'b']), size: pick([1, 2]) })),
    nested: { x: pick([1, 2]), ...(maybe(0.3) ? { y: null } : {}) },
  });
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const kind = pick(['Pod', 'Pod', 'Service', 'Widget']);
    const apiVersion = kind === 'Widget' ? 'example.com/v1' : 'v1';
    const make = (patch: boolean): J => {
      const meta: J = { name: 'p' };
      if (!patch) meta.labels = { app: 'x' };
      if (patch && maybe(0.3)) meta.labels = { app: maybe(0.5) ? null : 'y', tier: 'z' };
      if (maybe(0.2)) meta.finalizers = [pick(['f1', 'f2', 'f3'])];
      const spec =
        kind === 'Pod' ? podSpec(patch) : kind === 'Service' ? { ports: servicePorts() } : crSpec();
      return { apiVersion, kind, metadata: meta, spec };
    };
    const target = make(false);
    const patch = make(true);
    const dir = mkdtempSync(join(tmpdir(), 'trueup-smp-fuzz-'));
    let ref: string;
    try {
      writeFileSync(join(dir, 't.yaml'), JSON.stringify(target));
      writeFileSync(join(dir, 'p.yaml'), JSON.stringify(patch));
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [t.yaml]\npatches: [{path: p.yaml}]\n');
      const res = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      ref = res.status === 0 ? res.stdout : 'ERROR';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let ours: string;
    try {
      const out = applyStrategicMerge(target, patch, 'p.yaml');
      if (out) {
        out.apiVersion = target.apiVersion;
        out.kind = target.kind;
        out.metadata.name = target.metadata.name;
      }
      ours = out ? emitYamlDocuments([out]) : '';
    } catch {
      ours = 'ERROR';
    }
    if (ref !== ours) {
      failures++;
      console.log(
        `DIFF\ntarget: ${JSON.stringify(target)}\npatch: ${JSON.stringify(patch)}\n--- kubectl kustomize\n${ref}--- ours\n${ours}`,
      );
    }
  }
  console.log(`${n - failures}/${n} agree (seed ${firstSeed})`);
  return failures === 0 ? 0 : 1;
}
