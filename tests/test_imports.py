"""Importing the library is quick: each module costs under 0.3 s above
what a notebook has loaded anyway.

A notebook's first cell imports ``scaling_lib``; a reader who waits two
seconds for it has waited for SciPy parts that the cell may never use.
So each module is imported in a fresh interpreter and its own cost is
measured.

What is fair to count
---------------------
- The baseline is imported first and not counted: NumPy and pandas for
  every module (every notebook uses them); matplotlib's pyplot as well
  for ``scaling_lib.plotting`` and its submodules, whose purpose is to
  draw. SciPy is *not* in the baseline: a module should import
  ``scipy.stats`` or ``scipy.optimize`` inside the functions that use
  them.
- The cost is CPU time (``time.process_time``) of the ``import`` in the
  child, not wall-clock time: the machine is shared (two cores, several
  builds at once), and CPU time does not grow while the child waits for
  a core. It still counts everything the import itself does.
- A module whose first import costs less than half the limit passes at
  once (load only ever adds CPU time, so this run was not flattered).
  Any other module is imported twice more, each time in a fresh
  interpreter, and the median of the three runs is compared with the
  limit: one run slowed by a busy machine or by writing the bytecode
  caches does not fail the test, and a module that is slow every time
  does.

On failure the message lists the slowest imports below the module
(from ``python -X importtime``), so it says what to make lazy.
"""

from __future__ import annotations

import os
import pkgutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 0.3  # seconds of CPU time above the baseline
RUNS = 3
BASELINE = ("numpy", "pandas")
PLOTTING_BASELINE = BASELINE + ("matplotlib.pyplot",)

CHILD = """
import sys, time
for name in sys.argv[2:]:
    __import__(name)
start = time.process_time()
__import__(sys.argv[1])
print(time.process_time() - start)
"""


def modules() -> list[str]:
    """scaling_lib and every module in it (the data sets' extract
    scripts are not modules of the package)."""
    import scaling_lib

    names = ["scaling_lib"]
    for info in pkgutil.walk_packages(scaling_lib.__path__, "scaling_lib."):
        if not info.name.endswith(".extract"):
            names.append(info.name)
    return sorted(names)


def baseline(module: str) -> tuple[str, ...]:
    if module.startswith("scaling_lib.plotting"):
        return PLOTTING_BASELINE
    return BASELINE


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    env["MPLBACKEND"] = "Agg"
    return env


def import_cost(module: str, *, importtime: bool = False):
    """CPU seconds that importing `module` costs in a fresh interpreter
    after its baseline; with `importtime`, also the -X importtime log."""
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", CHILD, module, *baseline(module)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    if done.returncode:
        pytest.fail(f"import {module} failed:\n{done.stderr[-2000:]}")
    seconds = float(done.stdout.strip().splitlines()[-1])
    return (seconds, done.stderr) if importtime else seconds


def slowest(log: str, module: str, count: int = 8) -> str:
    """The `count` imports with the largest cumulative time that came
    after the baseline, from a -X importtime log."""
    lines = log.splitlines()
    entries = []
    for line in lines:
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            cumulative = int(parts[1])
        except ValueError:
            continue
        entries.append((parts[2].rstrip(), cumulative))
    # the baseline's imports come before the module's own top-level line
    own = [i for i, (name, _) in enumerate(entries) if name.strip() == module]
    if own:
        last = own[-1]
        start = last
        top = len(entries[last][0]) - len(entries[last][0].lstrip())
        while start > 0:
            name = entries[start - 1][0]
            if len(name) - len(name.lstrip()) <= top:
                break
            start -= 1
        entries = entries[start : last + 1]
    entries.sort(key=lambda e: -e[1])
    return "\n".join(
        f"  {us / 1e6:6.3f} s  {name.strip()}" for name, us in entries[:count]
    )


@pytest.mark.parametrize("module", modules())
def test_import_is_quick(module):
    costs = [import_cost(module)]
    if costs[0] < LIMIT / 2:
        return
    costs += [import_cost(module) for _ in range(RUNS - 1)]
    median = statistics.median(costs)
    if median <= LIMIT:
        return
    _, log = import_cost(module, importtime=True)
    pytest.fail(
        f"import {module} costs {median:.2f} s of CPU time above "
        f"{' + '.join(baseline(module))} (median of {RUNS}; limit {LIMIT} "
        f"s). Slowest imports below it (cumulative, wall-clock):\n"
        + slowest(log, module)
    )
