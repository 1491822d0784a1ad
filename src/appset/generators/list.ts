/**
 * The list generator: `elements` (and `elementsYaml`, a YAML list) as parameter sets. In
 * fasttemplate mode every value must be a string, except `values`, a map of strings flattened to
 * `values.<key>` (Argo CD's rules and messages); with goTemplate the elements are kept as written.
 */
import { load } from 'js-yaml';
import type { ListGenerator } from '../../api/application-set-generators.js';
import { GeneratorError } from '../errors.js';
import type { Params } from '../params.js';

function isMap(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function listParams(list: ListGenerator, goTemplate: boolean): Params[] {
  const elements: unknown[] = [...(list.elements ?? [])];
  if (list.elementsYaml?.trim()) {
    let parsed: unknown;
    try {
      parsed = load(list.elementsYaml);
    } catch (err) {
      throw new GeneratorError('list', `elementsYaml is not YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!Array.isArray(parsed)) throw new GeneratorError('list', 'elementsYaml must be a YAML list of maps');
    elements.push(...parsed);
  }
  return elements.map((element, i) => {
    if (!isMap(element)) throw new GeneratorError('list', `element ${i} is not a map`);
    if (goTemplate) return structuredClone(element);
    const params: Params = {};
    for (const [key, value] of Object.entries(element)) {
      if (key === 'values') {
        if (!isMap(value)) throw new GeneratorError('list', `element ${i}: error parsing values map`);
        for (const [k, v] of Object.entries(value)) {
          if (typeof v !== 'string')
            throw new GeneratorError('list', `element ${i}: values.${k}: error parsing value as string`);
          params[`values.${k}`] = v;
        }
      } else if (typeof value !== 'string') {
        throw new GeneratorError(
          'list',
          `element ${i}: ${key}: error parsing value as string (without goTemplate every value is a string)`,
        );
      } else params[key] = value;
    }
    return params;
  });
}
