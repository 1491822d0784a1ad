/**
 * The ApplicationSet CRD: its zod schema's structure, with `spec.template.spec` replaced by the
 * Application spec's structure without its CEL rules (a templated `{{server}}` could not pass
 * them; every generated Application is checked against the full Application schema instead).
 */
import { z } from 'zod';
import { APP_CATEGORIES, APP_GROUP, APP_VERSION, ApplicationSpecSchema } from './application.js';
import {
  APPSET_KIND,
  APPSET_PLURAL,
  APPSET_SHORT_NAMES,
  APPSET_SINGULAR,
  ApplicationSetSchema,
} from './application-set.js';
import {
  customResourceDefinition,
  specStatusOpenApiSchema,
  toStructural,
  withoutValidations,
} from './crd.js';

type Schema = { [key: string]: unknown };

function templateSpecSchema(): Schema {
  const json = z.toJSONSchema(ApplicationSpecSchema, { target: 'openapi-3.0', io: 'input' }) as Schema;
  const spec = withoutValidations(toStructural(json, '.spec.template.spec')) as Schema;
  spec.description = 'An Application spec (see Application); its strings may hold params.';
  return spec;
}

export function applicationSetOpenApiSchema(): Schema {
  const schema = specStatusOpenApiSchema(
    ApplicationSetSchema,
    'Applications generated from parameter sets (Argo CD ApplicationSet field names).',
  );
  const spec = (schema.properties as Schema).spec as Schema;
  const template = (spec.properties as Schema).template as Schema;
  (template.properties as Schema).spec = templateSpecSchema();
  return schema;
}

export function applicationSetCrd(): Schema {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: APPSET_KIND,
    plural: APPSET_PLURAL,
    singular: APPSET_SINGULAR,
    shortNames: APPSET_SHORT_NAMES,
    categories: APP_CATEGORIES,
    printerColumns: [
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="ResourcesUpToDate")].status',
      },
      { name: 'Apps', type: 'integer', jsonPath: '.status.applicationCount' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      {
        name: 'Message',
        type: 'string',
        priority: 1,
        jsonPath: '.status.conditions[?(@.type=="ErrorOccurred")].message',
      },
    ],
    openAPIV3Schema: applicationSetOpenApiSchema(),
  });
}
