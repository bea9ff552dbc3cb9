#!/usr/bin/env bash
# The two update bundles of the boot test's A/B flow, made from the image's own slot image (out/image/rootfs-amd64.ext4)
# and signed with the development update CA (out/image/update-ca) by tools/update-bundle:
#   DIR/good.raucb  version GOOD: the same root file system, its /usr/lib/appliance/image-version saying GOOD
#   DIR/bad.raucb   version BAD: the same, but its host cannot start (Appliance.Host replaced by a script that exits 1)
# The copies are edited with debugfs (no mount, no loop device).
#   image/boot-test-bundles.sh ROOTFS DIR GOOD BAD CA_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 5 ]] || { echo "usage: $0 ROOTFS DIR GOOD_VERSION BAD_VERSION CA_DIR" >&2; exit 2; }
ROOTFS=$1 DIR=$2 GOOD=$3 BAD=$4 CA=$5
HOST=/usr/lib/appliance/host/Appliance.Host
VERSION_FILE=/usr/lib/appliance/image-version

# Replaces PATH in the ext4 image IMAGE by the local file FILE, owned by root with MODE.
put() { # IMAGE FILE PATH MODE
  debugfs -w -f - "$1" > /dev/null 2>&1 <<COMMANDS
rm $3
write $2 $3
set_inode_field $3 mode 0100$4
set_inode_field $3 uid 0
set_inode_field $3 gid 0
COMMANDS
}
# The content of PATH in IMAGE.
content() { debugfs -R "cat $2" "$1" 2>/dev/null; }

variant() { # NAME VERSION [broken]
  local image=$DIR/$1.ext4 start=$SECONDS
  cp --sparse=always "$ROOTFS" "$image"
  printf '%s\n' "$2" > "$DIR/$1.version"
  put "$image" "$DIR/$1.version" "$VERSION_FILE" 644
  [[ "$(content "$image" "$VERSION_FILE")" == "$2" ]] || { echo "bundles: $1: the version file was not replaced" >&2; exit 1; }
  if [[ "${3:-}" == broken ]]; then
    printf '#!/bin/sh\necho "Appliance.Host: this image'"'"'s host is broken on purpose (boot test: automatic rollback)" >&2\nexit 1\n' > "$DIR/$1.host"
    put "$image" "$DIR/$1.host" "$HOST" 755
    content "$image" "$HOST" | grep -q "broken on purpose" || { echo "bundles: $1: the host was not replaced" >&2; exit 1; }
  fi
  e2fsck -fn "$image" > /dev/null 2>&1 || { echo "bundles: $1: the edited file system does not check clean" >&2; exit 1; }
  tools/update-bundle/appliance-bundle build --rootfs "$image" --version "$2" --compatible appliance-amd64 \
    --cert "$CA/signing.cert.pem" --key "$CA/signing.key.pem" --keyring "$CA/ca.cert.pem" --out "$DIR/$1.raucb" 2>&1 |
    grep -v '^rauc-Message' || true
  [[ -s "$DIR/$1.raucb" ]] || { echo "bundles: $1: no bundle" >&2; exit 1; }
  rm -f "$image" "$DIR/$1.version" "$DIR/$1.host"
  echo "bundle $2 ($1${3:+, $3 host}): $(du -m "$DIR/$1.raucb" | cut -f1) MiB in $((SECONDS - start)) s"
}

variant good "$GOOD"
variant bad "$BAD" broken
