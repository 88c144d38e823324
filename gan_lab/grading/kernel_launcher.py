"""Start a Jupyter kernel with a memory limit: ``python kernel_launcher.py BYTES -- KERNEL_COMMAND...``.

Run by path, not as ``python -m gan_lab...``, so the launcher does not import TensorFlow
before it sets the limit. ``RLIMIT_AS`` caps the kernel's address space and survives the
``exec`` into the kernel. An allocation beyond it fails with ``MemoryError`` in the
learner's cell instead of exhausting the machine. A limit of 0 means no limit. Platforms
without the ``resource`` module (Windows) start the kernel without a limit.

On POSIX the launcher also makes the kernel the leader of a new session, unless the caller
started it as one (jupyter_client 8 does), so the kernel's process group holds it and the
processes that learner code starts, and the grader can kill them all together.
"""

import os
import sys


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: kernel_launcher.py BYTES -- KERNEL_COMMAND...")
    limit = int(argv[1])
    command = argv[3:]
    if hasattr(os, "setsid") and os.getsid(0) != os.getpid():
        os.setsid()
    if limit > 0:
        try:
            import resource
        except ImportError:
            print("kernel_launcher: no resource module, so the kernel runs without a memory limit", file=sys.stderr)
        else:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
