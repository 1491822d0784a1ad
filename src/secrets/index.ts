/** SOPS + age decryption of files (pure: bytes and identities in, bytes out). See README.md. */
export { AgeIdentities } from './age.js';
export { SecretsErrorCode } from './errors.js';
export { decryptSopsFile } from './sops/decrypt.js';
export { DecryptingTree } from './tree.js';
