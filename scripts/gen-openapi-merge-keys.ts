/**
 * Regenerates src/render/openapi/merge-keys.json: the strategic-merge metadata of every built-in
 * kind, taken from a real kube-apiserver's /openapi/v2 (the project's test control plane).
 *
 * Kept: for every definition that (transitively) holds a field with an
 * x-kubernetes-patch-strategy, the fields leading there, with their patch strategy and merge
 * keys (x-kubernetes-list-map-keys when present, else x-kubernetes-patch-merge-key, which is
 * what kyaml's PatchStrategyAndKeyList does), plus the group/version/kind -> definition index.
 * Everything else is dropped, so the file stays small enough to load on every render.
 *
 * Kustomize v5.5 itself merges with the schema it embeds (Kubernetes v1.21.2): fields added
 * later (e.g. PodSpec.schedulingGates) are replaced whole by `kubectl kustomize`, and kinds
 * removed since (batch/v1beta1 CronJob) still merge. To follow Kustomize, the control plane's
 * data is filtered through that schema (the swagger.json of the k8s.io/kubernetes@v1.21.2 Go
 * module): a field keeps its merge metadata only if Kustomize's schema has it, and the kinds
 * only the old schema has are added from it.
 *
 * Usage: npx tsx scripts/gen-openapi-merge-keys.ts [--from swagger.json] [--kustomize-schema swagger.json]
 *   (default: starts the control plane and reads /openapi/v2; `go mod download` fetches the
 *   v1.21.2 module for the Kustomize filter)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { startControlPlane } from '../test/control-plane/control-plane.js';

interface SwaggerProp {
  $ref?: string;
  type?: string;
  items?: SwaggerProp;
  additionalProperties?: SwaggerProp;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}
interface SwaggerDef {
  properties?: Record<string, SwaggerProp>;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}
interface Swagger {
  definitions: Record<string, SwaggerDef>;
}

async function fetchOpenApi(): Promise<Swagger> {
  const cp = await startControlPlane({ controllerManager: false, log: (l) => console.error(l) });
  try {
    const cluster = cp.kubeconfig.clusters[0]?.cluster;
    const user = cp.kubeconfig.users[0]?.user;
    if (!cluster || !user) throw new Error('control plane kubeconfig has no cluster or user');
    const b64 = (s: string) => Buffer.from(s, 'base64');
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${cluster.server}/openapi/v2`,
        {
          ca: b64(cluster['certificate-authority-data']),
          cert: b64(user['client-certificate-data']),
          key: b64(user['client-key-data']),
          headers: { accept: 'application/json' },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            data += d;
          });
          res.on('end', () =>
            res.statusCode === 200 ? resolve(data) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    return JSON.parse(body) as Swagger;
  } finally {
    await cp.stop();
  }
}

/** Compact field: [ref index or -1, strategy or '', keys (comma-joined) or '', shape] */
type Field = [number, string, string, 'o' | 'a' | 'm'];

function refName(p: SwaggerProp | undefined): string | undefined {
  return p?.$ref?.replace('#/definitions/', '');
}

/** The control plane's definitions as Kustomize v5.5 sees them (see the header). */
function kustomizeView(
  current: Swagger,
  kustomize: Swagger,
): { defs: Record<string, SwaggerDef>; dropped: number } {
  const defs: Record<string, SwaggerDef> = {};
  let dropped = 0;
  for (const [name, def] of Object.entries(current.definitions)) {
    const old = kustomize.definitions[name];
    if (!old) continue; // a kind or type Kustomize's schema does not know: lists are replaced
    const properties: Record<string, SwaggerProp> = {};
    for (const [f, prop] of Object.entries(def.properties ?? {})) {
      const oldProp = old.properties?.[f];
      if (!oldProp) {
        if (prop['x-kubernetes-patch-strategy']) dropped++;
        continue;
      }
      properties[f] = {
        ...prop,
        'x-kubernetes-patch-strategy': oldProp['x-kubernetes-patch-strategy'],
        'x-kubernetes-patch-merge-key': oldProp['x-kubernetes-patch-merge-key'],
        'x-kubernetes-list-map-keys': oldProp['x-kubernetes-list-map-keys'],
      } as SwaggerProp;
      if (prop['x-kubernetes-patch-strategy'] && !oldProp['x-kubernetes-patch-strategy']) dropped++;
    }
    defs[name] = { ...def, properties };
  }
  for (const [name, def] of Object.entries(kustomize.definitions)) {
    if (!defs[name]) defs[name] = def;
  }
  return { defs, dropped };
}

function kustomizeSchemaPath(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', 'k8s.io/kubernetes@v1.21.2'], {
    encoding: 'utf8',
    cwd: import.meta.dirname,
  });
  return join((JSON.parse(out) as { Dir: string }).Dir, 'api', 'openapi-spec', 'swagger.json');
}

function main(defs: Record<string, SwaggerDef>, dropped: number): object {
  // Per definition: the fields that carry SMP metadata or lead to a definition that does.
  const interesting = new Map<string, boolean>();
  const visiting = new Set<string>();
  const isInteresting = (name: string): boolean => {
    const known = interesting.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return false;
    visiting.add(name);
    let result = false;
    for (const prop of Object.values(defs[name]?.properties ?? {})) {
      if (prop['x-kubernetes-patch-strategy']) result = true;
      const target = refName(prop) ?? refName(prop.items) ?? refName(prop.additionalProperties);
      if (target && isInteresting(target)) result = true;
    }
    visiting.delete(name);
    interesting.set(name, result);
    return result;
  };
  const names = Object.keys(defs).sort();
  for (const n of names) isInteresting(n);
  // Recompute with cycles resolved (a second pass catches defs that were cut off by recursion).
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of names) {
      if (interesting.get(n)) continue;
      for (const prop of Object.values(defs[n]?.properties ?? {})) {
        const target = refName(prop) ?? refName(prop.items) ?? refName(prop.additionalProperties);
        if (prop['x-kubernetes-patch-strategy'] || (target && interesting.get(target))) {
          interesting.set(n, true);
          changed = true;
          break;
        }
      }
    }
  }
  const kept = names.filter((n) => interesting.get(n));
  const index = new Map(kept.map((n, i) => [n, i]));
  const types: Record<string, Field>[] = [];
  for (const n of kept) {
    const fields: Record<string, Field> = {};
    for (const [fname, prop] of Object.entries(defs[n]?.properties ?? {})) {
      const strategy = prop['x-kubernetes-patch-strategy'] ?? '';
      const keys =
        prop['x-kubernetes-list-map-keys'] ??
        (prop['x-kubernetes-patch-merge-key'] ? [prop['x-kubernetes-patch-merge-key']] : []);
      let shape: Field[3] = 'o';
      let target = refName(prop);
      if (prop.type === 'array') {
        shape = 'a';
        target = refName(prop.items);
      } else if (prop.additionalProperties) {
        shape = 'm';
        target = refName(prop.additionalProperties);
      }
      const ref = target !== undefined && index.has(target) ? (index.get(target) as number) : -1;
      if (ref < 0 && !strategy) continue;
      fields[fname] = [ref, strategy, keys.join(','), shape];
    }
    types.push(fields);
  }
  const gvks: Record<string, number> = {};
  for (const n of kept) {
    for (const g of defs[n]?.['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
      gvks[`${apiVersion}/${g.kind}`] = index.get(n) as number;
    }
  }
  return {
    source:
      'kube-apiserver /openapi/v2, filtered through Kustomize v5.5 embedded schema (Kubernetes v1.21.2)',
    droppedForKustomize: dropped,
    definitions: kept,
    types,
    gvks,
  };
}

const arg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const from = arg('--from');
const swagger = from ? (JSON.parse(readFileSync(from, 'utf8')) as Swagger) : await fetchOpenApi();
const kustomize = JSON.parse(
  readFileSync(arg('--kustomize-schema') ?? kustomizeSchemaPath(), 'utf8'),
) as Swagger;
const view = kustomizeView(swagger, kustomize);
const data = main(view.defs, view.dropped);
const target = join(import.meta.dirname, '..', 'src', 'render', 'openapi', 'merge-keys.json');
writeFileSync(target, `${JSON.stringify(data)}\n`);
console.log(`wrote ${target}`);
