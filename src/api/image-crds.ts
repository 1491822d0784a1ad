/** The CustomResourceDefinitions of ImageRepository, ImagePolicy and ImageUpdateAutomation. */
import { APP_GROUP, APP_VERSION } from './application.js';
import { customResourceDefinition, specStatusOpenApiSchema } from './crd.js';
import { IMAGE_CATEGORIES } from './image-common.js';
import { IMAGE_POLICY_KIND, IMAGE_POLICY_PLURAL, ImagePolicySchema } from './image-policy.js';
import { IMAGE_REPOSITORY_KIND, IMAGE_REPOSITORY_PLURAL, ImageRepositorySchema } from './image-repository.js';
import {
  IMAGE_UPDATE_AUTOMATION_KIND,
  IMAGE_UPDATE_AUTOMATION_PLURAL,
  ImageUpdateAutomationSchema,
} from './image-update-automation.js';

const ready = (jsonPath = '.status.conditions[?(@.type=="Ready")]') => [
  { name: 'Ready', type: 'string', jsonPath: `${jsonPath}.status` },
  { name: 'Status', type: 'string', jsonPath: `${jsonPath}.message` },
];
const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function imageRepositoryCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: IMAGE_REPOSITORY_KIND,
    plural: IMAGE_REPOSITORY_PLURAL,
    singular: 'imagerepository',
    shortNames: ['timgrepo'],
    categories: IMAGE_CATEGORIES,
    printerColumns: [
      { name: 'Image', type: 'string', jsonPath: '.spec.image' },
      { name: 'Tags', type: 'integer', jsonPath: '.status.lastScanResult.tagCount' },
      { name: 'Last scan', type: 'string', jsonPath: '.status.lastScanResult.scanTime' },
      ...ready(),
      age,
    ],
    openAPIV3Schema: specStatusOpenApiSchema(
      ImageRepositorySchema,
      'A container image repository scanned for tags by trueup.',
    ),
  });
}

export function imagePolicyCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: IMAGE_POLICY_KIND,
    plural: IMAGE_POLICY_PLURAL,
    singular: 'imagepolicy',
    shortNames: ['timgpol'],
    categories: IMAGE_CATEGORIES,
    printerColumns: [
      { name: 'Tag', type: 'string', jsonPath: '.status.latestRef.tag' },
      { name: 'Image', type: 'string', jsonPath: '.status.latestRef.name', priority: 1 },
      ...ready(),
      age,
    ],
    openAPIV3Schema: specStatusOpenApiSchema(
      ImagePolicySchema,
      "The latest tag of an ImageRepository's scan, chosen by a policy.",
    ),
  });
}

export function imageUpdateAutomationCrd(): Record<string, unknown> {
  return customResourceDefinition({
    group: APP_GROUP,
    version: APP_VERSION,
    kind: IMAGE_UPDATE_AUTOMATION_KIND,
    plural: IMAGE_UPDATE_AUTOMATION_PLURAL,
    singular: 'imageupdateautomation',
    shortNames: ['timgauto'],
    categories: IMAGE_CATEGORIES,
    printerColumns: [
      { name: 'Last push', type: 'string', jsonPath: '.status.lastPushTime' },
      { name: 'Commit', type: 'string', jsonPath: '.status.lastPushCommit', priority: 1 },
      ...ready(),
      age,
    ],
    openAPIV3Schema: specStatusOpenApiSchema(
      ImageUpdateAutomationSchema,
      "Commits the ImagePolicies' latest images into Git where setter markers ask for them.",
    ),
  });
}
