#!/usr/bin/env bash
# Make sure Graphviz's `dot` program is on PATH (the python `graphviz` package only calls it).
# If it is missing: as root on a Debian-like system, install it with apt-get;
# otherwise print how to install it on each platform and exit 1.
set -eu
command -v dot >/dev/null 2>&1 && exit 0
echo "Graphviz's 'dot' was not found."
if "$(dirname "$0")/apt_install.sh" graphviz && command -v dot >/dev/null 2>&1; then
    exit 0
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
