"""irctest controller for ChatDaemon's IRC listener.

irctest (https://github.com/progval/irctest) imports this module by name (pytest's
``--controller chatdaemon_controller``, with this folder on PYTHONPATH) and calls
``get_irctest_controller_class()``. For each test case the controller starts one daemon built
from this repository, listening for IRC on the address irctest picked, and stops it afterwards.

The daemon is found through $CHATDAEMON_BIN (conformance/irctest/run sets it to the build it
made); it runs in the foreground, as it does without systemd, in a scratch directory of its own.
"""

from __future__ import annotations

import os
from pathlib import Path
import shutil
from typing import Optional, Set, Type

from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController


# The server name irctest's tests expect in replies that name the server (RPL_WHOISSERVER,
# RPL_WHOREPLY): every bundled controller configures its server with it.
SERVER_NAME = "My.Little.Server"

# Settings passed as --Section:Key=VALUE, each for a reason:
DAEMON_SETTINGS = [
    f"--Irc:ServerName={SERVER_NAME}",
    # irctest clients send their lines in quick bursts (a test may flood a channel or register
    # a dozen clients at once from 127.0.0.1); the production rate limit would stall them and
    # the per-address connection cap could refuse them. Neither limit is under test here.
    "--Limits:LinesPerSecond=0",
    "--Limits:MaxConnectionsPerAddress=0",
    # A test that reads the MOTD gets a known one-line text (RPL_MOTD is checked for form only).
    "--Chat:Motd=irctest against ChatDaemon",
]


class ChatDaemonController(BaseServerController, DirectoryBasedController):
    software_name = "ChatDaemon"
    supported_sasl_mechanisms: Set[str] = set()
    supports_sts = False

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        # Features the daemon does not have: say so, and irctest skips the test case (every such
        # case is also deselected by name in deselected.txt, so a run shows no skip).
        if password is not None:
            raise NotImplementedByController("server password (PASS is accepted and ignored)")
        if ssl:
            raise NotImplementedByController("TLS listener")
        if run_services:
            raise NotImplementedByController("services")
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("WebSocket")
        assert self.proc is None

        binary = os.environ.get("CHATDAEMON_BIN")
        if not binary or not Path(binary).is_file():
            raise RuntimeError(
                "CHATDAEMON_BIN must name the built chatdaemon binary "
                "(conformance/irctest/run sets it)"
            )

        self.hostname = hostname
        self.port = port
        self.create_config()
        assert self.directory is not None
        # An empty configuration file, so that a /etc/chatdaemon/chatdaemon.json on the machine
        # cannot change the run; the command line gives everything that matters.
        config = self.directory / "chatdaemon.json"
        config.write_text("{}")

        faketime_cmd = []
        if faketime and shutil.which("faketime"):
            faketime_cmd = ["faketime", "-f", faketime]
            self.faketime_enabled = True

        self.proc = self.execute(
            [
                *faketime_cmd,
                binary,
                "run",
                "--config",
                config,
                "--listen",
                f"irc={hostname}:{port}",
                *DAEMON_SETTINGS,
            ],
            cwd=self.directory,
            # Not under systemd: no readiness protocol, no journal (the log goes to stderr,
            # which irctest shows when IRCTEST_DEBUG_LOGS=1).
            env={
                k: v
                for k, v in os.environ.items()
                if k not in ("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "INVOCATION_ID", "JOURNAL_STREAM")
            },
        )


def get_irctest_controller_class() -> Type[ChatDaemonController]:
    return ChatDaemonController
