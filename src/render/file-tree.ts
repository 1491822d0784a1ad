/**
 * The read-only view of a source tree that the renderer works on. A local directory and a Git
 * revision both implement it, so rendering is the same code whatever the source.
 *
 * Paths are POSIX, relative to the tree's root, without a leading slash ('' is the root).
 * Implementations must refuse anything that would leave the root (`..` above it, a symlink
 * pointing outside) with a TrueupError; the renderer relies on that confinement.
 */
export type FileKind = 'file' | 'dir';

export interface FileStat {
  kind: FileKind;
  /** Size in bytes for files; 0 for directories. */
  size: number;
}

export interface FileTree {
  /** A label for messages, e.g. the directory path or `repo@sha`. */
  readonly description: string;
  /** Stat after resolving symlinks inside the tree; undefined when nothing is there. */
  stat(path: string): Promise<FileStat | undefined>;
  /** File contents; throws a TrueupError naming the path when missing or not a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Entry names of a directory, sorted by code point; throws when not a directory. */
  listDir(path: string): Promise<string[]>;
  /**
   * The tree path `path` names once the symlinks of every component are resolved (a missing tail
   * is kept as written); throws when that leaves the root. The load restrictor compares these.
   */
  realPath(path: string): Promise<string>;
}
