/** A FileTree held in memory, built from a record of paths and contents (tests). */

import { InMemoryTree } from '../../src/render/memory-tree.js';
import { normalize } from '../../src/render/paths.js';

export class MemoryTree extends InMemoryTree {
  constructor(files: Record<string, string | Uint8Array>, description = 'memory') {
    const map = new Map<string, Uint8Array>();
    for (const [path, content] of Object.entries(files)) {
      const p = normalize(path);
      if (p === undefined || p === '') throw new Error(`bad path ${path}`);
      map.set(p, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    }
    super(map, description);
  }
}
