"""`gongzhi`: the one entry point for operators.

gongzhi demo [--data-dir DIR] [--host H] [--port P]   demo data + production server
gongzhi serve [--host H] [--port P] [--workers N]     production server (needs SECRET_KEY)
gongzhi migrate | import-divisions | audit verify | fund verify | … any management command
"""

from __future__ import annotations

import os
import sys


def _take_option(argv: list[str], name: str) -> str | None:
    """Remove `--name VALUE` or `--name=VALUE` from argv and return VALUE."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            value = argv[index + 1]
            del argv[index : index + 2]
            return value
        if arg.startswith(name + "="):
            del argv[index]
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir = _take_option(argv, "--data-dir")
    if data_dir:
        os.environ["GONGZHI_DATA_DIR"] = data_dir
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        argv = ["help"]
    command = argv[0].replace("-", "_")
    if command == "demo":
        os.environ["GONGZHI_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongzhi", command, *argv[1:]])


if __name__ == "__main__":
    main()
