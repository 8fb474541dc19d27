"""A plugin that pulls in a dependency its policy forbids."""

import yaml


def fetch(document: str) -> dict:
    return yaml.safe_load(document)
