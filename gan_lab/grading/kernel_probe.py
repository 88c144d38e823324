"""Run one probe inside a graded kernel and write its data where the grader asked.

The grader executes this file by path with ``exec`` after the learner's notebook ran,
with ``PROBE_REQUEST`` (a dict) and ``USER_NAMESPACE`` (the learner's globals) in its
globals. It first drops every ``gan_lab`` module from ``sys.modules`` and imports
``gan_lab`` again from disk, then loads the probe module by its file path, so a notebook
that replaced or patched ``gan_lab.checks`` does not change what the probe does. The data
goes to a file whose random name the learner's code could not know when it ran.
"""

import importlib
import importlib.util
import json
import os
import sys
import time


def _reimport_gan_lab():
    for name in [name for name in sys.modules if name == "gan_lab" or name.startswith("gan_lab.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    importlib.import_module("gan_lab")
    return importlib.import_module("gan_lab.checks.probes.common")


def _load_by_path(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(request, namespace):
    """Run ``request["probe"]`` from the file ``request["probe_file"]``; write JSON to ``request["out"]``."""
    started = time.monotonic()
    common = _reimport_gan_lab()
    probes = _load_by_path(request["probe_file"], f"_gan_lab_probe_{request['token']}")
    data = common.run_probe(getattr(probes, request["probe"]), namespace)
    data["probe_seconds"] = round(time.monotonic() - started, 3)
    temporary = request["out"] + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, request["out"])


run(PROBE_REQUEST, USER_NAMESPACE)  # noqa: F821 (both are given by the grader's exec call)
