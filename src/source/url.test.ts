import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import { normalizeRepoUrl, parseRepoUrl, redactUrl } from './url.js';

describe('parseRepoUrl', () => {
  it('strips userinfo from the fetch URL and keeps it apart', () => {
    const url = parseRepoUrl('https://alice:s3cr%40t@Git.Example.com/org/repo.git/');
    assert.equal(url.fetchUrl, 'https://git.example.com/org/repo.git');
    assert.equal(url.normalized, 'https://git.example.com/org/repo');
    assert.deepEqual(url.userinfo, { username: 'alice', password: 's3cr@t' });
  });

  it('gives spellings of one repository the same cache key', () => {
    const a = parseRepoUrl('https://git.example.com:443/org/repo.git');
    const b = parseRepoUrl('HTTPS://git.example.com/org/repo/');
    assert.equal(a.cacheKey, b.cacheKey);
    assert.match(a.cacheKey, /^[0-9a-f]{32}$/);
    assert.notEqual(a.cacheKey, parseRepoUrl('https://git.example.com/org/other').cacheKey);
  });

  for (const raw of [
    'git@github.com:org/repo.git',
    'ssh://git@github.com/org/repo.git',
    'deploy@host.example:repo',
    'git://github.com/org/repo',
    'file:///srv/repo',
  ]) {
    it(`refuses ${raw} as unsupported, terminally`, () => {
      assert.throws(
        () => parseRepoUrl(raw),
        (err) => isTrueupError(err) && err.code === 'GitUnsupportedUrl' && err.retry === 'terminal',
      );
    });
  }

  it('refuses garbage as an invalid URL', () => {
    assert.throws(
      () => parseRepoUrl('not a url'),
      (err) => isTrueupError(err) && err.code === 'GitInvalidUrl',
    );
  });

  it('never puts the password of an unsupported URL in the message', () => {
    assert.throws(
      () => parseRepoUrl('ftp://bob:hunter2@host/repo'),
      (err) => err instanceof Error && !err.message.includes('hunter2') && err.message.includes('***@host'),
    );
  });
});

describe('normalizeRepoUrl', () => {
  it('lower-cases scheme and host but not the path', () => {
    assert.equal(normalizeRepoUrl('HTTP://Host:80/Org/Repo.GIT'), 'http://host/Org/Repo');
  });
  it('keeps a non-default port', () => {
    assert.equal(normalizeRepoUrl('http://127.0.0.1:8080/r.git'), 'http://127.0.0.1:8080/r');
  });
});

describe('redactUrl', () => {
  it('hides user and password', () => {
    assert.equal(redactUrl('https://u:p@h/x?y'), 'https://***@h/x?y');
    assert.equal(redactUrl('https://token@h/x'), 'https://***@h/x');
  });
  it('leaves URLs without userinfo alone', () => {
    assert.equal(redactUrl('https://h/x@y'), 'https://h/x@y');
  });
});
