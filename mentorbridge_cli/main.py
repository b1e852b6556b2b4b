"""The `mentorbridge` admin command: one entry point, one command group per concern.

Errors the product raises on purpose (bad input, mapping gaps, HRIS refusals or outages) end the
command with a one-line message and exit status 2; they never print secrets or a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from mentorship.errors import MentorbridgeError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mentorbridge", description="mentorbridge administration")
    commands = parser.add_subparsers(dest="command", required=True)
    from mentorbridge_cli import bamboohr

    bamboohr.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, out=sys.stdout))
    except MentorbridgeError as error:
        print(f"mentorbridge: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        print(f"mentorbridge: invalid settings: {where}: {first['msg']}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
