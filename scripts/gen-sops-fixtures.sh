#!/usr/bin/env bash
# Regenerates test/fixtures/sops/: encrypts the plaintexts in plain/ with the real `sops` CLI
# (built by test/sops/build.sh) for the committed test-only age keys in keys/, writes what
# `sops decrypt` prints for each into expected/, and derives the broken files (tampered value,
# tampered MAC, garbage ENC, pgp-only metadata) from the encrypted ones. The keys are test keys
# for these fixtures only; they protect nothing. Run from the repository root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(bash "$ROOT/test/sops/build.sh")"
F="$ROOT/test/fixtures/sops"
P="$F/plain" E="$F/enc" X="$F/expected" K="$F/keys"
mkdir -p "$E" "$X" "$K"
for k in a b wrong; do
  [ -f "$K/$k.agekey" ] || "$BIN/age-keygen" -o "$K/$k.agekey" 2>/dev/null
done
pub() { "$BIN/age-keygen" -y "$K/$1.agekey"; }
A="$(pub a)" B="$(pub b)"
export SOPS_AGE_KEY_FILE="$K/a.agekey"
unset SOPS_AGE_KEY SOPS_AGE_RECIPIENTS

enc() { # out, in, sops flags...
  local out="$1" in="$2"
  shift 2
  "$BIN/sops" encrypt --age "$A" "$@" "$P/$in" >"$E/$out"
  local types=()
  [ "$out" != blob.bin ] || types=(--input-type binary --output-type binary)
  "$BIN/sops" decrypt "${types[@]}" "$E/$out" >"$X/$out"
}

enc secret.yaml secret.yaml
enc multi.yaml multi.yaml
enc config.json config.json
enc app.env app.env
enc blob.bin blob.bin --input-type binary --output-type binary
enc regex.yaml regex.yaml --encrypted-regex '^(data|stringData)$'
# mac_only_encrypted has no flag: only a creation rule sets it.
rules="$(mktemp)"
trap 'rm -f "$rules"' EXIT
printf 'creation_rules:\n  - age: %s\n    encrypted_regex: ^(data|stringData)$\n    mac_only_encrypted: true\n' "$A" >"$rules"
"$BIN/sops" --config "$rules" encrypt "$P/maconly.yaml" >"$E/maconly.yaml"
"$BIN/sops" decrypt "$E/maconly.yaml" >"$X/maconly.yaml"
enc suffix.yaml suffix.yaml --encrypted-suffix _enc
sed "s/canary-regex-aa10/canary-rotated-5c5c/" "$P/regex.yaml" >"$P/regex-rotated.yaml"
enc regex-rotated.yaml regex-rotated.yaml --encrypted-regex '^(data|stringData)$'
enc patch.yaml patch.yaml --encrypted-regex '^(data|stringData)$'
"$BIN/sops" encrypt --age "$A,$B" "$P/secret.yaml" >"$E/two-recipients.yaml"
SOPS_AGE_KEY_FILE="$K/b.agekey" "$BIN/sops" decrypt "$E/two-recipients.yaml" >"$X/two-recipients.yaml"

# Valid for sops, not supported by trueup (yet): integer-like keys beside others lose their
# order in a JS object, so the MAC cannot be recomputed; the test expects SOPS_UNSUPPORTED.
mkdir -p "$F/unsupported"
"$BIN/sops" encrypt --age "$A" "$P/numeric-keys.yaml" >"$F/unsupported/numeric-keys.yaml"

# Broken files, derived with plain text edits (sops refuses each of them too).
bad="$F/bad"
mkdir -p "$bad"
# A value's ciphertext changed: its first data character swapped (the GCM tag fails).
awk '!done && /password: ENC\[AES256_GCM,data:/ { sub(/data:./, "data:" (index($0, "data:A") ? "B" : "A")); done = 1 } { print }' \
  "$E/secret.yaml" >"$bad/tampered-value.yaml"
# An unencrypted value changed under encrypted_regex: every ENC opens, the MAC does not match.
sed 's/name: regex/name: regex-renamed/' "$E/regex.yaml" >"$bad/tampered-mac.yaml"
# A value that is not a sops ENC[...] string where one is expected.
awk '!done && /username: ENC\[/ { sub(/ENC\[.*/, "ENC[AES256_GCM,garbage]"); done = 1 } { print }' \
  "$E/secret.yaml" >"$bad/garbage-enc.yaml"
# pgp key only: the age entry replaced by a pgp one (sops would ask gpg).
awk '
  /^    age:/ { skip = 1; print "    pgp:"; print "        - created_at: \"2026-01-01T00:00:00Z\""; print "          enc: |"; print "            -----BEGIN PGP MESSAGE-----"; print "            AAAA"; print "            -----END PGP MESSAGE-----"; print "          fp: 0000000000000000000000000000000000000000"; next }
  skip && /^    [a-z_]+:/ { skip = 0 }
  !skip { print }' "$E/regex.yaml" >"$bad/pgp-only.yaml"
for f in "$bad"/*; do
  if "$BIN/sops" decrypt "$f" >/dev/null 2>&1; then echo "sops decrypted $f, which must fail" >&2; exit 1; fi
done


# The render fixture's expectation: kubectl kustomize over the decrypted twin of the tree.
twin="$(mktemp -d)"
mkdir "$twin/enc"
cp "$F/kustomization.yaml" "$twin/"
cp "$X"/* "$twin/enc/"
kubectl kustomize "$twin" >"$F/kustomize.expected.yaml"
rm -rf "$twin"
echo "fixtures written to $F" >&2
