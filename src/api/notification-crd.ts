/** The CRDs of NotificationProvider and NotificationRule (listed in src/api/crds.ts). */
import { APP_CATEGORIES, APP_GROUP, APP_VERSION } from './application.js';
import { customResourceDefinition, specStatusOpenApiSchema } from './crd.js';
import {
  NotificationProviderSchema,
  NotificationRuleSchema,
  PROVIDER_KIND,
  RULE_KIND,
} from './notification.js';

const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function notificationProviderCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: PROVIDER_KIND,
    plural: 'notificationproviders',
    singular: 'notificationprovider',
    shortNames: ['tnp'],
    categories: APP_CATEGORIES,
    printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }, age],
    openAPIV3Schema: specStatusOpenApiSchema(
      NotificationProviderSchema,
      'Where trueup sends Application notifications: a chat webhook, a signed generic webhook, or a forge commit status.',
    ),
  });
}

export function notificationRuleCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: RULE_KIND,
    plural: 'notificationrules',
    singular: 'notificationrule',
    shortNames: ['tnr'],
    categories: APP_CATEGORIES,
    printerColumns: [{ name: 'Events', type: 'string', jsonPath: '.spec.events' }, age],
    openAPIV3Schema: specStatusOpenApiSchema(
      NotificationRuleSchema,
      "Which Applications' events (label selector, namespaces) go to which NotificationProviders, with an optional message template.",
    ),
  });
}
