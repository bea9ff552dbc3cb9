#!/usr/bin/env bash
# The packages of image/packages.list for one architecture, one per line: a line without a tag is for every
# architecture, "[amd64]" or "[arm64]" limits it to that one. An unknown architecture or tag is an error.
#   image/packages.sh amd64|arm64 [LIST]
set -euo pipefail
arch=${1:-} list=${2:-$(dirname "$0")/packages.list}
[[ "$arch" == amd64 || "$arch" == arm64 ]] || { echo "packages.sh: architecture amd64 or arm64, not '$arch'" >&2; exit 2; }
sed -e 's/#.*//' "$list" | awk -v a="$arch" '
  NF == 0 { next }
  NF > 2 || (NF == 2 && $2 !~ /^\[(amd64|arm64)\]$/) { printf "packages.sh: line %d: %s\n", NR, $0 > "/dev/stderr"; bad = 1; next }
  NF == 1 || $2 == "[" a "]" { print $1 }
  END { exit bad }'
