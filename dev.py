#!/usr/bin/env python3
"""Tumen's front door on a fresh machine: needs only Python 3.11+.

    python3 dev.py demo    create .venv, install, migrate, load the 1963 scenario, serve the demo
    python3 dev.py test    create .venv, install, run the whole test suite (DATABASE_URL picks
                           the engine; SQLite by default)
    python3 dev.py setup   only create/refresh .venv

Anything after the command is passed on (`python3 dev.py test -k audit`, `python3 dev.py demo
--addrport 127.0.0.1:8080`). The virtual environment is reinstalled only when pyproject.toml
changes, so repeated runs start quickly.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".tumen-installed"


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py runs under any python3)
        sys.exit(f"Tumen needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing Tumen and its test tools into .venv (first run only) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(digest)


def run(args: list[str]) -> int:
    return subprocess.run(args, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "setup"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    if command == "demo":
        return run([str(BIN / "tumen"), "demo", *rest])
    if command == "test":
        # One worker per core (pytest-xdist) unless the caller chose: the suite is CPU-bound.
        chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) for a in rest)
        parallel = [] if chosen or "no:xdist" in rest else ["-n", "auto"]
        return run([str(PYTHON), "-m", "pytest", *parallel, *rest])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(
            f"dev.py: {' '.join(map(str, exc.cmd[:4]))} … failed with exit code {exc.returncode}."
        )
    except KeyboardInterrupt:
        sys.exit(130)
