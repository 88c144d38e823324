"""Autograding: student copies of the lessons, and grading submissions in a fresh kernel.

``gan_lab.checks`` defines what is checked, and this package how: executing a notebook
(``execute``), running the probes inside its kernel (``probing``), and writing scores in
the Gradescope format (``results``).
"""
