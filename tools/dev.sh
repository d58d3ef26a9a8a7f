#!/bin/sh
# Set up a fresh Debian/Ubuntu machine (as root) and run a nox session: `sh tools/dev.sh demo`,
# `sh tools/dev.sh tests`, or any session name from `nox -l` followed by its arguments.
set -eu
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES="python3 python3-venv python3-pip chromium xvfb xauth openbox xdotool x11-utils
  imagemagick xclip dbus dbus-x11 libglib2.0-bin python3-gi gir1.2-glib-2.0 libwebkit2gtk-4.1-0
  libgtk-3-0 libayatana-appindicator3-1"

missing=""
for pkg in $SYSTEM_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages:$missing — run this script as root (or apt-get install them)" >&2
    exit 1
  fi
  echo "installing system packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x .venv-tools/bin/nox ]; then
  python3 -m venv .venv-tools
  .venv-tools/bin/pip install -q --upgrade pip
  .venv-tools/bin/pip install -q "nox>=2024.4"
fi

session="${1:-tests}"
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
  exec .venv-tools/bin/nox -s "$session" -- "$@"
fi
exec .venv-tools/bin/nox -s "$session"
