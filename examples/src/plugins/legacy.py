"""A plugin that only supports an interpreter this project no longer runs on."""


def migrate(record: dict) -> dict:
    return dict(record)
