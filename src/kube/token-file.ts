/**
 * A bearer token read from a file and read again as the file changes: the kubelet rotates a
 * projected service-account token (about hourly) and tools rewrite a kubeconfig's tokenFile, so a
 * token read once at start would expire under a long-running controller. Read at most once a
 * minute, as client-go does (its cached file token source); a failed re-read keeps the last token.
 */
import { type KubeAuth, KubeConfigErrorCode, kubeConfigError } from './connection.js';

/** How long a token read from a file is used before the file is read again. */
export const TOKEN_FILE_REREAD_MS = 60_000;

export function tokenFileAuth(
  path: string,
  readFile: (path: string) => string,
  now: () => number,
  where: string,
): KubeAuth {
  const read = () => {
    const token = readFile(path).trim();
    if (!token) throw kubeConfigError(KubeConfigErrorCode.Invalid, `${where}: token file ${path} is empty`);
    return token;
  };
  let token: string;
  try {
    token = read();
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === KubeConfigErrorCode.Invalid) throw err;
    throw kubeConfigError(KubeConfigErrorCode.Invalid, `${where}: token file ${path} cannot be read`, err);
  }
  let readAt = now();
  return {
    kind: 'refreshed',
    headers: async () => {
      if (now() - readAt >= TOKEN_FILE_REREAD_MS) {
        try {
          token = read();
        } catch {
          // Keep the last token: the API server says whether it still holds (401 otherwise).
        }
        readAt = now();
      }
      return { Authorization: `Bearer ${token}` };
    },
  };
}
