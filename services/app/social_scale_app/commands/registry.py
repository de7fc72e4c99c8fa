"""The table of `social-scale` subcommands, filled by the `command` decorator."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from social_scale_wiring.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]
AddArgs = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, Command, AddArgs]] = {}


def _no_args(parser: argparse.ArgumentParser) -> None:
    pass


def command(name: str, help_text: str, args: AddArgs = _no_args) -> Callable[[Command], Command]:
    """Register `fn` as `social-scale NAME`: `help_text` is its line in `--help`, the
    function's docstring the description of `social-scale NAME --help`."""

    def decorate(fn: Command) -> Command:
        COMMANDS[name] = (help_text, fn, args)
        return fn

    return decorate
