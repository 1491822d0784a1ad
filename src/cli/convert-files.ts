/**
 * `trueup convert FILE...` at the edge: reads the files, parses their YAML documents, converts
 * (src/convert, pure) and prints the Applications to stdout, one warning per field not carried
 * over and one error per object refused to stderr. Loaded only when the command runs.
 */
import { readFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import type { KubeObject } from '../api/object.js';
import { convertDocuments, type SourceDocument } from '../convert/index.js';
import { emitYamlDocuments } from '../render/yaml/emit.js';
import { type CliIO, ExitCode } from './io.js';

export interface ConvertCliOptions {
  namespace: string;
}

/** Exit 0 when every object converted (warnings allowed), 1 when any was refused or unreadable. */
export async function convertFiles(
  files: readonly string[],
  opts: ConvertCliOptions,
  io: CliIO,
): Promise<number> {
  const docs: SourceDocument[] = [];
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      io.stderr(`error: ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
      failed = true;
      continue;
    }
    try {
      loadAll(text, (doc) => docs.push({ file, index: docs.filter((d) => d.file === file).length, doc }), {
        filename: file,
      });
    } catch (err) {
      io.stderr(`error: ${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}\n`);
      failed = true;
    }
  }
  const result = convertDocuments(docs, { namespace: opts.namespace });
  for (const w of result.warnings) io.stderr(`warning: ${w.where}: ${w.field}: ${w.message}\n`);
  for (const r of result.refusals) io.stderr(`error: ${r.where}: not converted: ${r.message}\n`);
  if (result.applications.length > 0 || result.applicationSets.length > 0) {
    io.stdout(
      emitYamlDocuments([...result.applications, ...result.applicationSets] as unknown as KubeObject[]),
    );
  }
  return failed || result.refusals.length > 0 ? ExitCode.Failure : ExitCode.Ok;
}
