/**
 * `goTemplate: true` sets end to end of the pure parts: parameter sets from the generators in
 * goTemplate mode, the template's strings evaluated by Go's text/template + sprig in the Helm
 * engine (not a re-implementation), goTemplateOptions, templatePatch. Expected values follow
 * Argo CD's documented goTemplate examples.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type ApplicationSet, ApplicationSetSpecSchema } from '../../src/api/application-set.js';
import { generate } from '../../src/appset/generate.js';
import { goTemplateRenderer } from '../../src/appset/go-renderer.js';
import { renderApplications } from '../../src/appset/render.js';
import type { HelmEngine } from '../../src/helm/engine.js';
import { sharedEngine } from '../support/helm.js';

const REPO = 'https://git.example/org/gitops.git';
const repos = {
  async snapshot() {
    return {
      commit: 'c1',
      directories: async () => ['apps', 'apps/Guest_Book', 'apps/web'],
      files: async () => ['apps/web/config.json'],
      readText: async () => JSON.stringify({ replicas: 3, team: { name: 'Web Team' } }),
    };
  },
};

function set(spec: Record<string, unknown>): ApplicationSet {
  return {
    apiVersion: 'trueup.dev/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'go', namespace: 'ns', uid: 'u' },
    spec: ApplicationSetSpecSchema.parse({ goTemplate: true, ...spec }),
  };
}

describe('goTemplate in the Helm engine', () => {
  let engine: HelmEngine;
  before(async () => {
    engine = await sharedEngine();
  });

  async function apps(s: ApplicationSet) {
    const renderer = goTemplateRenderer(async () => engine, s.spec.goTemplateOptions ?? [], 'test');
    const { params } = await generate(s.spec, { repos, renderer, goTemplate: true });
    return renderApplications(s, params, renderer);
  }

  const template = {
    metadata: { name: '{{.path.basenameNormalized}}', labels: { segment: '{{index .path.segments 0}}' } },
    spec: {
      source: { repoURL: REPO, path: '{{.path.path}}' },
      destination: { namespace: '{{ .path.basename | lower | replace "_" "-" }}' },
    },
  };

  test('git directories with nested path params, index of segments, sprig pipelines', async () => {
    const got = await apps(
      set({ generators: [{ git: { repoURL: REPO, directories: [{ path: 'apps/*' }] } }], template }),
    );
    assert.deepEqual(
      got.map((a) => [
        a.metadata.name,
        a.metadata.labels?.segment,
        a.spec.source?.path,
        a.spec.destination.namespace,
      ]),
      [
        ['guest-book', 'apps', 'apps/Guest_Book', 'guest-book'],
        ['web', 'apps', 'apps/web', 'web'],
      ],
    );
  });

  test('git files keep nesting and numbers; missingkey=error fails the set naming the template', async () => {
    const filesTemplate = {
      metadata: { name: '{{.path.basename}}-{{.replicas}}' },
      spec: {
        source: { repoURL: REPO, path: '{{.path.path}}' },
        destination: { namespace: '{{.team.name | slugify}}' },
      },
    };
    const [a] = await apps(
      set({
        generators: [{ git: { repoURL: REPO, files: [{ path: 'apps/**/config.json' }] } }],
        template: filesTemplate,
      }),
    );
    assert.equal(a?.metadata.name, 'web-3');
    assert.equal(a?.spec.destination.namespace, 'web-team');
    const missing = { ...filesTemplate, metadata: { name: '{{.nope}}' } };
    await assert.rejects(
      apps(
        set({
          generators: [{ git: { repoURL: REPO, files: [{ path: 'apps/**/config.json' }] } }],
          template: missing,
          goTemplateOptions: ['missingkey=error'],
        }),
      ),
      /template "\{\{\.nope\}\}".*nope/,
    );
  });

  test('templatePatch: a Go template giving YAML merged over each Application', async () => {
    const [a] = await apps(
      set({
        generators: [{ list: { elements: [{ name: 'web', auto: true }] } }],
        template: { metadata: { name: '{{.name}}' }, spec: { source: { repoURL: REPO }, destination: {} } },
        templatePatch: '{{ if .auto }}\nspec:\n  syncPolicy:\n    automated: {prune: true}\n{{ end }}\n',
      }),
    );
    assert.deepEqual(a?.spec.syncPolicy, { automated: { prune: true } });
  });

  test('a matrix whose second generator reads the first (elementsYaml with toJson)', async () => {
    const got = await apps(
      set({
        generators: [
          {
            matrix: {
              generators: [
                { list: { elements: [{ name: 'web', envs: [{ env: 'dev' }, { env: 'prod' }] }] } },
                { list: { elementsYaml: '{{ .envs | toJson }}' } },
              ],
            },
          },
        ],
        template: {
          metadata: { name: '{{.name}}-{{.env}}' },
          spec: { source: { repoURL: REPO }, destination: {} },
        },
      }),
    );
    assert.deepEqual(
      got.map((a) => a.metadata.name),
      ['web-dev', 'web-prod'],
    );
  });
});
