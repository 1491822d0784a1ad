/**
 * The set's template rendered once per parameter set into Applications: every string of the
 * template (values and map keys) rendered as Argo CD does, `templatePatch` (a Go template giving
 * YAML) merged over each, then the result checked against the Application schema. One invalid
 * Application, or two with the same name, fails the whole set (nothing is changed then).
 */
import { load } from 'js-yaml';
import { APP_API_VERSION, APP_KIND, type Application, ApplicationSchema } from '../api/application.js';
import {
  APPSET_KIND,
  APPSET_LABEL,
  type ApplicationSet,
  type ApplicationTemplate,
} from '../api/application-set.js';
import { AppSetError, AppSetErrorCode } from './errors.js';
import type { Params } from './params.js';
import { renderEach, type StringRenderer, TemplateError } from './template-engine.js';

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A strategic merge patch over an Application (which has no merge keys): maps merge, lists are replaced, null deletes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch) || !isMap(target)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function templateFailed(message: string): AppSetError {
  return new AppSetError(AppSetErrorCode.TemplateFailed, message);
}

/** The Applications of `set` for `params`; throws an AppSetError naming the app and field at fault. */
export async function renderApplications(
  set: Pick<ApplicationSet, 'metadata'> & {
    spec: Pick<ApplicationSet['spec'], 'template' | 'templatePatch'>;
  },
  params: readonly Params[],
  renderer: StringRenderer,
): Promise<Application[]> {
  const setName = `ApplicationSet ${set.metadata.namespace}/${set.metadata.name}`;
  const rendered = await renderEach<ApplicationTemplate>(renderer, set.spec.template, params);
  const patches = set.spec.templatePatch
    ? await renderEach(renderer, set.spec.templatePatch, params)
    : undefined;
  const apps: Application[] = [];
  const seen = new Map<string, number>();
  for (const [i, r] of rendered.entries()) {
    if (r instanceof TemplateError)
      throw templateFailed(`${setName}: template ${JSON.stringify(r.template)}: ${r.message}`);
    let t: ApplicationTemplate = r;
    const patch = patches?.[i];
    if (patch instanceof TemplateError) throw templateFailed(`${setName}: templatePatch: ${patch.message}`);
    if (patch !== undefined) {
      let parsed: unknown;
      try {
        parsed = load(patch);
      } catch (err) {
        throw templateFailed(
          `${setName}: templatePatch is not YAML: ${(err as Error).message.split('\n')[0]}`,
        );
      }
      if (parsed !== undefined && parsed !== null) {
        if (!isMap(parsed)) throw templateFailed(`${setName}: templatePatch must give a YAML map`);
        t = mergePatch(t, parsed) as ApplicationTemplate;
      }
    }
    apps.push(toApplication(set, t, setName));
    const name = t.metadata.name;
    const first = seen.get(name);
    if (first !== undefined)
      throw templateFailed(
        `${setName}: parameter sets ${first + 1} and ${i + 1} both generate the Application ${name}`,
      );
    seen.set(name, i);
  }
  return apps;
}

function toApplication(
  set: Pick<ApplicationSet, 'metadata'>,
  t: ApplicationTemplate,
  setName: string,
): Application {
  const meta = t.metadata ?? {};
  const namespace = meta.namespace || set.metadata.namespace;
  const app = {
    apiVersion: APP_API_VERSION,
    kind: APP_KIND,
    metadata: {
      name: meta.name,
      namespace,
      labels: { ...(meta.labels ?? {}), [APPSET_LABEL]: set.metadata.name },
      ...(meta.annotations && Object.keys(meta.annotations).length ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers?.length ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [
        {
          apiVersion: APP_API_VERSION,
          kind: APPSET_KIND,
          name: set.metadata.name,
          uid: set.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: t.spec,
  };
  const who = `${setName}: Application ${meta.name || '(no name)'}`;
  if (namespace !== set.metadata.namespace)
    throw templateFailed(`${who}: metadata.namespace must be the set's namespace ${set.metadata.namespace}`);
  if (!meta.name || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(meta.name))
    throw templateFailed(`${who}: metadata.name is not a valid object name (lower case, digits, '-', '.')`);
  const parsed = ApplicationSchema.safeParse(app);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(root)';
    throw templateFailed(`${who}: ${at}: ${issue?.message ?? 'invalid'}`);
  }
  return app as unknown as Application;
}
