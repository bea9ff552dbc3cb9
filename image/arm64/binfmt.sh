#!/usr/bin/env bash
# Makes sure this (amd64) machine runs arm64 programs through qemu-aarch64-static: mounts binfmt_misc when it is
# not (containers), and registers qemu-aarch64 from binfmt-support's entry when it is missing; then proves it.
set -euo pipefail
BINFMT=/proc/sys/fs/binfmt_misc
[[ -e $BINFMT/register ]] || mount -t binfmt_misc binfmt_misc "$BINFMT"
[[ -e $BINFMT/qemu-aarch64 ]] || update-binfmts --enable qemu-aarch64
grep -q '^enabled' "$BINFMT/qemu-aarch64" || { echo "binfmt: qemu-aarch64 is registered but disabled" >&2; exit 1; }
grep -q '^flags: .*F' "$BINFMT/qemu-aarch64" \
  || { echo "binfmt: qemu-aarch64 lacks the F flag (the interpreter would have to be inside the chroot)" >&2; exit 1; }
