"""The `tumen` command: a thin front door to Tumen's management commands.

`tumen audit verify` runs the `audit` command with `verify`; `tumen demo`, `tumen serve` and the
rest map the same way, so there is one implementation of each and `manage.py` keeps working.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "serve": ["runserver"],
    "migrate": ["migrate"],
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "verify":
        # The checkpoint's offline check: no settings, no database (tumen.authorizations.offline).
        from tumen.authorizations.offline import main as verify_offline

        raise SystemExit(verify_offline(args[1:]))
    if args and args[0] in ALIASES:
        args = ALIASES[args[0]] + args[1:]
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tumen", *args])
    except ImproperlyConfigured as exc:
        # One clear sentence instead of a traceback: the message names the setting.
        sys.stderr.write(f"tumen: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
