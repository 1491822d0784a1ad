import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileOpenApiSchema, listMergeInfo } from './schema.js';

describe('listMergeInfo (generated from the real OpenAPI, as Kustomize v5.5 sees it)', () => {
  it('knows the merge keys of pod templates in workloads', () => {
    const containers = ['spec', 'template', 'spec', 'containers'];
    assert.deepEqual(listMergeInfo('apps', 'v1', 'Deployment', containers), {
      strategy: 'merge',
      mergeKey: 'name',
      mergeKeys: ['name'],
    });
    assert.equal(listMergeInfo('apps', 'v1', 'Deployment', [...containers, 'env']).mergeKey, 'name');
    assert.equal(
      listMergeInfo('apps', 'v1', 'Deployment', [...containers, 'volumeMounts']).mergeKey,
      'mountPath',
    );
    assert.deepEqual(listMergeInfo('apps', 'v1', 'Deployment', [...containers, 'ports']).mergeKeys, [
      'containerPort',
      'protocol',
    ]);
    assert.equal(listMergeInfo('', 'v1', 'Pod', ['spec', 'imagePullSecrets']).mergeKey, 'name');
    assert.equal(listMergeInfo('', 'v1', 'Pod', ['spec', 'volumes']).mergeKey, 'name');
    assert.equal(
      listMergeInfo('batch', 'v1', 'CronJob', [
        'spec',
        'jobTemplate',
        'spec',
        'template',
        'spec',
        'initContainers',
      ]).mergeKey,
      'name',
    );
  });

  it('has merge lists without keys, replaced lists and unknown kinds', () => {
    assert.deepEqual(listMergeInfo('', 'v1', 'Pod', ['metadata', 'finalizers']), { strategy: 'merge' });
    assert.equal(listMergeInfo('', 'v1', 'Pod', ['spec', 'tolerations']).strategy, 'none');
    assert.equal(listMergeInfo('example.com', 'v1', 'Widget', ['spec', 'items']).strategy, 'none');
    // Kustomize v5.5's schema predates schedulingGates: replaced whole, like kubectl kustomize does.
    assert.equal(listMergeInfo('', 'v1', 'Pod', ['spec', 'schedulingGates']).strategy, 'none');
  });
});

describe('compileOpenApiSchema', () => {
  it('reads merge keys of a custom resource from a swagger document', () => {
    const schema = compileOpenApiSchema({
      definitions: {
        W: {
          properties: {
            spec: {
              properties: {
                items: {
                  type: 'array',
                  'x-kubernetes-patch-strategy': 'merge',
                  'x-kubernetes-patch-merge-key': 'id',
                },
              },
            },
          },
          'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'W' }],
        },
      },
    });
    const type = schema.kindType('example.com/v1', 'W');
    assert.notEqual(type, undefined);
    const spec = schema.field(type as number, 'spec');
    const items = schema.field(spec?.type as number, 'items');
    assert.deepEqual(items?.keys, ['id']);
    assert.equal(schema.kindType('apps/v1', 'Deployment'), undefined);
  });
});

describe('compileOpenApiSchema with the built-in kinds (an openapi: met below the top kustomization)', () => {
  it('resolves references to built-in definitions and keeps built-in kinds', () => {
    const schema = compileOpenApiSchema(
      {
        definitions: {
          DC: {
            properties: { spec: { $ref: '#/definitions/DCSpec' } },
            'x-kubernetes-group-version-kind': [
              { group: 'apps.openshift.io', version: 'v1', kind: 'DeploymentConfig' },
            ],
          },
          DCSpec: { properties: { template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' } } },
        },
      },
      { withBuiltin: true },
    );
    const dc = schema.kindType('apps.openshift.io/v1', 'DeploymentConfig') as number;
    const spec = schema.field(dc, 'spec')?.type as number;
    const template = schema.field(spec, 'template')?.type as number;
    const podSpec = schema.field(template, 'spec')?.type as number;
    assert.deepEqual(schema.field(podSpec, 'containers')?.keys, ['name']);
    assert.notEqual(schema.kindType('apps/v1', 'Deployment'), undefined);
  });
});
