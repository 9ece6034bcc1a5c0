#!/usr/bin/env python3
"""Writes the Markdown block read from stdin into FILE between ``<!-- NAME:begin -->``
and ``<!-- NAME:end -->``, replacing what was there (the markers are appended at the end
of FILE when absent), the way coldstart.py writes its own section.

Usage (from the workspace root)::

    cargo run --release -q -p infra -- bench-telemetry \\
        | python infra/bench/splice.py telemetry docs/performance.md

An empty block is refused, so that a failed benchmark never blanks a section.
Only the Python standard library is used.
"""

from __future__ import annotations

import os
import sys
from typing import Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import coldstart  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or not args[0].replace("-", "").isalnum():
        print("usage: splice.py SECTION FILE < block.md", file=sys.stderr)
        return 2
    section, path = args
    block = sys.stdin.read()
    if not block.strip():
        print(f"splice: no {section} block on stdin; {path} left as it was", file=sys.stderr)
        return 1
    begin, end = coldstart.markers(section)
    try:
        coldstart.write_markdown(path, block, begin, end)
    except (OSError, ValueError) as exc:
        print(f"splice: cannot update {path}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
