#!/usr/bin/env python3
"""Haven's two everyday commands, runnable with nothing but Python 3.11.

    python3 haven.py run     # install, migrate, load demo data, start web + worker + beat
    python3 haven.py test    # install, then run the whole test suite

`run` serves without Django's debug pages; developers opt in with `run --debug` (or
DJANGO_DEBUG=1). Both install what they need into the checkout (`.haven/tools` holds the
installer, `.venv` the locked dependencies) and never touch the system Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
STATE = ROOT / ".haven"
TOOLS = STATE / "tools"
VENV = ROOT / ".venv"
UV_VERSION = "0.13.8"
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"haven: {message}", flush=True)


def fail(message: str) -> None:
    print(f"haven: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def bin_path(env: Path, name: str) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_python() -> None:
    if sys.version_info[:2] != (3, 11):
        fail(f"Haven needs Python 3.11; this is {sys.version.split()[0]}. Run it with python3.11.")


def ensure_uv() -> Path:
    uv = bin_path(TOOLS, "uv")
    if uv.exists():
        return uv
    say(f"installing the package manager (uv {UV_VERSION}) into {TOOLS.relative_to(ROOT)}/ …")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    except Exception as exc:  # noqa: BLE001 - any failure here gets the same advice
        fail(
            f"could not create a virtual environment ({exc}). On Debian or Ubuntu install "
            "python3-venv (sudo apt install python3.11-venv) and run the command again."
        )
    subprocess.run(
        [str(bin_path(TOOLS, "python")), "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"],
        check=True,
    )
    return uv


def sync_dependencies() -> None:
    uv = ensure_uv()
    say("installing Haven's locked dependencies into .venv/ …")
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)}
    result = subprocess.run(
        [str(uv), "sync", "--locked", "--quiet", "--python", sys.executable],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        fail("installing dependencies failed (see above); check your network and run again.")


def ensure_chromium() -> str | None:
    """The browser tests drive Chromium; find or install one."""
    if os.environ.get("HAVEN_CHROMIUM"):
        return os.environ["HAVEN_CHROMIUM"]
    if CHROMIUM.exists():
        return str(CHROMIUM)
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Chromium for the browser tests (apt-get install chromium) …")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=apt_env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=apt_env)
        if CHROMIUM.exists():
            return str(CHROMIUM)
    say("no system Chromium: letting Playwright download its own build …")
    result = subprocess.run([str(bin_path(VENV, "playwright")), "install", "chromium"], check=False)
    if result.returncode != 0:
        fail("no browser for the browser tests: install Chromium (apt install chromium) and run again.")
    return None


def run_haven(args: list[str]) -> int:
    sync_dependencies()
    python = str(bin_path(VENV, "python"))
    os.chdir(ROOT)
    # Replace this process, so Ctrl-C and SIGTERM reach Haven's supervisor directly.
    os.execv(python, [python, "manage.py", "run_haven", *args])  # noqa: S606


def run_tests(args: list[str]) -> int:
    sync_dependencies()
    env = dict(os.environ)
    chromium = ensure_chromium()
    if chromium:
        env["HAVEN_CHROMIUM"] = chromium
    python = str(bin_path(VENV, "python"))
    os.chdir(ROOT)
    os.execve(python, [python, "-m", "pytest", *args], env)  # noqa: S606


def main(argv: list[str]) -> int:
    ensure_python()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    try:
        if command == "run":
            return run_haven(rest)
        if command == "test":
            return run_tests(rest)
        if command == "setup":
            sync_dependencies()
            return 0
    except KeyboardInterrupt:
        return 130
    fail(f"unknown command {command!r}; use `run`, `test` or `setup`.")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
