#!/usr/bin/env bash
# Make sure Graphviz's `dot` program is on PATH (the python `graphviz` package only calls it).
# If it is missing: as root on a Debian-like system, install it with apt-get;
# otherwise print how to install it on each platform and exit 1.
# ENSURE_DOT_NO_INSTALL=1 skips the install attempt (used to test the message).
set -eu

if command -v dot >/dev/null 2>&1; then
    exit 0
fi

if [ "${ENSURE_DOT_NO_INSTALL:-0}" != 1 ] && [ "$EUID" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log="${TMPDIR:-/tmp}/tinygrad_rnn-apt-graphviz.log"
    echo "Graphviz 'dot' not found: installing the graphviz package with apt-get (log: $log)"
    if apt-get update -qq >"$log" 2>&1 &&
       DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >>"$log" 2>&1 &&
       command -v dot >/dev/null 2>&1; then
        exit 0
    fi
    echo "error: apt-get could not install graphviz; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    exit 1
fi

{
    echo "error: Graphviz's \`dot\` program is not on PATH (needed to render the graph drawings)."
    echo "Install the Graphviz package, then run make again:"
    echo "    Debian/Ubuntu:  sudo apt-get install graphviz"
    echo "    Fedora:         sudo dnf install graphviz"
    echo "    macOS:          brew install graphviz"
    echo "    conda:          conda install -c conda-forge graphviz"
} >&2
exit 1
