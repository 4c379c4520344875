"""The benchmarks' table and the description of the machine it was measured on."""

import datetime
import os
import platform
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HOW = """Made by `make bench` (`python -m bench all`; README, "Benchmarks"): gunicorn as
production runs it (`gunicorn.conf.py`: 2 workers of 4 threads) with production settings,
PostgreSQL, Redis, a Celery worker and an SMTP sink, all on 127.0.0.1. Pages are loaded
for 5 s each with 4 connections at the large data set, each between two loads of the bare
view; its ratio is its requests/s over their average. Every figure is measured in the same
run as its reference, so a busy machine lowers the rates more than the ratios."""


@dataclass
class Figure:
    name: str
    value: str
    target: str
    passed: bool | None  # None: measured, with no target of its own

    @property
    def verdict(self):
        return {True: "pass", False: "FAIL", None: "-"}[self.passed]


def table(figures):
    """The figures as a Markdown table, which reads as well in a terminal."""
    rows = [("figure", "value", "target", "pass/fail")]
    rows += [(f.name, f.value, f.target, f.verdict) for f in figures]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]

    def line(row):
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            + " |"
        )

    rule = "| " + " | ".join("-" * width for width in widths) + " |"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def machine(load_average, postgres="", redis=""):
    """What the figures were measured on, one line each."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "load average at start": " ".join(f"{value:.2f}" for value in load_average),
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": redis,
    }


def write(figures, description, notes=(), path=RESULTS):
    """``bench/RESULTS.md``: the machine, the table, and what the run noticed."""
    lines = ["# Benchmark results", "", HOW, ""]
    lines += [f"- {key}: {value}" for key, value in description.items()]
    lines += ["", table(figures), ""]
    if notes:
        lines += ["## Notes from the run", "", *(f"- {note}" for note in notes), ""]
    path.write_text("\n".join(lines))
