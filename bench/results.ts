/** bench/RESULTS.md: each benchmark owns one `## Heading` section and rewrites only that one. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RESULTS_FILE = join(import.meta.dirname, 'RESULTS.md');

/** Replaces the section that starts with `## heading` (up to the next `## `), or appends it. */
export async function writeResultsSection(
  heading: string,
  section: string,
  file = RESULTS_FILE,
): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => '# Benchmark results\n');
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  let next: string;
  if (start < 0) next = `${current.replace(/\n*$/, '\n')}\n${section}`;
  else {
    let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    if (end < 0) end = lines.length;
    next = [...lines.slice(0, start), ...section.split('\n'), ...lines.slice(end)].join('\n');
  }
  await writeFile(file, next.replace(/\n*$/, '\n'));
}
