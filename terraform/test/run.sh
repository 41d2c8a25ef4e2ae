#!/usr/bin/env bash
# Offline checks of terraform/: formatting, then the policy tests (HCL parsed to JSON, no provider downloads).
# Needs only terraform and node >= 20 with npm on PATH. Exits non-zero on any failure.
set -euo pipefail

test_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
terraform_dir="$(dirname "$test_dir")"

for tool in terraform node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "terraform/test/run.sh: '$tool' is not on PATH" >&2
    exit 2
  fi
done

# fmt needs no CLI configuration: a missing one only adds a warning to the log. And no version check-in.
if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  export TF_CLI_CONFIG_FILE=/dev/null
fi
export CHECKPOINT_DISABLE=1

echo "== terraform fmt -check -recursive terraform/"
if ! terraform fmt -check -recursive -diff "$terraform_dir"; then
  echo "terraform fmt: files above need formatting (run: terraform fmt -recursive terraform/)" >&2
  exit 1
fi
echo "terraform fmt: clean"

cd "$test_dir"
if [ ! -d node_modules ]; then
  echo "== npm ci (terraform/test)"
  npm ci --no-audit --no-fund
fi

echo "== policy tests (node --test)"
node --test ./*.test.mjs
