"""How far the time course of each case resolves: a figure, not a test.

For every case file given (default: cases/*.yaml) it prints how many of its
timed entries are placed to an exact day, to a wider interval, or not at
all, and how many have a day number counted from day 0.

    .venv/bin/python benchmarks/timecourse.py [CASE.yaml ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from caseforge.checks import mappings
from caseforge.source import load
from caseforge.timecourse import index_event, resolve


def figures(path: Path) -> str:
    document, problems = load(path)
    if document is None:
        return f"{path}: cannot be read ({problems[0].message})"
    entries = {mapping["id"]: (pointer, mapping) for pointer, mapping in mappings(document) if isinstance(mapping.get("id"), str)}
    timed = [identifier for identifier, (_, mapping) in entries.items() if "time" in mapping or "start" in mapping]
    course = resolve(entries)
    places = [course.start.get(identifier) for identifier in timed]
    exact = sum(1 for place in places if place is not None and place.exact)
    wider = sum(1 for place in places if place is not None and not place.exact)
    zero = index_event(document.data)
    counted = sum(1 for identifier in timed if zero and course.days_from(zero, identifier) is not None)
    return (
        f"{path}: {len(timed)} timed entries: {exact} to an exact day, {wider} to a wider interval, "
        f"{len(timed) - exact - wider} undated; {counted} with a day number from day 0 ({zero})"
    )


def main() -> None:
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(Path("cases").glob("*.yaml"))
    for path in paths:
        print(figures(path))


if __name__ == "__main__":
    main()
