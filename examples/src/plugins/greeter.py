"""A plugin that honours its contract."""

import json

PLUGIN_NAME = "greeter"


class Greeter:
    def greet(self, name: str) -> str:
        return json.dumps({"greeting": f"Hello, {name}!"})


def register(host: object) -> None:
    host.add(Greeter())
