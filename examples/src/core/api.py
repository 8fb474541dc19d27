"""The host's public API that plugins build on."""

API_VERSION = 2


class Host:
    def __init__(self) -> None:
        self.plugins: list[object] = []

    def add(self, plugin: object) -> None:
        self.plugins.append(plugin)
