"""Over-training: models trained on many more tokens than the compute-optimal 20 per parameter
(Gadre et al. 2024).

Gadre et al.'s code fits (``scaling/laws.py:powlaw_ours`` in github.com/mlfoundations/scaling,
commit a003c49) ``alpha N**b + beta 6**(b/2) (M N)**b + E`` where ``M`` is the number of tokens
per parameter, so ``M N = D`` and the law is the Chinchilla form with *one* exponent for both
terms:

``L(N, D) = E + A / N**e + B / D**e``,  ``A = alpha``, ``B = beta 6**(b/2)``, ``e = -b``.

So a fit returns a :class:`scaling_lib.chinchilla.ParametricLoss` with ``alpha == beta``, and
everything Chapter 3 does with such a law applies. (The form here is the code's.)

Why one exponent: with ``D = M N`` and ``C = 6 N D = 6 M N**2``, ``N = (C / 6M)**(1/2)`` and

``L - E = (A M**(e/2) + B M**(-e/2)) 6**(e/2) C**(-e/2)``,

a power law in compute with the *same* exponent ``e/2`` at every multiplier ``M``: training
longer shifts the line ``log(L - E)`` against ``log C`` and does not tilt it. The code's
``beta * 6**(b/2)`` term is this identity written in ``N`` and ``M``.

The data file's ``chinchilla_multiplier`` is ``M / 20``: 1 means 20 tokens per parameter.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    _show,
    as_choice,
    as_positive_array,
    check_runs,
)
from .chinchilla import HUBER_DELTA, ParametricLoss, check_law

__all__ = ["OverTrainingFit", "fit_overtraining_law", "loss_vs_multiplier"]


@dataclass(frozen=True)
class OverTrainingFit:
    """Result of :func:`fit_overtraining_law`.

    Attributes
    ----------
    params : ParametricLoss or None
        The fitted law, with ``alpha == beta`` (Gadre et al.'s single exponent).
    residuals : ndarray
        ``loss - predicted`` for every fitted run (nats/token).
    success : bool
    message : str
    n_points : int
    """

    params: ParametricLoss | None
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str
    n_points: int


def fit_overtraining_law(
    n_params, n_tokens, loss, *, objective: str = "least_squares"
) -> OverTrainingFit:
    """Fit ``L = E + A/N**e + B/D**e`` from a grid of starts.

    ``objective="least_squares"`` (default) fits the loss by least squares, as the authors do
    (``scaling/laws.py:curve_fit_powlaw_ours``: ``scipy.optimize.curve_fit`` from 128 starts,
    keep the smallest residual). ``objective="huber_log"`` fits ``log L`` with a Huber loss of
    threshold ``1e-3``, the objective of approach 3
    (:func:`scaling_lib.chinchilla.fit_parametric_loss`),
    so that the one- and two-exponent laws can be compared on the same footing.

    We search ``log A, log B, log E, e`` with ``scipy.optimize.least_squares`` so that all four
    stay positive; the starts span the authors' grid.

    Raises
    ------
    ValueError
        If an input is non-positive or NaN, the lengths differ, or there are fewer than 4 runs.

    Examples
    --------
    >>> true = ParametricLoss(E=1.8, A=300.0, B=900.0, alpha=0.3, beta=0.3)
    >>> n = np.array([1e7, 8e7, 1.5e8, 4e8, 1e7, 4e8]); d = n * np.array([20, 20, 20, 20, 320, 80])
    >>> fit = fit_overtraining_law(n, d, true.loss(n, d))
    >>> fit.success, round(fit.params.alpha, 3), round(fit.params.E, 3)
    (True, 0.3, 1.8)
    """
    from scipy import optimize

    n, d, ell = check_runs(n_params, n_tokens, loss, minimum=4, counts=True)
    objective = as_choice(
        objective, "objective", ("least_squares", "huber_log")
    )
    x, y = np.log(n), np.log(d)
    why = (
        "all runs have one model size: A and E cannot be told apart"
        if np.ptp(x) < 1e-9
        else "D is proportional to N (one tokens-per-parameter ratio): the N and D terms cannot "
        "be told apart"
        if np.ptp(y - x) < 1e-9
        else ""
    )
    if why:
        return OverTrainingFit(
            None, np.full(n.size, np.nan), False, why, n.size
        )
    huber = objective == "huber_log"

    def pred(th):
        la, lb, le, e = th
        return np.exp(le) + np.exp(la - e * x) + np.exp(lb - e * y)

    def resid(th):
        return np.log(pred(th)) - np.log(ell) if huber else pred(th) - ell

    best = None
    for la, lb, le, e in itertools.product(
        np.log([1e1, 1e2, 1e3, 1e4]),
        np.log([1e1, 1e2, 1e3, 1e4]),
        np.log([0.5, 1.0, 2.0]),
        [0.1, 0.3],
    ):
        res = optimize.least_squares(
            resid,
            [la, lb, le, e],
            bounds=([-20, -20, -10, 1e-3], [40, 40, 3, 2]),
            xtol=1e-14,
            ftol=1e-14,
            gtol=1e-14,
            max_nfev=2000,
            loss="huber" if huber else "linear",
            f_scale=HUBER_DELTA,
        )
        if best is None or res.cost < best.cost:
            best = res
    la, lb, le, e = best.x
    params = ParametricLoss(
        E=float(np.exp(le)),
        A=float(np.exp(la)),
        B=float(np.exp(lb)),
        alpha=float(e),
        beta=float(e),
        source="fit_overtraining_law",
    )
    fitted = pred(best.x) - ell
    rms = float(np.sqrt(np.mean(fitted**2)))
    message = f"best of 96 starts, {objective}: {best.message}; rms residual {rms:.3g}"
    return OverTrainingFit(
        params, -fitted, bool(best.success), message, n.size
    )


def loss_vs_multiplier(params: ParametricLoss, n_params, multiplier):
    """Predicted loss of a model of ``n_params`` trained on ``D = 20 * multiplier * N`` tokens
    (the data file's convention: ``multiplier`` = 1 is 20 tokens per parameter)."""
    check_law(params, "params")
    n = as_positive_array(n_params, "n_params")
    m = as_positive_array(multiplier, "multiplier")
    with np.errstate(over="ignore"):
        d = 20.0 * m * n
    if not np.all(np.isfinite(d)):
        raise ValueError(
            f"multiplier is too large: 20 * multiplier * n_params overflows, got "
            f"multiplier={_show(multiplier)}"
        )
    return params.loss(n, d)
