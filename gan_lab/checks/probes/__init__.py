"""Probes: the half of each check that runs the learner's code and returns plain data.

A probe takes the learner's namespace (a notebook's ``globals()``), calls the objects the
exercise requires, and returns a dict of JSON-ready values. It decides nothing: pass or
fail is the verify function's job. The grader loads these files by path inside the
learner's kernel, after the notebook ran, so they must not import ``gan_lab.checks``.
"""
