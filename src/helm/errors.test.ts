import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineErrorCode, HelmErrorCode, helmError } from './errors.js';

test("the engine's codes map to ours; anything else is an engine failure (transient)", () => {
  assert.equal(engineErrorCode('SchemaValidation'), HelmErrorCode.SchemaValidation);
  assert.equal(engineErrorCode('TemplateError'), HelmErrorCode.TemplateError);
  assert.equal(engineErrorCode('Internal'), HelmErrorCode.EngineFailed);
  assert.equal(engineErrorCode('BadRequest'), HelmErrorCode.EngineFailed);
  assert.equal(helmError(HelmErrorCode.EngineFailed, 'x').retry, 'transient');
  assert.equal(helmError(HelmErrorCode.TemplateError, 'x').retry, 'terminal');
  assert.equal(helmError(HelmErrorCode.Timeout, 'x').retry, 'terminal');
});
