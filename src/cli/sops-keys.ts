/**
 * The age identities `trueup render`, `diff` and `sync` decrypt SOPS files with: the file named
 * by --sops-age-key-file, else by SOPS_AGE_KEY_FILE, plus the identities in SOPS_AGE_KEY (both
 * variables as the sops CLI reads them). None given: an encrypted file fails the render naming
 * it. sops's implicit default key file (~/.config/sops/age/keys.txt) is not read: keys are
 * always named explicitly here.
 */
import { readFile } from 'node:fs/promises';
import { TrueupError } from '../api/errors.js';
import { AgeIdentities } from '../secrets/age.js';

export async function cliAgeIdentities(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<AgeIdentities> {
  let keys = AgeIdentities.none;
  const file = flag ?? (env.SOPS_AGE_KEY_FILE || undefined);
  if (file !== undefined) {
    const what = flag !== undefined ? '--sops-age-key-file' : 'SOPS_AGE_KEY_FILE';
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new TrueupError('CLI_USAGE', `${what} ${file}: cannot read the age key file`, {
        cause: new Error((err as NodeJS.ErrnoException).code ?? 'read failed'),
      });
    }
    keys = keys.concat(AgeIdentities.parse(text, `${what} ${file}`));
  }
  if (env.SOPS_AGE_KEY) keys = keys.concat(AgeIdentities.parse(env.SOPS_AGE_KEY, 'SOPS_AGE_KEY'));
  return keys;
}
