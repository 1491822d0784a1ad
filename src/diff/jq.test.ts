import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import type { JsonObject, KubeObject, ObjectRef } from '../api/object.js';
import { comparable, compare } from './drift.js';
import { ignoredPointers, JQ_ENGINE_MISSING, jqPathToPointer, jqPointers } from './ignore.js';
import { JQ_EXPRESSION_INVALID, loadJq } from './jq.js';

const jq = await loadJq();

const deployment = (containers: JsonObject[], extra: JsonObject = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', annotations: { 'sidecar.istio.io/status': '{"v":1}' } },
  spec: { replicas: 2, template: { spec: { containers } } },
  ...extra,
});
const app = { name: 'app', image: 'shop/web:1' };
const istio = { name: 'istio-proxy', image: 'istio/proxyv2:1.22' };
const ref: ObjectRef = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };

test('jq path expressions select the fields Argo CD would delete, as JSON pointers', () => {
  const obj = deployment([app, istio]) as unknown as JsonObject;
  const cases: [string, string[]][] = [
    [
      '.spec.template.spec.containers[] | select(.name == "istio-proxy")',
      ['/spec/template/spec/containers/1'],
    ],
    [
      '.spec.template.spec.containers[].image',
      ['/spec/template/spec/containers/0/image', '/spec/template/spec/containers/1/image'],
    ],
    ['.metadata.annotations["sidecar.istio.io/status"]', ['/metadata/annotations/sidecar.istio.io~1status']],
    ['.spec.replicas', ['/spec/replicas']],
    ['.spec.template.spec.containers[-1]', ['/spec/template/spec/containers/1']],
    ['.spec.template.spec.containers[] | select(.name == "absent")', []],
    // A runtime error on this object (iterating a field it does not have) selects nothing, as in Argo CD.
    ['.spec.template.spec.initContainers[] | select(.name == "istio-init")', []],
    ['.spec.missing.field', ['/spec/missing/field']],
    [
      '.spec.template.spec.containers[] | select(.name == "istio-proxy") # a comment',
      ['/spec/template/spec/containers/1'],
    ],
  ];
  for (const [expression, expected] of cases) {
    assert.deepEqual(jqPointers(jq, [expression], obj), expected, expression);
  }
});

test('an expression jq cannot compile is refused, naming it; runtime errors never surface object data', () => {
  for (const bad of ['.spec[', '.spec | nosuchfunction', '.a) , (.b']) {
    assert.throws(
      () => jqPointers(jq, [bad], {}),
      (err: unknown) =>
        isTrueupError(err) &&
        err.code === JQ_EXPRESSION_INVALID &&
        err.message.startsWith(`jqPathExpressions ${bad}: `),
      bad,
    );
  }
  const secret = { data: { password: 's3cret' } };
  assert.deepEqual(jqPointers(jq, ['.data.password[]'], secret), []);
  assert.deepEqual(jqPointers(jq, ['.data | debug | .password'], secret), ['/data/password']);
});

test('jq paths to pointers: negative indices count from the end; impossible paths are dropped', () => {
  const obj = { a: [1, 2, 3], b: { 'x/y': 1 } };
  const cases: [(string | number)[], string | undefined][] = [
    [['a', -1], '/a/2'],
    [['a', 0], '/a/0'],
    [['a', -4], undefined],
    [['b', 0], undefined],
    [['b', 'x/y'], '/b/x~1y'],
    [[], undefined],
  ];
  for (const [path, expected] of cases)
    assert.equal(jqPathToPointer(path, obj), expected, JSON.stringify(path));
});

test('ignoredPointers evaluates jqPathExpressions on the object it is given; without an engine it refuses', () => {
  const rules = [
    {
      group: 'apps',
      kind: 'Deployment',
      jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "istio-proxy")'],
    },
  ];
  const live = deployment([istio, app]);
  const desired = deployment([app]);
  assert.deepEqual(ignoredPointers(rules, ref, live, jq), ['/spec/template/spec/containers/0']);
  assert.deepEqual(ignoredPointers(rules, ref, desired, jq), []);
  assert.deepEqual(ignoredPointers(rules, { ...ref, kind: 'StatefulSet' }, live, jq), []);
  assert.throws(
    () => ignoredPointers(rules, ref, live),
    (err: unknown) =>
      isTrueupError(err) && err.code === JQ_ENGINE_MISSING && /Deployment shop\/web/.test(err.message),
  );
});

test('an injected sidecar selected by jq is no drift; other changes still are', () => {
  const rules = [
    {
      kind: 'Deployment',
      jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "istio-proxy")'],
    },
  ];
  const live = deployment([istio, app]); // the sidecar injected first
  const predicted = deployment([app, istio]);
  const atLive = ignoredPointers(rules, ref, live, jq);
  const atPredicted = ignoredPointers(rules, ref, predicted, jq);
  assert.equal(compare(predicted, live, atLive, atPredicted).drifted, false);
  assert.deepEqual(comparable(live, atLive), comparable(predicted, atPredicted));
  const changed = deployment([{ ...app, image: 'shop/web:2' }, istio]);
  assert.equal(compare(changed, live, atLive, ignoredPointers(rules, ref, changed, jq)).drifted, true);
});
