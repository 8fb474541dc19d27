"""Gates: each turns the workspace plus Settings into a GateOutcome. They never talk to GitHub.

`base.py` is the protocol, `registry.py` lists the gates; each gate lives in its own module
with its typed metrics beside it (`<gate>_metrics.py`).
"""
