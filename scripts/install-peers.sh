#!/usr/bin/env bash
# Installs the real protocol peers the interop tests and the comparison harness talk to (Debian packages), where this machine allows it.
# Prints what is still missing; never fails the caller because a peer could not be installed.
set -u
packages=(tshark tgt libiscsi-bin sg3-utils iperf3)
missing_commands() {
  local out=()
  command -v tshark >/dev/null 2>&1 || out+=("tshark (Debian package tshark: Wireshark decoder interop tests)")
  command -v tgtd >/dev/null 2>&1 || out+=("tgtd (Debian package tgt: reference target)")
  command -v iscsi-test-cu >/dev/null 2>&1 || out+=("iscsi-test-cu (Debian package libiscsi-bin: libiscsi conformance suite)")
  command -v iperf3 >/dev/null 2>&1 || out+=("iperf3 (Debian package iperf3: loopback ceiling of benchmarks/run-comparison.sh)")
  printf '%s\n' "${out[@]}"
}

if [ -z "$(missing_commands)" ]; then
  echo "peers: all present (tshark, tgtd, iscsi-test-cu, iperf3)"
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  if [ "$sudo" != "none" ]; then
    echo "peers: installing ${packages[*]} with apt-get"
    $sudo apt-get update -qq >/dev/null 2>&1 || echo "peers: apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
      || echo "peers: apt-get install failed"
  else
    echo "peers: not root and no password-less sudo: cannot apt-get install ${packages[*]}"
  fi
else
  echo "peers: apt-get not found: install ${packages[*]} by hand"
fi

still=$(missing_commands)
if [ -n "$still" ]; then
  echo "peers: still missing (tests that need them are skipped, or fail when STATESAVE_REQUIRE_PEERS=1):"
  while IFS= read -r line; do echo "  - $line"; done <<< "$still"
else
  echo "peers: all present (tshark, tgtd, iscsi-test-cu, iperf3)"
fi
exit 0
