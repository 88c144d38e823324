"""Autograding: student copies of the lessons, and grading submissions in a fresh kernel.

``gan_lab.checks`` holds what is checked; this package holds how: executing a notebook
(``execute``), running the probes inside its kernel (``probing``), and writing scores in
the Gradescope format (``results``).
"""
