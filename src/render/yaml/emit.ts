/** YAML output as `kubectl kustomize` prints it. */
import jsYaml from 'js-yaml';
import type { JsonValue } from '../../api/object.js';

/** Multi-document YAML as `kubectl kustomize` prints it. */
export function emitYamlDocuments(objects: readonly JsonValue[]): string {
  return objects
    .map((o) => jsYaml.dump(o, { sortKeys: true, lineWidth: -1, noArrayIndent: true }))
    .join('---\n');
}
