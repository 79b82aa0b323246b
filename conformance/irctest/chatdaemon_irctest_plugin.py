"""pytest plugin that runs irctest's server tests against ChatDaemon, with our deselections.

irctest's own conftest.py wires a controller into its test cases, but it uses a hook wrapper
style (``hookimpl(wrapper=True)``) that needs pluggy 1.2; the pytest that Debian 12 ships (7.2,
pluggy 1.0) cannot load it, and PyPI is out of reach here. So conformance/irctest/run starts
pytest with ``--noconftest -p chatdaemon_irctest_plugin`` and this plugin does that wiring for
the one controller we have, plus what irctest has no notion of: a list of deselected tests,
each with its reason, kept in deselected.txt beside this file.
"""

from __future__ import annotations

import fnmatch
import importlib
from pathlib import Path
from typing import List, Tuple

import pytest

# irctest's assertion helpers live in irctest.cases; rewriting them makes a failure show the
# compared values. It must happen before anything imports that module.
pytest.register_assert_rewrite("irctest.cases")

DESELECTED_FILE = Path(__file__).with_name("deselected.txt")


def read_deselections(path: Path) -> List[Tuple[str, str]]:
    """Lines of ``PATTERN  # reason``; PATTERN is a test's node id relative to irctest's root
    (``irctest/server_tests/FILE.py::CLASS::TEST[PARAM]``) in which '*' stands for any run of
    characters. A line without a reason is an error: every skip must say why."""
    entries: List[Tuple[str, str]] = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            raise pytest.UsageError(f"{path}:{number}: a deselected test needs a reason after '#'")
        entries.append((pattern.strip(), reason.strip()))
    return entries


def matches(pattern: str, nodeid: str) -> bool:
    # fnmatch with '[' taken literally (parametrized ids hold brackets): '*' and '?' stay wildcards.
    return fnmatch.fnmatchcase(nodeid, pattern.replace("[", "[[]"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--controller", help="module with get_irctest_controller_class()")
    parser.addoption(
        "--deselected-file",
        default=str(DESELECTED_FILE),
        help="the list of deselected tests with their reasons",
    )
    parser.addoption(
        "--only-deselected",
        action="store_true",
        help="run only the tests the list deselects (to find entries that pass and should go)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from irctest.basecontrollers import BaseServerController
    from irctest.cases import _IrcTestCase

    name = config.getoption("controller")
    if not name:
        raise pytest.UsageError("--controller is required")
    controller_class = importlib.import_module(name).get_irctest_controller_class()
    if not issubclass(controller_class, BaseServerController):
        raise pytest.UsageError(f"{name}: only server controllers are supported")
    _IrcTestCase.controllerClass = controller_class
    _IrcTestCase.controllerClass.openssl_bin = "openssl"
    # Show each test's IRC traffic in a failure's report.
    _IrcTestCase.show_io = True


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: List[pytest.Item]) -> None:
    from irctest.cases import BaseServerTestCase

    entries = read_deselections(Path(config.getoption("deselected_file")))
    used = set()
    kept: List[pytest.Item] = []
    dropped: List[pytest.Item] = []
    for item in items:
        cls = getattr(item, "cls", None)
        # irctest also holds client tests (a mock server driving an IRC client); we are a server.
        if cls is None or not issubclass(cls, BaseServerTestCase):
            dropped.append(item)
            continue
        matched = [pattern for pattern, _ in entries if matches(pattern, item.nodeid)]
        if matched:
            used.update(matched)
        if bool(matched) == bool(config.getoption("only_deselected")):
            kept.append(item)
        else:
            dropped.append(item)
    # A pattern that matches nothing any more is stale: the summary names it, so the list stays
    # the truth. (With a narrower -k or -m than the CI's, some patterns are stale by design.)
    stale = [pattern for pattern, _ in entries if pattern not in used]
    config._chatdaemon_stale_deselections = stale  # type: ignore[attr-defined]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    stale = getattr(config, "_chatdaemon_stale_deselections", [])
    if stale:
        terminalreporter.write_line(
            "deselected.txt patterns that matched no collected test: " + ", ".join(stale)
        )
