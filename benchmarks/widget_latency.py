"""Time each notebook widget's update: one slider move, from the new value
to the rendered figure, against the 150 ms a reader does not feel as lag.

An update is timed as the reader waits for it: the widget's update
function with one change of its sliders, then the figure rendered to a
PNG as the inline backend sends it to the page (with bbox_inches="tight",
its default; ipympl renders the same Agg canvas, without the tight box).
Figures the update creates are closed after it; a figure the update
reuses stays open, so reusing one is rewarded, as it should be.
Each widget is warmed up once, then each change in its list is timed
ROUNDS times, and the median is reported.

To add a widget, add one `Widget` to WIDGETS: the update function as
"module:function", the changes a reader makes (keyword arguments, one dict
per slider position), and, if the update reuses a figure or a cache, a
`setup` function whose result is passed to every update as its first
argument. A function that does not exist (yet) is reported and skipped.

Run:  .venv/bin/python benchmarks/widget_latency.py [--rounds 5] [name ...]
It exits with status 1 when a widget's median is over the target. It
also prints the median CPU time of an update: on a busy machine the
wall-clock time grows with the load, the CPU time hardly does, so the
CPU time is what tests/test_widget_latency.py asserts on.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

TARGET_MS = 150.0


@dataclass(frozen=True)
class Widget:
    name: str
    update: str  # "module:function"
    changes: list[dict[str, Any]]
    fixed: dict[str, Any] = field(default_factory=dict)  # widgets.fixed
    setup: str | None = None  # "module:function" -> first argument


def _steps(name, values, **fixed):
    """One change per value of one slider, the others held."""
    return [{**fixed, name: v} for v in values]


WIDGETS = [
    Widget(
        "Ch. 0 power-law explorer",
        "scaling_lib.plotting.power_laws:update_power_law_explorer",
        _steps("noise", [0.01, 0.03, 0.05, 0.07], decades_fit=2.0, offset=1.0)
        + _steps("decades_fit", [1.0, 3.0, 4.5], noise=0.02, offset=1.0),
        setup="scaling_lib.plotting.power_laws:PowerLawExplorerView",
    ),
    Widget(
        "Ch. 1 attention share",
        "scaling_lib.plotting.flops:update_attention_share",
        _steps("n_ctx", [2**k for k in (10, 12, 14, 16)], d_model=1024)
        + _steps("d_model", [512, 2048, 4096], n_ctx=8192),
        setup="scaling_lib.plotting.flops:AttentionShareView",
    ),
    Widget(
        "Ch. 1 decode point (inference)",
        "scaling_lib.plotting.flops:update_decode_point",
        _steps("batch_size", [1, 8, 64, 512], n_context=4096),
        # the view holds Llama 3 8B on an H100, as the notebook's widget
        setup="scaling_lib.plotting.flops:DecodePointView",
    ),
    Widget(
        "Ch. 2 L(N, D) point",
        "scaling_lib.plotting.kaplan:lnd_point_update",
        _steps("n_params", [1e8, 1e9, 1e10, 1e11], n_tokens=2e10)
        + _steps("n_tokens", [1e9, 1e11, 1e12], n_params=1e9),
        setup="scaling_lib.plotting.kaplan:lnd_point_figure",
    ),
    Widget(
        "Ch. 3 live refit of approach 3",
        "scaling_lib.plotting.chinchilla:live_refit_update",
        _steps("log10_c_min", [19.0, 20.0, 18.0], log10_c_max=22.5)
        + _steps("log10_c_max", [21.0, 21.5], log10_c_min=18.0)
        + _steps(
            "log10_delta", [-2.0, -1.0], log10_c_min=18.0, log10_c_max=22.5
        ),
        setup="scaling_lib.plotting.chinchilla:live_refit_view",
    ),
    Widget(
        "Ch. 6 repeated data (data-constrained law)",
        "scaling_lib.plotting.practice:update_data_constrained",
        _steps("log10_unique", [8.0, 9.5, 11.0, 12.0], epochs=4.0)
        + _steps("epochs", [1.0, 16.0, 100.0, 1000.0], log10_unique=10.0),
        setup="scaling_lib.plotting.practice:data_constrained_view",
    ),
    Widget(
        "Ch. 4 exact match against L",
        "scaling_lib.plotting.emergence:update_exact_match_length",
        _steps("length", [1, 5, 20, 50, 100]),
        setup="scaling_lib.plotting.emergence:ExactMatchLengthView",
    ),
    Widget(
        "Ch. 5 trend test explorer",
        "scaling_lib.plotting.inverse:update_trend_fit",
        _steps(
            "min_effect",
            [0.0, 0.05, 0.1, 0.2],
            task="isp_resisting_correction",
            alpha=0.05,
        )
        + _steps(
            "task",
            ["isp_memo_trap", "isp_redefine", "isp_sig_figs"],
            alpha=0.05,
            min_effect=0.05,
        ),
        setup="scaling_lib.plotting.inverse:final_checkpoint_trend_view",
    ),
]


def _fixed_values(widget: Widget) -> dict[str, Any]:
    """Fixed arguments that are library objects, not literals."""
    if widget.update.endswith(":plot_decode_point"):
        from scaling_lib import flops, inference

        return {"shape": flops.LLAMA3_8B, "device": inference.H100_SXM}
    return dict(widget.fixed)


def _resolve(spec: str):
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        return exc


def _render(result, before: set[int]):
    """Render what the update shows to PNG; close the figures it made."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    figures = [plt.figure(n) for n in plt.get_fignums()]
    if isinstance(result, Figure) and result not in figures:
        figures.append(result)
    for fig in figures:
        # as the inline backend sends it (print_figure_kwargs' default)
        fig.canvas.print_figure(
            io.BytesIO(), format="png", bbox_inches="tight"
        )
    for fig in figures:
        if fig.number not in before:
            plt.close(fig)


def time_widget(
    widget: Widget, rounds: int
) -> tuple[list[float], list[float]] | str:
    """Wall-clock and CPU milliseconds per update (every change, `rounds`
    times), or why the widget could not be timed."""
    import matplotlib.pyplot as plt

    update = _resolve(widget.update)
    if isinstance(update, Exception):
        return f"not found ({type(update).__name__})"
    args = []
    if widget.setup:
        setup = _resolve(widget.setup)
        if isinstance(setup, Exception):
            return f"setup not found ({type(setup).__name__})"
        args.append(setup())
    fixed = _fixed_values(widget)
    before = set(plt.get_fignums())
    _render(update(*args, **fixed, **widget.changes[0]), before)  # warm-up
    wall, cpu = [], []
    for _ in range(rounds):
        for change in widget.changes:
            start, start_cpu = time.perf_counter(), time.process_time()
            _render(update(*args, **fixed, **change), before)
            wall.append(1e3 * (time.perf_counter() - start))
            cpu.append(1e3 * (time.process_time() - start_cpu))
    plt.close("all")
    return wall, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "names",
        nargs="*",
        help="only widgets whose name contains one of these",
    )
    args = parser.parse_args(argv)
    chosen = [
        w
        for w in WIDGETS
        if not args.names or any(n in w.name for n in args.names)
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"target {TARGET_MS:.0f} ms per update; {args.rounds} rounds; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'widget':32s} {'median':>7s} {'max':>7s} {'CPU':>7s}  verdict")
    slow = 0
    for widget in chosen:
        times = time_widget(widget, args.rounds)
        if isinstance(times, str):
            print(f"{widget.name:32s} {'-':>7s} {'-':>7s} {'-':>7s}  {times}")
            continue
        wall, cpu = (statistics.median(t) for t in times)
        verdict = "ok" if wall <= TARGET_MS else "SLOW"
        slow += wall > TARGET_MS
        print(
            f"{widget.name:32s} {wall:4.0f} ms {max(times[0]):4.0f} ms "
            f"{cpu:4.0f} ms  {verdict}"
        )
    print(
        "median and max: wall-clock ms per update; CPU: median CPU ms, "
        "what a quiet machine would take"
    )
    return 1 if slow else 0


if __name__ == "__main__":
    # Set here, not at import: a test that imports this module must not
    # change the environment that later notebook kernels inherit.
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())
