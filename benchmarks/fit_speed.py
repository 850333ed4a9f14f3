"""Time approach 3 of Hoffmann et al. (2022) two ways on the digitized Chinchilla runs.

1. the straightforward way: a Python loop of ``scipy.optimize.minimize`` (L-BFGS-B with
   finite-difference gradients) from each of the paper's 4,500 starts, keeping the best
   successful run (as Besiroglu et al. 2024 replicate Hoffmann et al.);
2. ``scaling_lib.chinchilla.fit_parametric_loss``: all starts advanced together in NumPy,
   successive halving, then L-BFGS-B polish of the best few.

It checks both reach the same optimum (objective within 1e-9 relative, parameters within the
tolerances below), prints the speed ratio, and times a bootstrap of 1,000 resamples. It also
times Chapter 3's live refit, one widget update of
``scaling_lib.plotting.chinchilla.live_refit_update`` (a warm-started refit of approach 3 on the
runs kept, the figure's artists updated, and the figure rendered to PNG as the notebook displays
it), checks that each refit reaches the optimum of a full fit from all 4,500 starts on the same
runs, and prints its ratio to the plain SciPy loop measured in the same run. PASS means
the same optimum and a faster batched fit, in this one run; absolute times depend on the machine
and are printed, not judged.

Run:  .venv/bin/python benchmarks/fit_speed.py          (the loop takes minutes)
      .venv/bin/python benchmarks/fit_speed.py --quick  (loop over every 10th start only)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# run from a checkout without installing the package: put the repository root on the path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scaling_lib import chinchilla as ch  # noqa: E402
from scaling_lib.data import load_chinchilla_runs  # noqa: E402

# Tolerances for "the same optimum": relative on E, A, B; absolute on alpha and beta.
RTOL_OBJECTIVE = 1e-9
RTOL_PREFACTORS = 1e-2
ATOL_EXPONENTS = 1e-3


LIVE_BUDGET = 0.150  # seconds per widget update
# slider positions of the live refit: (log10 C range kept, log10 delta)
LIVE_CHANGES = [
    ((19.0, 22.5), -3.0),
    ((18.0, 21.0), -3.0),
    ((19.5, 21.5), -3.0),
    ((18.0, 22.5), -2.0),
    ((18.0, 22.5), -1.0),
    ((20.0, 22.5), -3.0),
    ((18.0, 22.5), -3.0),
]


def live_refit(runs, full) -> tuple[bool, float]:
    """Time each update of the live-refit widget (refit + artists + PNG render) and compare
    its optimum with a full fit on the same runs; return (all the same, median seconds)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from scaling_lib.plotting import chinchilla as plots

    state = plots.live_refit_figure(runs, full)
    state.fig.savefig(io.BytesIO(), format="png")  # warm up the renderer
    logc = np.log10(runs.compute.to_numpy())
    times, same = [], True
    print(
        f"{'live refit: C kept, delta':34s} {'ms':>5s} {'a (live)':>9s} {'a (full)':>9s}"
    )
    for (lo, hi), log_delta in LIVE_CHANGES:
        t0 = time.perf_counter()
        fit = plots.live_refit_update(state, lo, hi, log_delta)
        state.fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - t0)
        keep = (logc >= lo) & (logc <= hi)
        ref = ch.fit_parametric_loss(
            runs.n_params[keep],
            runs.n_tokens[keep],
            runs.loss[keep],
            delta=10.0**log_delta,
        )
        ok = (
            fit.objective <= ref.objective * (1 + RTOL_OBJECTIVE)
            and abs(fit.params.a - ref.params.a) <= ATOL_EXPONENTS
        )
        same &= ok
        print(
            f"1e{lo:g}..1e{hi:g} FLOPs, delta 1e{log_delta:g}".ljust(34)
            + f" {times[-1] * 1e3:5.0f} {fit.params.a:9.4f} {ref.params.a:9.4f}"
            + ("" if ok else "  NOT the same optimum")
        )
    plots.close(state.fig)
    return same, float(np.median(times))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="run the loop on every 10th start only (and scale its time by 10)",
    )
    args = parser.parse_args(argv)
    runs = load_chinchilla_runs()
    n, d, loss = (
        runs.n_params.to_numpy(),
        runs.n_tokens.to_numpy(),
        runs.loss.to_numpy(),
    )
    grid = ch.default_start_grid()
    loop_grid = grid[::10] if args.quick else grid

    ch.fit_parametric_loss(n, d, loss)  # warm up caches and imports
    fast_times = []
    for _ in range(5):
        t0 = time.perf_counter()
        fast = ch.fit_parametric_loss(n, d, loss, starts=grid)
        fast_times.append(time.perf_counter() - t0)
    t_fast = float(np.median(fast_times))

    t0 = time.perf_counter()
    slow = ch.fit_parametric_loss_reference(n, d, loss, starts=loop_grid)
    t_slow = time.perf_counter() - t0
    t_slow_full = t_slow * len(grid) / len(loop_grid)

    t0 = time.perf_counter()
    boot = ch.bootstrap(
        n, d, loss, n_resamples=1000, rng=np.random.default_rng(42), fit=fast
    )
    t_boot = time.perf_counter() - t0

    print(f"runs: {n.size}, starts: {len(grid)} (loop over {len(loop_grid)})")
    print(
        f"{'':28s} {'objective':>14s} {'E':>8s} {'A':>9s} {'B':>9s} {'alpha':>8s} {'beta':>8s}"
    )
    for name, fit in [
        ("batched (fit_parametric_loss)", fast),
        ("loop of scipy minimize", slow),
    ]:
        p = fit.params
        print(
            f"{name:28s} {fit.objective:14.9g} {p.E:8.4f} {p.A:9.2f} {p.B:9.2f} "
            f"{p.alpha:8.5f} {p.beta:8.5f}"
        )
    p, q = fast.params, slow.params
    same_objective = fast.objective <= slow.objective * (1 + RTOL_OBJECTIVE)
    same_params = all(
        abs(getattr(p, k) / getattr(q, k) - 1) <= RTOL_PREFACTORS
        for k in ("E", "A", "B")
    ) and all(
        abs(getattr(p, k) - getattr(q, k)) <= ATOL_EXPONENTS
        for k in ("alpha", "beta")
    )
    print(
        f"same optimum: objective {'yes' if same_objective else 'NO'} "
        f"(batched - loop = {fast.objective - slow.objective:.2e}), parameters "
        f"{'yes' if same_params else 'NO'} (E, A, B within {RTOL_PREFACTORS:.0%}, "
        f"alpha, beta within {ATOL_EXPONENTS})"
    )
    print(f"time, batched fit (median of 5): {t_fast:.3f} s")
    loop_note = " (measured on 1/10 of the starts, x10)" if args.quick else ""
    print(f"time, loop of scipy minimize: {t_slow_full:.1f} s{loop_note}")
    print(f"speed-up: {t_slow_full / t_fast:.0f}x")
    print(
        f"time, bootstrap of 1,000 resamples: {t_boot:.1f} s "
        f"({boot.converged.sum()} converged)"
    )
    live_ok, t_live = live_refit(runs, fast)
    print(
        f"live refit, one widget update (median over the changes): {t_live * 1e3:.0f} ms; "
        f"the plain loop is {t_slow_full / t_live:.0f}x slower"
    )
    ok = (
        same_objective
        and same_params
        and t_fast < t_slow_full
        and live_ok
        and t_live < LIVE_BUDGET
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
