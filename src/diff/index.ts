export { type Comparison, comparable, compare } from './drift.js';
export {
  fieldsV1ToPointers,
  type IgnoreRule,
  ignoredPointers,
  JQ_ENGINE_MISSING,
  jqPathToPointer,
  jqPointers,
  managerPointers,
  respectIgnored,
  rulesFor,
  withoutIgnored,
} from './ignore.js';
export { JQ_EXPRESSION_INVALID, type JqEngine, type JqPath, loadJq } from './jq.js';
export { appliedAsDesired, containedIn, leafPointers } from './local.js';
export { MASK_AFTER, MASK_BEFORE, MASK_SAME, maskSecretPair } from './mask.js';
export { canonicalJson, cloneJson, jsonEqual, normalize } from './normalize.js';
export { formatPointer, getAt, parsePointer, removeAll, setAt } from './pointer.js';
export { diffText, maskedObjectDiff, type ObjectDiff, objectDiffText } from './text.js';
