"""The set-up scripts behind `make test` / `make demo`: what they do when dot or the venv module is missing.

Each runs with a PATH of our own making (a few real tools plus fakes), so nothing is installed.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def tool_dir(tmp_path, fakes=None):
    """A bin directory with bash, dirname and tail, and fake programs {name: bash body}."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "tail", "rm", "mkdir", "touch"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    for name, body in (fakes or {}).items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def run(script, tmp_path, bin_dir, **env):
    return subprocess.run([str(bin_dir / "bash"), str(SCRIPTS / script)], cwd=tmp_path, capture_output=True,
                          text=True, env={"PATH": str(bin_dir), **env})


def test_ensure_dot_names_the_package_for_each_platform_when_it_cannot_install(tmp_path):
    done = run("ensure_dot.sh", tmp_path, tool_dir(tmp_path), APT_INSTALL_OFF="1")
    assert done.returncode == 1
    for line in ("sudo apt-get install graphviz", "sudo dnf install graphviz", "brew install graphviz",
                 "conda install -c conda-forge graphviz"):
        assert line in done.stderr


def test_ensure_dot_is_silent_when_dot_is_there(tmp_path):
    done = run("ensure_dot.sh", tmp_path, tool_dir(tmp_path, {"dot": "exit 0"}))
    assert done.returncode == 0 and done.stdout == done.stderr == ""


FAILING_VENV = 'if [ "$1 $2" = "-m venv" ] && [ ! -f installed ]; then exit 1; fi; mkdir -p "$3/bin"'


def test_make_venv_explains_python3_venv_when_it_cannot_install(tmp_path):
    done = run("make_venv.sh", tmp_path, tool_dir(tmp_path, {"python3": FAILING_VENV}), APT_INSTALL_OFF="1")
    assert done.returncode == 1
    assert "sudo apt-get install python3-venv" in done.stderr
    assert not (tmp_path / ".venv").exists()                   # no half-made environment left behind


@pytest.mark.skipif(os.geteuid() != 0, reason="the apt-get path runs only as root")
def test_make_venv_installs_python3_venv_as_root_and_retries(tmp_path):
    fakes = {"python3": FAILING_VENV, "apt-get": 'if [[ "$*" == *python3-venv* ]]; then touch installed; fi'}
    done = run("make_venv.sh", tmp_path, tool_dir(tmp_path, fakes))
    assert done.returncode == 0, done.stderr
    assert "installing the python3-venv package with apt-get" in done.stdout
    assert (tmp_path / ".venv" / "bin").is_dir()


CI_RUN = SCRIPTS.parent / ".ci" / "run"
RECORD = 'echo "$(basename "$0") $*" >> "$LOG"'


def run_ci(tmp_path, fakes, **env):
    """.ci/run with fake make and apt-get that only record their arguments in $LOG; returns (result, log)."""
    bin_dir = tool_dir(tmp_path, {"make": RECORD, "apt-get": RECORD, "basename": 'echo "${1##*/}"', **fakes})
    log = tmp_path / "calls.log"
    done = subprocess.run([str(bin_dir / "bash"), str(CI_RUN)], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": str(bin_dir), "LOG": str(log), "TMPDIR": str(tmp_path), **env})
    return done, log.read_text().splitlines() if log.exists() else []


@pytest.mark.skipif(os.geteuid() != 0, reason="the apt-get path runs only as root")
def test_ci_installs_chromium_when_missing_then_runs_the_tests(tmp_path):
    done, calls = run_ci(tmp_path, {})
    assert done.returncode == 0, done.stderr
    assert "installing the chromium package with apt-get" in done.stdout
    assert calls == ["apt-get update -qq", "apt-get install -y -qq chromium", "make test"]


def test_ci_leaves_an_installed_chromium_alone(tmp_path):
    done, calls = run_ci(tmp_path, {"chromium": "exit 0"})
    assert done.returncode == 0 and calls == ["make test"] and done.stdout == ""


def test_ci_runs_the_tests_when_it_cannot_install_chromium(tmp_path):
    done, calls = run_ci(tmp_path, {}, APT_INSTALL_OFF="1")
    assert done.returncode == 0 and calls == ["make test"]
    assert "the browser check of the tour page will be skipped" in done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_the_plots_extra():
    done = subprocess.run(["make", "-n", "-B", "demo"], cwd=SCRIPTS.parent, capture_output=True, text=True)
    assert "pip install -q -e '.[dev,plots]'" in done.stdout        # real plots, not text charts
    assert "demos/tour.py" in done.stdout
