"""A plugin that forgot to implement one method its contract requires."""

import csv
import io


class Exporter:
    def export(self, rows: list) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue()


def register(host: object) -> None:
    host.add(Exporter())
