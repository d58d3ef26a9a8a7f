"""``python -m wry_native.host --dir DIR --parent PID``: the child process that owns the windows.

SIGTERM (notes/native-linux.md Q8): a Python signal handler never runs while the main thread
sits in the GTK loop, so the handler here does nothing and ``signal.set_wakeup_fd`` does the
work: the C-level handler writes the signal's number to a pipe on whichever thread takes it,
and a thread reading that pipe turns it into a clean ``AppHandle.exit``. The signal is not
blocked (the other way the notes found): a blocked mask is inherited across ``exec``, and the
WebKit helpers then ignored SIGTERM until the host was gone. The parent-death signal is set
at once, then checked against a parent that died before it was set. The protocol stream is a
private copy of fd 1; fd 1 itself points at stderr, so a stray ``print`` from any library
cannot corrupt the wire.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _catch_sigterm() -> int:
    """Make SIGTERM write to a pipe (see the module docstring); return the pipe's read end."""
    read_end, write_end = os.pipe2(os.O_CLOEXEC)
    os.set_blocking(write_end, False)
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    return read_end


#: The most descriptors the host asks for when the hard limit is unlimited (Linux's default
#: ``fs.nr_open``).
MAX_OPEN_FILES = 1 << 20


def _raise_open_files_limit() -> None:
    """Let the host hold as many descriptors as the hard limit allows.

    A safeguard: a WebKit whose libraries ``host_view_release`` does not find keeps a descriptor
    for every window the host ever opened (docs/transports/native.md), and under the usual
    soft limit of 1,024 the host would fail after some 900 windows. Nothing in the host uses
    ``select()``, which the soft limit protects.
    """
    try:
        import resource
    except ImportError:  # not a POSIX system
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_OPEN_FILES if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        # the system may allow less (fs.nr_open): the limit then stays as it was
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _prepare_process(parent_pid: int) -> tuple[int, int]:
    """Catch SIGTERM, ignore SIGINT, arm the parent-death signal, allow more descriptors.

    Returns the protocol fd and the fd SIGTERM is reported on.
    """
    sigterm_fd = _catch_sigterm()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the parent
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if parent_pid and os.getppid() != parent_pid:
            os._exit(0)  # the parent is already gone
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    _raise_open_files_limit()
    _software_rendering_defaults()
    return protocol_fd, sigterm_fd


def _software_rendering_defaults() -> None:
    """Without a GPU render node (Xvfb, CI, most VMs) use WebKit's shared-memory renderer.

    Measured under Xvfb: the DMA-BUF renderer's software path costs a web process about
    50 MB more PSS (137 MB vs 85 MB) for the same page. A user's own setting wins.
    """
    if sys.platform.startswith("linux") and not os.path.exists("/dev/dri"):
        os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")


def main(argv: list[str] | None = None) -> int:
    """Run the host until stdin closes, SIGTERM arrives or the parent dies."""
    parser = argparse.ArgumentParser(prog="python -m wry_native.host")
    parser.add_argument("--dir", required=True, help="a private directory the parent created")
    parser.add_argument("--parent", type=int, default=0, help="the parent's pid")
    args = parser.parse_args(argv)
    protocol_fd, sigterm_fd = _prepare_process(args.parent)

    from wry_native.host_app import run_host  # imports pytauri: after the signal setup

    code = run_host(args.dir, protocol_fd, sigterm_fd)
    # Skip interpreter finalisation: a daemon thread is blocked reading stdin, and finalising
    # around it aborts the process (rc -6). Everything worth flushing has been flushed.
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
