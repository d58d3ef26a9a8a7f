"""Developer tasks: the demo, the test matrix (each transport set in its own venv), lint, types,
the JS bundle, benchmarks. ``nox -s tests`` runs the whole suite."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]

CORE = "./packages/wry-core"
DISTS = {
    "native": "./packages/wry-native",
    "notebook": "./packages/wry-notebook",
    "iframe": "./packages/wry-iframe",
}
EXAMPLE_TRANSPORT = "./examples/wry-sse-transport"
TEST_DEPS = ["pytest>=8", "pytest-timeout>=2.3", "playwright>=1.45"]
KERNEL_DEPS = ["ipykernel>=6", "jupyter_client>=8"]
JUPYTER_DEPS = ["jupyterlab>=4", "notebook>=7", "nbformat>=5", *KERNEL_DEPS]
# The conformance suite on each transport; tests-all runs them together with the example transport.
CONFORMANCE = [
    "tests/conformance",
    "tests/native/test_native_conformance.py",
    "tests/iframe/test_iframe_conformance.py",
    "tests/notebook/test_notebook_conformance.py",
]


def install(session: nox.Session, transports: list[str], *extra: str) -> None:
    """Install wry-core plus the named transport distributions (not editable: as users get them)."""
    session.install(CORE, *(DISTS[t] for t in transports), *extra)


def run_tests(session: nox.Session, transports: list[str], paths: list[str]) -> None:
    """Run pytest on ``paths`` and assert that exactly these distributions are installed."""
    expected = ",".join(["wry-core", *(f"wry-{t}" for t in transports)])
    session.run(
        "pytest",
        *(session.posargs or paths),
        env={"WRY_EXPECT_DISTS": expected, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Run the live demo: a native window where a display exists, else the browser transport."""
    install(session, ["native", "iframe"])
    session.run("python", "-m", "wry.demo", *session.posargs)


@nox.session(name="tests-core")
def tests_core(session: nox.Session) -> None:
    """Core only: no transport installed."""
    install(session, [], *TEST_DEPS)
    run_tests(session, [], ["tests/core"])


@nox.session(name="tests-notebook-only")
def tests_notebook_only(session: nox.Session) -> None:
    """wry-core + wry-notebook: no pytauri-wheel, no FastAPI; includes a real JupyterLab."""
    install(session, ["notebook"], *TEST_DEPS, *JUPYTER_DEPS)
    run_tests(session, ["notebook"], ["tests/core", "tests/notebook"])


@nox.session(name="tests-iframe-only")
def tests_iframe_only(session: nox.Session) -> None:
    """wry-core + wry-iframe in headless Chromium; also the bridge bundle tests."""
    install(session, ["iframe"], *TEST_DEPS, *KERNEL_DEPS)
    run_tests(session, ["iframe"], ["tests/core", "tests/bridge", "tests/iframe"])


@nox.session(name="tests-native")
def tests_native(session: nox.Session) -> None:
    """wry-core + wry-native: real WebKitGTK windows under Xvfb and openbox."""
    install(session, ["native"], *TEST_DEPS)
    run_tests(session, ["native"], ["tests/core", "tests/native"])


@nox.session(name="tests-all")
def tests_all(session: nox.Session) -> None:
    """Everything installed: the conformance suite on native, iframe, notebook and the example."""
    install(session, list(DISTS), EXAMPLE_TRANSPORT, *TEST_DEPS, *JUPYTER_DEPS)
    run_tests(session, list(DISTS), ["tests/core", *CONFORMANCE])


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """The whole suite: lint, types, and every transport set above, each in its own venv."""
    for name in (
        "lint",
        "typecheck",
        "tests-core",
        "tests-notebook-only",
        "tests-iframe-only",
        "tests-native",
        "tests-all",
    ):
        session.notify(name)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the four packages."""
    install(session, list(DISTS), "mypy>=1.11", *TEST_DEPS)  # wry.testing is a pytest plugin
    session.run("mypy")


@nox.session(python=False)
def bundle(session: nox.Session) -> None:
    """Rebuild the JS bridge bundle from frontend/src into wry-core's package data."""
    session.run("python", "frontend/build.py", *session.posargs, external=True)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark; each prints its figures and writes benchmarks/results/*.json."""
    install(session, list(DISTS), *TEST_DEPS, *JUPYTER_DEPS)
    import pathlib

    for script in sorted(pathlib.Path("benchmarks").glob("[!_]*.py")):
        command = ["python", str(script), *session.posargs]
        if script.stem == "hot_reload":  # a display and a session bus (for the tray)
            command = ["dbus-run-session", "--", "xvfb-run", "-a", *command]
        session.run(*command, external=True)
