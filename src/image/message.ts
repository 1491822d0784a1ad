/**
 * The commit message: the automation's `git.commit.messageTemplate` (Go text/template + sprig,
 * evaluated by the Helm engine in WebAssembly) over Flux's v1beta2 template data, or a default
 * text listing the changes when no template is set (no engine needed). The data model:
 *
 *   .AutomationObject            "namespace/name" of the ImageUpdateAutomation
 *   .Changed.Changes             [{OldValue, NewValue, Setter}] every change, in file order
 *   .Changed.FileChanges         {file: {object: [Change]}}
 *   .Changed.Objects             {object: [Change]}
 *   .Changed.ImageResult.Images  [{Name, Repository, Tag, Digest}] the policies' refs written
 *   .Values                      git.commit.messageTemplateValues
 *
 * Flux keys FileChanges and Objects by a struct (`$resource.Kind`, `$resource.Name`); template
 * data crosses into the engine as JSON, whose map keys are strings, so here an object is the
 * string `Kind/namespace/name` (`Kind/name` without a namespace).
 */
import type { ImageRef } from '../api/image-policy.js';
import { evaluateGoTemplate, type GoTemplateEngine } from '../helm/go-template.js';
import { ImageErrorCode, imageError } from './errors.js';
import type { ObjectId, SetterChange } from './setters.js';

export interface Change {
  OldValue: string;
  NewValue: string;
  Setter: string;
}

export function objectKey(o: ObjectId): string {
  return [o.kind || 'unknown', ...(o.namespace ? [o.namespace] : []), o.name || 'unnamed'].join('/');
}

/** Flux's template data for a set of changes. */
export function templateData(
  automation: string,
  changes: readonly SetterChange[],
  refs: ReadonlyMap<string, ImageRef>,
  values: Record<string, string> = {},
): Record<string, unknown> {
  const fileChanges: Record<string, Record<string, Change[]>> = {};
  const objects: Record<string, Change[]> = {};
  const images = new Map<string, { Name: string; Repository: string; Tag: string; Digest: string }>();
  const list: Change[] = [];
  for (const c of changes) {
    const change: Change = { OldValue: c.oldValue, NewValue: c.newValue, Setter: c.setter };
    list.push(change);
    const key = objectKey(c.object);
    const perFile = fileChanges[c.file] ?? {};
    fileChanges[c.file] = perFile;
    perFile[key] = [...(perFile[key] ?? []), change];
    objects[key] = [...(objects[key] ?? []), change];
    const policy = c.setter.split(':').slice(0, 2).join(':');
    const ref = refs.get(policy);
    if (ref) {
      const name = `${ref.name}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
      images.set(name, { Name: name, Repository: ref.name, Tag: ref.tag, Digest: ref.digest ?? '' });
    }
  }
  return {
    AutomationObject: automation,
    Changed: {
      Changes: list,
      FileChanges: fileChanges,
      Objects: objects,
      ImageResult: { Images: [...images.values()] },
    },
    Values: values,
  };
}

/** The message when no template is set: what changed, file by file. */
export function defaultMessage(automation: string, changes: readonly SetterChange[]): string {
  const lines = [`Update images (image update automation ${automation})`, ''];
  for (const c of changes) lines.push(`- ${c.file}:${c.line}: ${c.oldValue} -> ${c.newValue}`);
  return `${lines.join('\n')}\n`;
}

/** The commit message for these changes; a failing template is an ImageInvalidTemplate error. */
export async function commitMessage(options: {
  automation: string;
  template: string | undefined;
  values: Record<string, string> | undefined;
  changes: readonly SetterChange[];
  refs: ReadonlyMap<string, ImageRef>;
  engine: () => Promise<GoTemplateEngine>;
}): Promise<string> {
  if (!options.template) return defaultMessage(options.automation, options.changes);
  const data = templateData(options.automation, options.changes, options.refs, options.values);
  try {
    return await evaluateGoTemplate(
      await options.engine(),
      { template: options.template, data },
      [],
      'git.commit.messageTemplate',
    );
  } catch (err) {
    throw imageError(
      ImageErrorCode.InvalidTemplate,
      `ImageUpdateAutomation ${options.automation}: ${String((err as Error).message ?? err)}`,
      err,
    );
  }
}
