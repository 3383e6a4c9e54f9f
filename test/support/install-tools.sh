#!/usr/bin/env bash
# Finds, or installs, what the test suites need beyond Node (npm test runs this first; so does .ci/run):
#   qemu-system-x86_64  test/conformance/scenarios, runtime/qmp differential tests (Debian's QEMU 7.2)
#   chromium            test/view (driven headless through playwright-core; CHROMIUM_PATH overrides)
#   spin, gcc           test/model/spin (the Promela cross-check)
#   openssl             test/faults/tls-* (makes the test CA and certificates)
# Idempotent: when everything is there it prints nothing and exits 0. When something is missing it installs
# the Debian packages with apt-get as root (or through sudo without a password); otherwise it names what is
# missing and the command that installs it, and exits 1.
set -euo pipefail

missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v spin >/dev/null 2>&1 || missing+=(spin)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ "${#missing[@]}" -eq 0 ] && exit 0

install="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "lockstep tests need ${missing[*]} (not installed), and this user cannot install them." >&2
  echo "Install them once as root: apt-get update && $install" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lockstep tests need ${missing[*]}; this machine has no apt-get: install them with its package manager." >&2
  exit 1
fi
echo "lockstep tests: installing ${missing[*]} (apt-get)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive $install
