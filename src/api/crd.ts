/**
 * Generates CustomResourceDefinitions from zod schemas: zod's JSON Schema
 * (OpenAPI 3.0 flavour) converted to the structural subset the API server accepts. The
 * committed crds/*.yaml are this output (src/api/crds.ts lists them; scripts/gen-crd.ts writes
 * them; a unit test fails when one is stale).
 */
import { z } from 'zod';
import {
  APP_CATEGORIES,
  APP_GROUP,
  APP_KIND,
  APP_PLURAL,
  APP_SHORT_NAMES,
  APP_SINGULAR,
  APP_VERSION,
  ApplicationSchema,
} from './application.js';
import { OperationSchema } from './application-operation.js';

type Schema = { [key: string]: unknown };

/** Keywords the CRD's JSONSchemaProps knows; anything else zod emits is dropped. */
const KEPT = new Set([
  'type',
  'format',
  'description',
  'default',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'nullable',
  // CEL rules (the schemas in src/api attach them with .meta()): refused at kubectl apply time.
  'x-kubernetes-validations',
  // Free-form values (spec.source.helm.valuesObject): kept as written, not pruned.
  'x-kubernetes-preserve-unknown-fields',
]);

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Converts one zod JSON Schema node to a structural schema node. */
export function toStructural(node: Schema, path = ''): Schema {
  const anyOf = node.anyOf;
  if (Array.isArray(anyOf)) {
    const types = new Set(anyOf.map((s) => (isObject(s) ? s.type : undefined)));
    if (types.size === 2 && types.has('integer') && types.has('string')) {
      const out: Schema = { 'x-kubernetes-int-or-string': true };
      if (typeof node.description === 'string') out.description = node.description;
      return out;
    }
    throw new Error(`crd: ${path || '<root>'}: anyOf other than int-or-string cannot be structural`);
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      const props: Schema = {};
      for (const [name, child] of Object.entries(value)) {
        if (isObject(child)) props[name] = toStructural(child, `${path}.${name}`);
      }
      out.properties = props;
    } else if (key === 'items' && isObject(value)) {
      out.items = toStructural(value, `${path}[]`);
    } else if (key === 'additionalProperties') {
      // `{}` (loose objects) and `false` (strict objects) have no structural meaning: unknown
      // fields are pruned by the API server anyway.
      if (isObject(value) && Object.keys(value).length > 0) {
        out.additionalProperties = toStructural(value, `${path}.*`);
      }
    } else if (
      (key === 'minimum' || key === 'maximum') &&
      Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER
    ) {
      // zod's z.int() bounds: implied by int64.
    } else if (key === 'required' && Array.isArray(value) && value.length === 0) {
      // omit
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'integer') out.format = 'int64';
  if (path.endsWith('.conditions') && out.type === 'array') {
    out['x-kubernetes-list-type'] = 'map';
    out['x-kubernetes-list-map-keys'] = ['type'];
  }
  return out;
}

/**
 * `node` without CEL rules: status is written by the controller (a copy of the operation it
 * ran), and a rule there could only make a status write fail, never help a user.
 */
export function withoutValidations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutValidations);
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k !== 'x-kubernetes-validations') out[k] = withoutValidations(v);
  }
  return out;
}

/** The openAPIV3Schema of the Application version. */
export function applicationOpenApiSchema(): Schema {
  const json = z.toJSONSchema(ApplicationSchema, { target: 'openapi-3.0', io: 'input' }) as Schema;
  const props = json.properties as Schema;
  const structural = (name: string): Schema => toStructural(props[name] as Schema, `.${name}`);
  const operation = toStructural(
    z.toJSONSchema(OperationSchema, { target: 'openapi-3.0', io: 'input' }) as Schema,
    '.operation',
  );
  return {
    type: 'object',
    description: 'A Git source rendered and kept in sync with the cluster by trueup.',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: structural('spec'),
      operation,
      status: withoutValidations(structural('status')),
    },
  };
}

/** What a custom resource's CRD needs beyond its schema. */
export interface CrdDefinition {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  scope?: 'Namespaced' | 'Cluster';
  printerColumns: readonly Schema[];
  openAPIV3Schema: Schema;
}

/** A CustomResourceDefinition (one served, stored version with a status subresource). */
export function customResourceDefinition(d: CrdDefinition): Schema {
  const names: Schema = { kind: d.kind, listKind: `${d.kind}List`, plural: d.plural, singular: d.singular };
  if (d.shortNames?.length) names.shortNames = [...d.shortNames];
  if (d.categories?.length) names.categories = [...d.categories];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${d.plural}.${d.group}` },
    spec: {
      group: d.group,
      names,
      scope: d.scope ?? 'Namespaced',
      versions: [
        {
          name: d.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...d.printerColumns],
          schema: { openAPIV3Schema: d.openAPIV3Schema },
        },
      ],
    },
  };
}

/**
 * The openAPIV3Schema of a resource whose zod schema has `spec` and `status`: spec with its
 * CEL rules, status without them.
 */
export function specStatusOpenApiSchema(schema: z.ZodType, description: string): Schema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Schema;
  const props = json.properties as Schema;
  const out: Schema = {
    type: 'object',
    description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructural(props.spec as Schema, '.spec'),
    },
  };
  if (props.status)
    (out.properties as Schema).status = withoutValidations(toStructural(props.status as Schema, '.status'));
  return out;
}

export function applicationCrd(): Schema {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: APP_KIND,
    plural: APP_PLURAL,
    singular: APP_SINGULAR,
    shortNames: APP_SHORT_NAMES,
    categories: APP_CATEGORIES,
    printerColumns: [
      { name: 'Sync', type: 'string', jsonPath: '.status.sync.status' },
      { name: 'Health', type: 'string', jsonPath: '.status.health.status' },
      { name: 'Revision', type: 'string', jsonPath: '.status.sync.revision' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      {
        name: 'Message',
        type: 'string',
        priority: 1,
        jsonPath: '.status.conditions[?(@.type=="Ready")].message',
      },
    ],
    openAPIV3Schema: applicationOpenApiSchema(),
  });
}
