#!/usr/bin/env bash
# The arm64 outputs of image/build-image.sh (called by it; no kernel, bootloader or disk: those come from L4T):
#   image/arm64/pack-rootfs.sh ROOTFS DATA OUT VERSION ELAPSED_SECONDS (of the build so far, for its progress lines)
#   OUT/appliance-rootfs-arm64.tar.zst (+ .sha256)  the root file system, owners as numbers, xattrs kept, for
#                                                  Linux_for_Tegra/rootfs/ (README.md beside this file)
#   OUT/data-arm64.ext4 (+ .sha256)                the data partition (1 GiB): appliance/state, appliance/config
set -euo pipefail
R=$1 DATA=$2 OUT=$3 VERSION=$4
SECONDS=$5 START=0
step() { printf '\033[1m== image [%3d s] %s\033[0m\n' "$((SECONDS - START))" "$*" >&2; }

step "root file system tarball (tar | zstd)"
TARBALL=$OUT/appliance-rootfs-arm64.tar.zst
rm -f "$TARBALL" "$TARBALL.part"
tar -C "$R" --numeric-owner --xattrs --xattrs-include='*' --sort=name -cpf - . | zstd -q -T0 -o "$TARBALL.part"
mv "$TARBALL.part" "$TARBALL"

step "data partition (ext4, 1 GiB)"
mkfs.ext4 -q -F -t ext4 -E root_owner=0:0 -L data -d "$DATA" "$OUT/data-arm64.ext4" 1024M >/dev/null
(cd "$OUT" && sha256sum "$(basename "$TARBALL")" > "$(basename "$TARBALL").sha256" \
  && sha256sum data-arm64.ext4 > data-arm64.ext4.sha256)

used_mib=$(du -sm --apparent-size "$R" | cut -f1)
printf '\nroot file system tarball: %s\n  size %s (root file system %d MiB), data partition %s, version %s\n  built in %d s\n' \
  "$TARBALL" "$(du -h --apparent-size "$TARBALL" | cut -f1)" "$used_mib" "$OUT/data-arm64.ext4" "$VERSION" "$((SECONDS - START))"
