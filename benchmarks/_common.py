"""What the benchmark scripts share: the repository root, a step in a quiet child process, the one-line report,
the machine's description."""

import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine():
    """``"<n> CPU cores, <processor model>"``: step counts per CPU-second differ between machines."""
    model = platform.processor() or "unknown processor"
    try:
        with open("/proc/cpuinfo") as file:
            model = next(line.split(":", 1)[1].strip() for line in file if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPU cores, {model}"


def run_quiet(command, label):
    """Runs ``command`` from the repository root with TensorFlow's C++ logging off.

    Args:
        command: the argument list (``[sys.executable, script, flags...]``).
        label: what failed, for the message.

    Returns:
        The finished ``subprocess.CompletedProcess`` (stdout and stderr captured as text).

    Raises:
        SystemExit: with the end of the child's stderr when it exits non-zero.
    """
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stderr[-3000:]}")
    return result


def print_and_exit(report, targets):
    """Prints ``report`` and its ``targets`` ({name: met}) as one JSON line; exits 1 if any target was missed."""
    print(json.dumps({**report, "targets": targets}), flush=True)
    if not all(targets.values()):
        sys.exit(1)
