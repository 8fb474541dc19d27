"""Reporters: each turns a Report into one place the user looks. They never run tools.

Each is independent; the orchestrator runs them one by one and a failing reporter never
stops the others (see run.py).
"""
