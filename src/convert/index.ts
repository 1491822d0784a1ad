/**
 * `trueup convert`: Argo CD Applications and Flux GitRepository + Kustomization pairs to trueup
 * Applications. Pure: parsed documents in; Applications, warnings (fields not carried over) and
 * refusals (objects that cannot be converted) out. Each Application is checked against the same
 * schema the CRD is generated from, so what is printed is what `kubectl apply` accepts.
 */
import { type Application, ApplicationSchema } from '../api/application.js';
import { ARGO_API_VERSION, convertArgoApplication } from './argo.js';
import { convertArgoApplicationSet } from './argo-appset.js';
import {
  type ConvertOptions,
  type ConvertResult,
  isMap,
  type JsonMap,
  Notes,
  Refusal,
  type SourceDocument,
  str,
  where,
} from './common.js';
import { convertFluxPair, FLUX_KUSTOMIZE_GROUP, FLUX_SOURCE_GROUP, groupOf } from './flux.js';

export type {
  ConvertOptions,
  ConvertRefusal,
  ConvertResult,
  ConvertWarning,
  SourceDocument,
} from './common.js';

interface Input {
  d: SourceDocument;
  obj: JsonMap;
}

const isFluxGitRepository = (o: JsonMap) =>
  o.kind === 'GitRepository' && groupOf(o.apiVersion) === FLUX_SOURCE_GROUP;
const isFluxKustomization = (o: JsonMap) =>
  o.kind === 'Kustomization' && groupOf(o.apiVersion) === FLUX_KUSTOMIZE_GROUP;
const isArgoApplication = (o: JsonMap) => o.kind === 'Application' && o.apiVersion === ARGO_API_VERSION;
const isArgoApplicationSet = (o: JsonMap) => o.kind === 'ApplicationSet' && o.apiVersion === ARGO_API_VERSION;

const nsOf = (o: JsonMap): string | undefined => (isMap(o.metadata) ? str(o.metadata.namespace) : undefined);
const nameOf = (o: JsonMap): string | undefined => (isMap(o.metadata) ? str(o.metadata.name) : undefined);

/** The result's Application, or the schema's first complaint as a refusal. */
function checked(out: unknown): Application {
  const parsed = ApplicationSchema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Refusal(
      `the result is not a valid trueup Application: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return out as Application;
}

export function convertDocuments(docs: readonly SourceDocument[], options: ConvertOptions): ConvertResult {
  const result: ConvertResult = { applications: [], applicationSets: [], warnings: [], refusals: [] };
  const inputs: Input[] = [];
  for (const d of docs) {
    if (d.doc === null || d.doc === undefined) continue;
    if (!isMap(d.doc)) {
      result.refusals.push({
        where: `${d.file}: document ${d.index + 1}`,
        message: 'not a Kubernetes object',
      });
      continue;
    }
    inputs.push({ d, obj: d.doc });
  }
  const repositories = inputs.filter((i) => isFluxGitRepository(i.obj));
  const used = new Set<Input>();
  const seen = new Set<string>();

  /** Warnings about a GitRepository, gathered once however many Kustomizations use it. */
  const repoNotes = new Map<Input, Notes>();

  const attempt = (input: Input, run: (notes: Notes) => unknown) => {
    const notes = new Notes(where(input.d, input.obj));
    try {
      const app = checked(run(notes));
      const key = `${app.metadata.namespace}/${app.metadata.name}`;
      if (seen.has(key)) throw new Refusal(`a second Application named ${key}`);
      seen.add(key);
      result.applications.push(app);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      result.refusals.push({ where: notes.where, message: err.message });
    }
    result.warnings.push(...notes.warnings);
  };

  for (const input of inputs) {
    const { obj } = input;
    if (isArgoApplication(obj)) {
      attempt(input, (notes) => convertArgoApplication(obj, options, notes));
    } else if (isArgoApplicationSet(obj)) {
      const notes = new Notes(where(input.d, obj));
      try {
        const set = convertArgoApplicationSet(obj, options, notes);
        const key = `${set.metadata.namespace}/${set.metadata.name}`;
        if (seen.has(`set:${key}`)) throw new Refusal(`a second ApplicationSet named ${key}`);
        seen.add(`set:${key}`);
        result.applicationSets.push(set);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        result.refusals.push({ where: notes.where, message: err.message });
      }
      result.warnings.push(...notes.warnings);
    } else if (isFluxKustomization(obj)) {
      attempt(input, (notes) => {
        const spec = isMap(obj.spec) ? obj.spec : {};
        const ref = isMap(spec.sourceRef) ? spec.sourceRef : {};
        if (ref.kind !== 'GitRepository') {
          throw new Refusal(
            `spec.sourceRef.kind ${String(ref.kind)}: only GitRepository sources can be converted`,
          );
        }
        const refNs = str(ref.namespace) ?? nsOf(obj);
        const repo = repositories.find((r) => nameOf(r.obj) === str(ref.name) && nsOf(r.obj) === refNs);
        if (!repo) {
          throw new Refusal(
            `spec.sourceRef: GitRepository ${refNs ? `${refNs}/` : ''}${String(ref.name)} is not among the files given`,
          );
        }
        const first = !repoNotes.has(repo);
        if (first) repoNotes.set(repo, new Notes(where(repo.d, repo.obj)));
        used.add(repo);
        const rn = first ? (repoNotes.get(repo) as Notes) : new Notes('(already reported)');
        return convertFluxPair(obj, repo.obj, options, notes, rn);
      });
    } else if (!isFluxGitRepository(obj)) {
      result.warnings.push({
        where: where(input.d, obj),
        field: 'kind',
        message: `${String(obj.apiVersion)} ${String(obj.kind)} is neither an Argo CD Application or ApplicationSet nor a Flux GitRepository or Kustomization: skipped`,
      });
    }
  }
  for (const notes of repoNotes.values()) result.warnings.push(...notes.warnings);
  for (const r of repositories) {
    if (!used.has(r)) {
      result.warnings.push({
        where: where(r.d, r.obj),
        field: 'kind',
        message: 'no Kustomization among the files uses this GitRepository: nothing converted from it',
      });
    }
  }
  return result;
}
