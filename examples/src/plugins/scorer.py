"""A plugin whose scoring function drifted from the signature the host calls."""


def score(text: str):
    return len(text) / 100
