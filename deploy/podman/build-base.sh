#!/usr/bin/env bash
# Build the local base image every Portico image can start FROM when no registry is reachable:
# Debian bookworm from Debian's own packages (mmdebstrap), Python 3.11 in a venv at /opt/python
# (on PATH, so `python` and `pip` work as in python:3.11-slim), and the libraries WeasyPrint needs
# (Pango, HarfBuzz, DejaVu fonts).
#
#   deploy/podman/build-base.sh [IMAGE]     # default localhost/portico-base:bookworm
#
# Cached: the image is labelled with a hash of this script and rebuilt only when the script changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
image="${1:-localhost/portico-base:bookworm}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
key="$(sha256sum "$0" | cut -c1-16)"

if [ "$(podman image inspect --format '{{ index .Labels "portico.base.key" }}' "$image" 2>/dev/null || true)" = "$key" ]; then
  echo "$image is up to date ($key)"
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing: apt-get install mmdebstrap" >&2; exit 1; }

mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
packages=(
  python3.11 python3-venv ca-certificates passwd tzdata
  # WeasyPrint (the documents service renders PDFs): Pango with FreeType, HarfBuzz subsetting, fonts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
)
rootfs="$(mktemp -d)/base.tar"
trap 'rm -rf "$(dirname "$rootfs")"' EXIT

mmdebstrap --quiet --variant=apt --include="$(IFS=,; echo "${packages[*]}")" \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook='chroot "$1" python3.11 -m venv /opt/python' \
  bookworm "$rootfs" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main"

podman import --quiet \
  --change 'ENV PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL portico.base.key=$key" \
  --change 'CMD ["python3"]' \
  "$rootfs" "$image" >/dev/null
echo "$image built ($key)"
