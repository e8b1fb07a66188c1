#!/usr/bin/env bash
# apt_install.sh PACKAGE: install a Debian package quietly, as root with apt-get. Prints one line of
# what it does; on failure prints the end of its log. Exits 1 when this machine cannot do it (not
# root, no apt-get, or APT_INSTALL_OFF=1, which the tests use), so the caller can explain instead.
set -eu
package=$1
if [ "${APT_INSTALL_OFF:-0}" = 1 ] || [ "$EUID" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    exit 1
fi
log="${TMPDIR:-/tmp}/tinygrad_rnn-apt-$package.log"
echo "installing the $package package with apt-get (log: $log)"
if apt-get update -qq >"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >>"$log" 2>&1; then
    exit 0
fi
echo "error: apt-get could not install $package; last lines of $log:" >&2
tail -n 15 "$log" >&2
exit 1
