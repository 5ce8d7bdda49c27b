"""`python -m dieuhanh.manage` — Django's management commands, for developers."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
    from django.core.management import execute_from_command_line

    # `runserver` is a server process: the apps' start-up repairs run first (core/platform.py,
    # `run_start_hooks`), in the process that serves (the reloader's child, or the only one with
    # --noreload), as `dieuhanh serve` and `dieuhanh worker` do. Other commands do not run them.
    if sys.argv[1:2] == ["runserver"] and (os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv):
        import django

        django.setup()
        from dieuhanh.core.platform import run_start_hooks

        run_start_hooks("runserver")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
