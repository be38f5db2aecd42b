#!/usr/bin/env python3
"""Django's manage.py; the `tumen` command is the friendlier front door to the same commands."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
