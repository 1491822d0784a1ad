/**
 * Argo CD `ApplicationSet` (argoproj.io/v1alpha1) → trueup ApplicationSet: the field names are
 * Argo's, so the spec is carried as it is (the template's `project` too: trueup has AppProjects);
 * the template's Argo CD finalizer becomes trueup's, its namespace and Argo-only annotations are
 * dropped with a warning, and
 * what trueup refuses (scmProvider and other generators, strategy, preservedFields…) refuses the
 * conversion of that set with the schema's message.
 */
import { APP_API_VERSION, RESOURCES_FINALIZER } from '../api/application.js';
import { APPSET_KIND, type ApplicationSet, ApplicationSetSchema } from '../api/application-set.js';
import { ARGO_FINALIZER } from './argo.js';
import { type ConvertOptions, isMap, type JsonMap, type Notes, Refusal, str } from './common.js';

function templateOf(template: JsonMap, notes: Notes): JsonMap {
  const meta: JsonMap = isMap(template.metadata) ? { ...template.metadata } : {};
  if (Array.isArray(meta.finalizers)) {
    meta.finalizers = [
      ...new Set(
        meta.finalizers.map((f) =>
          typeof f === 'string' && (f === ARGO_FINALIZER || f.startsWith(`${ARGO_FINALIZER}/`))
            ? RESOURCES_FINALIZER
            : f,
        ),
      ),
    ];
  }
  if (meta.namespace !== undefined) {
    notes.warn(
      'spec.template.metadata.namespace',
      "dropped: trueup creates the generated Applications in the set's namespace",
    );
    delete meta.namespace;
  }
  if (isMap(meta.annotations)) {
    const kept: JsonMap = {};
    for (const [k, v] of Object.entries(meta.annotations)) {
      if (k.startsWith('argocd.argoproj.io/') || k.startsWith('notifications.argoproj.io/'))
        notes.warn(
          `spec.template.metadata.annotations.${k}`,
          'an Argo CD setting trueup does not have: dropped',
        );
      else kept[k] = v;
    }
    meta.annotations = kept;
  }
  const spec: JsonMap = isMap(template.spec) ? { ...template.spec } : {};
  if (isMap(spec.destination) && spec.destination.name === 'in-cluster') {
    const { name: _name, ...rest } = spec.destination;
    spec.destination = rest;
  }
  return { metadata: meta, spec };
}

/** One Argo CD ApplicationSet → a trueup ApplicationSet (checked against its schema). */
export function convertArgoApplicationSet(
  obj: JsonMap,
  options: ConvertOptions,
  notes: Notes,
): ApplicationSet {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const name = str(meta.name);
  if (!name) throw new Refusal('metadata.name is missing');
  const spec: JsonMap = isMap(obj.spec) ? { ...obj.spec } : {};
  if (isMap(spec.template)) spec.template = templateOf(spec.template, notes);
  const metadata: JsonMap = { name, namespace: options.namespace };
  if (isMap(meta.labels) && Object.keys(meta.labels).length) metadata.labels = meta.labels;
  const out = { apiVersion: APP_API_VERSION, kind: APPSET_KIND, metadata, spec };
  const parsed = ApplicationSetSchema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Refusal(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return out as unknown as ApplicationSet;
}
