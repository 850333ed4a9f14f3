"""``check_*`` helpers for the exercises of Chapter 3 (Chinchilla and IsoFLOP analysis).

Each check computes its expected answer by a second method, not by the library call the
solution makes: compute-optimal allocations by a numerical minimization of ``L(N, C/6N)``
(the solutions use the closed form, eq. 4 of Hoffmann et al. 2022), the IsoFLOP exponent by its
own parabola-per-budget code, the inference-optimal model by a grid search, and the Huber
objective by its own NumPy expression. Docstring examples use other inputs than the
exercises, so they do not give an answer away.
"""

from __future__ import annotations

import numpy as np

from .. import chinchilla as ch
from .._validation import as_positive_float, as_rng
from ..data import PORIAN_FIGURE1_STEPS, load_porian_isoflops
from . import (
    Feedback,
    _not_a_function,
    _run,
    check_close,
    parse_answer,
)

__all__ = [
    "check_compute_optimal",
    "check_swapped_ratio",
    "check_loss_gap",
    "check_isoflop_exponent",
    "check_inference_optimal",
    "check_tokens_per_param",
    "check_huber_objective",
]


def _join(*parts: Feedback) -> Feedback:
    return Feedback(all(parts), "\n".join(str(p) for p in parts))


def _loss(p, n, d):
    return p.E + p.A / n**p.alpha + p.B / d**p.beta


def _numeric_optimum(p, compute: float) -> tuple[float, float]:
    """``(N, D)`` minimizing ``L(N, C/(6N))`` numerically: a grid in log N, then a bounded
    scalar minimization around its best point (a second method beside eq. 4)."""
    from scipy.optimize import minimize_scalar

    c6 = compute / 6.0
    # log N_opt = a log(C/6) + log G with a in (0, 1): search around half of log(C/6)
    half = 0.5 * np.log(c6)
    u = np.linspace(
        half - 0.5 * abs(half) - 30, half + 0.5 * abs(half) + 30, 4001
    )
    f = _loss(p, np.exp(u), c6 / np.exp(u))
    k = int(np.argmin(f))
    lo, hi = u[max(k - 1, 0)], u[min(k + 1, u.size - 1)]
    res = minimize_scalar(
        lambda v: _loss(p, np.exp(v), c6 / np.exp(v)),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    n = float(np.exp(res.x))
    return n, c6 / n


def check_compute_optimal(
    n_params,
    n_tokens,
    compute: float,
    params: ch.ParametricLoss = ch.HOFFMANN_2022,
) -> Feedback:
    """Check a compute-optimal allocation ``(N_opt, D_opt)`` at ``compute`` FLOPs, against a
    numerical minimization of ``L(N, C/6N)``.

    Examples
    --------
    >>> bool(check_compute_optimal(1e9, 1e11, 1e21))
    False
    """
    compute = as_positive_float(compute, "compute")
    n_opt, d_opt = _numeric_optimum(ch.check_law(params, "params"), compute)
    n_val = parse_answer(n_params, "N_opt")
    swapped = (
        not isinstance(n_val, Feedback)
        and n_val > 0
        and abs(np.log(n_val / d_opt)) < 0.05
    )
    hint_n = (
        "it looks like N and D are swapped: N_opt carries the exponent "
        "a = beta/(alpha+beta)"
        if swapped
        else "N_opt = G (C/6)^a with a = beta/(alpha+beta) and "
        "G = (alpha A/(beta B))^(1/(alpha+beta))"
    )
    hint_d = (
        "D_opt = (C/6)^b / G with b = alpha/(alpha+beta); check that 6 N D = C"
    )
    return _join(
        check_close(
            n_params,
            n_opt,
            name="N_opt",
            rtol=0.01,
            unit="parameters",
            hint=hint_n,
        ),
        check_close(
            n_tokens,
            d_opt,
            name="D_opt",
            rtol=0.01,
            unit="tokens",
            hint=hint_d,
        ),
    )


def check_swapped_ratio(
    answer, compute: float, params: ch.ParametricLoss = ch.HOFFMANN_2022
) -> Feedback:
    """Check the factor by which the model size is off when the exponents are swapped: ``N``
    computed with ``a = alpha/(alpha+beta)`` divided by the true (numerical) optimum.

    Examples
    --------
    >>> bool(check_swapped_ratio(1.0, 1e22))
    False
    """
    compute = as_positive_float(compute, "compute")
    p = ch.check_law(params, "params")
    g = (p.alpha * p.A / (p.beta * p.B)) ** (1 / (p.alpha + p.beta))
    n_wrong = g * (compute / 6.0) ** (p.alpha / (p.alpha + p.beta))
    expected = n_wrong / _numeric_optimum(p, compute)[0]
    return check_close(
        answer,
        expected,
        name="N_swapped / N_opt",
        rtol=0.02,
        hint="keep G; only the exponent of C/6 changes, from a to b",
    )


def check_loss_gap(
    answer, n_params: float, n_tokens: float, *, params: ch.ParametricLoss
) -> Feedback:
    """Check the loss a model would gain by a compute-optimal allocation of its own budget:
    ``L(N, D) - L(N_opt, D_opt)`` at ``C = 6 N D``, for the law ``params`` (required: the
    exercise names the fit to use).

    Examples
    --------
    >>> bool(check_loss_gap(0.5, 1e9, 1e9, params=ch.HOFFMANN_2022))
    False
    """
    params = ch.check_law(params, "params")
    n_params = as_positive_float(n_params, "n_params")
    n_tokens = as_positive_float(n_tokens, "n_tokens")
    if not np.isfinite(6.0 * n_params * n_tokens):
        raise ValueError(
            f"n_params and n_tokens give a budget 6ND that overflows a float: "
            f"n_params={n_params!r}, n_tokens={n_tokens!r}"
        )
    n_opt, d_opt = _numeric_optimum(params, 6.0 * n_params * n_tokens)
    expected = float(
        _loss(params, n_params, n_tokens) - _loss(params, n_opt, d_opt)
    )
    return check_close(
        answer,
        expected,
        name="loss gap",
        rtol=0.02,
        unit="nats/token",
        hint="evaluate L at the model's own (N, D) and at the optimum for "
        "C = 6ND, both with the fit the exercise names",
    )


def _approach2_exponent(n_params, flops, loss) -> float:
    """Approach 2 written out: per budget, a least-squares parabola in log N; keep the budgets
    whose vertex lies inside the sizes tried; slope of log N_opt against log C."""
    n, c, ell = (np.asarray(v, dtype=float) for v in (n_params, flops, loss))
    keys = np.round(np.log10(c), 2)
    log_c, log_n = [], []
    for key in np.unique(keys):
        m = keys == key
        if m.sum() < 3:
            continue
        u = np.log(n[m])
        c2, c1, _ = np.polyfit(u, ell[m], 2)
        if c2 <= 0:
            continue
        v = -c1 / (2 * c2)
        if u.min() < v < u.max():
            log_c.append(np.log(c[m].mean()))
            log_n.append(v)
    return float(np.polyfit(log_c, log_n, 1)[0])


def check_isoflop_exponent(answer, dataset: str, step: str) -> Feedback:
    """Check the exponent ``a`` of approach 2 (parabola per budget, power law through the
    interior minima) on one configuration of Porian et al. (2024), named by ``dataset``
    (``"rw"`` or ``"owt2"``) and the label of a step of ``PORIAN_FIGURE1_STEPS``.

    Examples
    --------
    >>> bool(check_isoflop_exponent(0.9, "rw", "Optimizer tuning (no decay)"))
    False
    """
    labels = {s[0]: s[1:] for s in PORIAN_FIGURE1_STEPS}
    if not isinstance(step, str) or step not in labels:
        raise ValueError(f"step must be one of {list(labels)}, got {step!r}")
    if not isinstance(dataset, str) or dataset not in ("rw", "owt2"):
        raise ValueError(f"dataset must be 'rw' or 'owt2', got {dataset!r}")
    hparams, warmup, decay, param_count, split = labels[step]
    cfg = dict(
        hparams=hparams,
        warmup=warmup,
        decay=decay,
        param_count=param_count,
        loss_split=split,
    )
    pts = load_porian_isoflops(dataset=dataset, **cfg)
    expected = _approach2_exponent(pts.params, pts.flops, pts.loss)
    value = parse_answer(answer, "a")
    if isinstance(value, Feedback):
        return value
    hint = (
        "fit one parabola per budget in log N, keep interior minima only, then fit a "
        "power law through (C, N_opt)"
    )
    other = "owt2" if dataset == "rw" else "rw"
    pts2 = load_porian_isoflops(dataset=other, **cfg)
    if abs(
        value - _approach2_exponent(pts2.params, pts2.flops, pts2.loss)
    ) < 0.002 and abs(value - expected) > 0.01 * abs(expected):
        hint = f"that is the exponent of the other data set; load dataset={dataset!r}"
    return check_close(value, expected, name="a", rtol=0.01, hint=hint)


def check_inference_optimal(
    n_params,
    n_tokens,
    params: ch.ParametricLoss,
    target_loss: float,
    inference_tokens: float,
) -> Feedback:
    """Check the model that reaches ``target_loss`` at the lowest cost ``6ND + 2N D_inf``
    (Sardana et al. 2024), against a fine grid search over ``log N``.

    Examples
    --------
    >>> bool(check_inference_optimal(1e9, 1e9, ch.HOFFMANN_2022, 2.0, 1e13))
    False
    """
    p = ch.check_law(params, "params")
    # at most 10 nats per token: a uniform guess over a 32,000-token vocabulary already
    # scores ln 32000 = 10.4, so a larger target describes no trained model
    target_loss = as_positive_float(target_loss, "target_loss", high=10.0)
    if target_loss <= p.E:
        raise ValueError(
            f"target_loss must exceed E = {p.E:.4g}, got {target_loss!r}"
        )
    inference_tokens = as_positive_float(inference_tokens, "inference_tokens")
    n_min = (p.A / (target_loss - p.E)) ** (
        1 / p.alpha
    )  # only N > n_min reach the target
    u = np.log(n_min) + np.linspace(1e-4, 12.0, 200001)
    n = np.exp(u)
    d = (p.B / (target_loss - p.E - p.A / n**p.alpha)) ** (1 / p.beta)
    k = int(np.argmin(6 * n * d + 2 * n * inference_tokens))
    return _join(
        check_close(
            n_params,
            float(n[k]),
            name="N",
            rtol=0.02,
            unit="parameters",
            hint="D follows from the target loss; minimize 6ND + 2N D_inf "
            "over N",
        ),
        check_close(
            n_tokens,
            float(d[k]),
            name="D",
            rtol=0.02,
            unit="tokens",
            hint="D = (B / (L - E - A/N^alpha))^(1/beta)",
        ),
    )


def check_tokens_per_param(
    answer, compute: float, params: ch.ParametricLoss
) -> Feedback:
    """Check compute-optimal tokens per parameter ``D_opt / N_opt`` at ``compute`` FLOPs,
    against a numerical minimization of ``L(N, C/6N)``.

    Examples
    --------
    >>> bool(check_tokens_per_param(1.0, 1e22, ch.HOFFMANN_2022))
    False
    """
    compute = as_positive_float(compute, "compute")
    n, d = _numeric_optimum(ch.check_law(params, "params"), compute)
    return check_close(
        answer,
        d / n,
        name="D_opt/N_opt",
        rtol=0.02,
        hint="D_opt/N_opt = (C/6)^(b-a) / G^2, with the fit the exercise names",
    )


def _huber_reference(theta, n, d, ell, delta):
    a, b, e, alpha, beta = theta
    pred = np.logaddexp(
        np.logaddexp(a - alpha * np.log(n), b - beta * np.log(d)), e
    )
    r = np.abs(pred - np.log(ell))
    return float(
        np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)).sum()
    )


def check_huber_objective(func, *, rng=0) -> Feedback:
    """Check a student's ``func(theta, n_params, n_tokens, loss, delta)`` that returns the
    objective of approach 3, ``sum_i Huber_delta(LSE(a - alpha log N_i, b - beta log D_i, e)
    - log L_i)`` for ``theta = (a, b, e, alpha, beta)``.

    The cases are generated here: runs from a known law, parameter vectors near and far from
    it (residuals below and above ``delta``), and two values of ``delta``.

    Examples
    --------
    >>> bool(check_huber_objective(lambda th, n, d, ell, delta: 0.0))
    False
    """
    rng = as_rng(rng)
    if not callable(func):
        return _not_a_function(
            func, "huber_objective(theta, n_params, n_tokens, loss, delta)"
        )
    n = np.exp(rng.uniform(np.log(7e7), np.log(1.6e10), 12))
    d = np.exp(rng.uniform(np.log(5e9), np.log(5e11), 12))
    truth = np.array([np.log(406.4), np.log(410.7), np.log(1.69), 0.34, 0.28])
    ell = np.exp(
        np.logaddexp(
            np.logaddexp(
                truth[0] - truth[3] * np.log(n),
                truth[1] - truth[4] * np.log(d),
            ),
            truth[2],
        )
    )
    ell = ell * np.exp(rng.normal(0, 0.01, ell.size))
    cases = [
        (
            truth,
            1e-3,
            "the true parameters (residuals of about 1 %, above delta)",
        ),
        (
            truth,
            1.0,
            "delta = 1 (every residual below delta: half the sum of squares)",
        ),
        (
            truth + np.array([0.5, -0.3, 0.05, 0.02, -0.01]),
            1e-3,
            "parameters off the truth",
        ),
        (
            truth + np.array([0.0, 0.0, -0.4, 0.0, 0.0]),
            0.05,
            "a lower e, delta = 0.05",
        ),
    ]
    for theta, delta, what in cases:
        expected = _huber_reference(theta, n, d, ell, delta)
        got, failed = _run(
            func,
            theta.copy(),
            n.copy(),
            d.copy(),
            ell.copy(),
            delta,
            on=what,
            usage="huber_objective(theta, n_params, n_tokens, loss, delta) "
            "returning the objective, one number",
            returns="the objective your function returns",
        )
        if failed is not None:
            return failed
        if abs(got - expected) > 1e-9 * max(1.0, abs(expected)):
            hint = (
                "the residual is LSE(...) - log L, in log space; Huber is r^2/2 for "
                "|r| <= delta and delta (|r| - delta/2) beyond; sum over the runs"
            )
            if abs(got - 2 * expected) < 1e-9 * max(1.0, abs(expected)):
                hint = "the quadratic part is r^2/2, not r^2"
            return Feedback(
                False, f"On {what} your objective is off. Hint: {hint}."
            )
    return Feedback(True, f"Your objective matches on all {len(cases)} cases.")
