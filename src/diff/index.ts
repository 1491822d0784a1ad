export { type Comparison, comparable, compare } from './drift.js';
export {
  fieldsV1ToPointers,
  type IgnoreRule,
  ignoredPointers,
  managerPointers,
  respectIgnored,
  rulesFor,
  withoutIgnored,
} from './ignore.js';
export { appliedAsDesired, containedIn, leafPointers } from './local.js';
export { MASK_AFTER, MASK_BEFORE, MASK_SAME, maskSecretPair } from './mask.js';
export { canonicalJson, cloneJson, jsonEqual, normalize } from './normalize.js';
export { formatPointer, getAt, parsePointer, removeAll, setAt } from './pointer.js';
export { diffText, maskedObjectDiff, type ObjectDiff, objectDiffText } from './text.js';
