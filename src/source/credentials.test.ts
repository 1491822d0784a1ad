import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrueupError } from '../api/errors.js';
import {
  authorizationHeader,
  cachedSecretSource,
  credentialsFromSecret,
  lookupCredentials,
  matchSecret,
  type SecretLike,
  staticSecretSource,
} from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, type: string, data: Record<string, string>): SecretLike => ({
  metadata: { namespace: 'trueup-system', name, labels: { 'argocd.argoproj.io/secret-type': type } },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

const orgCreds = secret('org', 'repo-creds', { url: 'https://git.example.com/org', password: 'org-pw' });
const teamCreds = secret('team', 'repo-creds', {
  url: 'https://git.example.com/org/team/',
  password: 'team',
});
const exact = secret('exact', 'repository', {
  url: 'https://git.example.com/org/team/app.git',
  username: 'u',
  password: 'exact',
});
const all = [orgCreds, teamCreds, exact];

describe('matchSecret', () => {
  it('prefers an exact repository Secret', () => {
    assert.equal(matchSecret('https://GIT.example.com/org/team/app', all), exact);
  });
  it('takes the longest covering prefix', () => {
    assert.equal(matchSecret('https://git.example.com/org/team/other.git', all), teamCreds);
    assert.equal(matchSecret('https://git.example.com/org/x', all), orgCreds);
  });
  it('matches on path boundaries only', () => {
    assert.equal(matchSecret('https://git.example.com/org-other/x', all), undefined);
  });
});

describe('credentialsFromSecret', () => {
  it('reads username/password, token and bearerToken', () => {
    assert.deepEqual(credentialsFromSecret(exact), { kind: 'basic', username: 'u', password: 'exact' });
    assert.deepEqual(credentialsFromSecret(secret('t', 'repository', { token: 'tk' })), {
      kind: 'basic',
      username: 'x-access-token',
      password: 'tk',
    });
    assert.deepEqual(credentialsFromSecret(secret('b', 'repository', { bearerToken: 'bt' })), {
      kind: 'bearer',
      token: 'bt',
    });
    assert.equal(authorizationHeader({ kind: 'basic', username: 'a', password: 'b' }), `Basic ${b64('a:b')}`);
  });
  it('refuses a Secret without a secret in it, without leaking data', () => {
    assert.throws(
      () => credentialsFromSecret(secret('e', 'repository', { username: 'only' })),
      (err) =>
        isTrueupError(err) && err.code === 'GitInvalidCredentials' && err.message.includes('trueup-system/e'),
    );
  });
});

describe('lookupCredentials', () => {
  const source = staticSecretSource(all);
  it('uses the named Secret first', async () => {
    const creds = await lookupCredentials('https://git.example.com/org/x', {
      secrets: source,
      secretRef: { namespace: 'trueup-system', name: 'exact' },
    });
    assert.deepEqual(creds, { kind: 'basic', username: 'u', password: 'exact' });
  });
  it('waits for a named Secret that does not exist yet', async () => {
    await assert.rejects(
      lookupCredentials('https://git.example.com/org/x', {
        secrets: source,
        secretRef: { namespace: 'n', name: 'm' },
      }),
      (err) => isTrueupError(err) && err.code === 'GitCredentialsNotFound' && err.retry === 'waiting',
    );
  });
  it('falls back to URL userinfo, then to matching, then to anonymous', async () => {
    const userinfo = { username: 'a', password: 'b' };
    assert.deepEqual(await lookupCredentials('https://h/x', { secrets: source, userinfo }), {
      kind: 'basic',
      ...userinfo,
    });
    assert.equal(
      (await lookupCredentials('https://git.example.com/org/x', { secrets: source }))?.kind,
      'basic',
    );
    assert.equal(await lookupCredentials('https://elsewhere/x', { secrets: source }), undefined);
  });
});

describe('cachedSecretSource', () => {
  it('lists once per TTL and shares concurrent lists', async () => {
    let lists = 0;
    let t = 0;
    const inner = {
      listRepoSecrets: async () => {
        lists++;
        return all;
      },
      getSecret: async () => undefined,
    };
    const cached = cachedSecretSource(inner, 1000, () => t);
    await Promise.all([cached.listRepoSecrets(), cached.listRepoSecrets()]);
    t = 999;
    await cached.listRepoSecrets();
    assert.equal(lists, 1);
    t = 1000;
    await cached.listRepoSecrets();
    assert.equal(lists, 2);
  });
});
