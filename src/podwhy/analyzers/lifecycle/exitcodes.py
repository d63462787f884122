"""What a container's exit code means: the POSIX shell conventions (0-127, 126 and 127 from the shell's exec)
and 128+N for a process killed by signal N, which is how runc/containerd report a signalled process
(containerd pkg/cri/server/events.go: exit status = 128 + signal; Linux signal numbers, signal(7)).
"""

from __future__ import annotations

# Linux x86-64/arm64 signal numbers (signal(7)); the ones a container is commonly killed by.
SIGNALS = {
    1: ("SIGHUP", "hang-up"),
    2: ("SIGINT", "interrupted"),
    3: ("SIGQUIT", "quit, often with a core dump"),
    4: ("SIGILL", "illegal instruction: a binary built for a newer CPU than the node's, or corrupt"),
    5: ("SIGTRAP", "trace trap"),
    6: ("SIGABRT", "abort(): a failed assertion, a C/C++ runtime or JVM abort, glibc detecting heap corruption"),
    7: ("SIGBUS", "bus error: a memory-mapped file truncated under it, or /dev/shm full"),
    8: ("SIGFPE", "arithmetic error (division by zero)"),
    9: ("SIGKILL", "killed outright: the kernel OOM killer, or the kubelet/runtime after the grace period "
                   "of a stop (liveness probe, deletion, preemption)"),
    11: ("SIGSEGV", "segmentation fault: the process touched memory it does not own (native code crash)"),
    13: ("SIGPIPE", "wrote to a closed pipe or socket"),
    14: ("SIGALRM", "alarm clock"),
    15: ("SIGTERM", "asked to stop: the kubelet's stop (liveness probe failure, deletion, eviction) or the app's "
                    "own supervisor"),
}

_CODES = {
    0: "exited successfully",
    1: "general error: the application itself reported a failure (read its last log lines)",
    2: "misuse of a shell builtin or invalid command-line arguments",
    126: "the command was found but could not be executed (permission denied, or not a binary)",
    127: "command not found: the shell could not find the program (PATH, typo, missing from the image)",
    128: "the runtime could not start the process, or the program exited with an invalid status",
    255: "exit status out of range (exit(-1)), or an SSH/Go runtime fatal error",
}


def signal_of(exit_code: int, signal: int = 0) -> int:
    """The signal that killed the process: status.signal when the runtime fills it, else 128+N."""
    if signal:
        return signal
    return exit_code - 128 if 128 < exit_code < 128 + 65 else 0


def meaning(exit_code: int, signal: int = 0) -> str:
    """`137 = 128+9 SIGKILL: killed outright: ...`, `1: general error: ...`."""
    sig = signal_of(exit_code, signal)
    if sig:
        name, why = SIGNALS.get(sig, (f"signal {sig}", "killed by a signal"))
        return f"{exit_code} = 128+{sig} {name}: {why}"
    return f"{exit_code}: {_CODES.get(exit_code, 'an application-defined failure code (see its documentation)')}"
