#!/usr/bin/env bash
# Create .venv with the machine's python3. Debian's own python3 ships without the venv module (it is
# in the python3-venv package): as root, install that with apt-get and try again; otherwise say how.
set -eu
python3 -m venv .venv 2>/dev/null && exit 0
rm -rf .venv
echo "'python3 -m venv' failed."
if "$(dirname "$0")/apt_install.sh" python3-venv && python3 -m venv .venv; then
    exit 0
fi
rm -rf .venv
echo "error: cannot create .venv with 'python3 -m venv' (Debian/Ubuntu: sudo apt-get install python3-venv)" >&2
exit 1
