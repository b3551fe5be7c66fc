"""The walls around a process that evaluates queries from outside: no network, bounded memory.

`enter()` is called first thing in a forked query worker:
- network: a seccomp filter (libseccomp, through ctypes) makes `socket()`, `socketpair()` and
  `connect()` fail with EACCES for every address family, AF_UNIX included (a local resolver
  daemon such as nscd or avahi would otherwise look names up for the worker), and refuses
  io_uring (which can open sockets without `socket()`). The job pipe to the server exists before
  the filter and is the only socket kept open. It needs no privilege (libseccomp sets
  no_new_privs). Where seccomp is not available, the fallback is a new, empty network namespace
  (`unshare(CLONE_NEWUSER | CLONE_NEWNET)`: only a loopback device that is down; AF_UNIX paths
  stay reachable there); where neither works the worker refuses to evaluate anything (fail
  closed). Sockets inherited from the server are closed.
- memory: RLIMIT_AS at the worker's current size plus `memory_budget` bytes; an evaluation that
  needs more fails to allocate and the worker dies, not the server.
- output: standard error goes to /dev/null. What a runtime prints as a query exhausts the memory
  (Rust's "memory allocation failed", a backtrace where RUST_BACKTRACE is set, Python's fatal
  error) is the query's doing: the answer says what happened, in one line, and a stream of such
  queries cannot fill the server's log.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import resource

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_ACT_ERRNO = 0x00050000  # | errno
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


class SandboxUnavailable(Exception):
    """Neither seccomp nor a network namespace could be set up: nothing may be evaluated."""


def enter(memory_budget: int, keep_fds: tuple[int, ...] = ()) -> str:
    """Wall this process off; returns how the network wall was made ("seccomp" or "netns")."""
    _close_inherited_sockets(keep_fds)
    _silence_standard_error()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = _address_space() + memory_budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        _deny_network_sockets()
        return "seccomp"
    except OSError as seccomp_error:
        try:
            _unshare_network()
            return "netns"
        except OSError as netns_error:
            raise SandboxUnavailable(
                f"no network wall: seccomp ({seccomp_error}), namespace ({netns_error})"
            ) from None


def _silence_standard_error() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
    finally:
        os.close(devnull)


def _libseccomp() -> ctypes.CDLL:
    try:
        return ctypes.CDLL("libseccomp.so.2", use_errno=True)
    except OSError:  # another soname: ask the linker cache
        return ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so", use_errno=True)


def _deny_network_sockets() -> None:
    lib = _libseccomp()
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        raise OSError("seccomp_init failed")
    try:
        rules = [(name, errno.EACCES) for name in ("socket", "socketpair", "connect")]
        rules += [(name, errno.EPERM) for name in ("io_uring_setup", "io_uring_enter")]
        for syscall_name, code in rules:
            number = lib.seccomp_syscall_resolve_name(syscall_name.encode())
            if number < 0:
                continue  # an architecture without this system call
            status = lib.seccomp_rule_add(ctx, SCMP_ACT_ERRNO | code, number, 0)
            if status < 0:
                raise OSError(-status, f"seccomp rule for {syscall_name}: {os.strerror(-status)}")
        status = lib.seccomp_load(ctx)
        if status < 0:
            raise OSError(-status, f"seccomp_load: {os.strerror(-status)}")
    finally:
        lib.seccomp_release(ctx)


def _unshare_network() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"unshare: {os.strerror(code)}")


def _address_space() -> int:
    """This process's virtual size in bytes (it shares the server's pages copy-on-write)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise SandboxUnavailable("no VmSize in /proc/self/status")


def _close_inherited_sockets(keep: tuple[int, ...]) -> None:
    """Close the server's sockets (listening and client connections) in this forked child."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in keep:
            continue
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                os.close(fd)
        except OSError:
            pass  # the listing's own descriptor, already gone
