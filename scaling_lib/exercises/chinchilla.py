"""``check_*`` helpers for the exercises of Chapter 3 (Chinchilla and IsoFLOP analysis)."""

from __future__ import annotations

from .. import chinchilla as ch
from ..data import PORIAN_FIGURE1_STEPS, load_porian_isoflops
from . import Feedback, check_close

__all__ = ["check_compute_optimal", "check_swapped_ratio", "check_loss_gap",
           "check_isoflop_exponent", "check_inference_optimal", "check_tokens_per_param"]


def _join(*parts: Feedback) -> Feedback:
    return Feedback(all(parts), " ".join(str(p) for p in parts))


def check_compute_optimal(n_params, n_tokens, compute: float,
                          params: ch.ParametricLoss = ch.HOFFMANN_2022) -> Feedback:
    """Check a compute-optimal allocation ``(N_opt, D_opt)`` at ``compute`` FLOPs from the
    closed form of Hoffmann et al. (2022), eq. (4).

    Examples
    --------
    >>> n, d = ch.HOFFMANN_2022.compute_optimal(5.76e23)
    >>> bool(check_compute_optimal(n, d, 5.76e23))
    True
    >>> print(check_compute_optimal(d, n, 5.76e23))        # doctest: +ELLIPSIS
    N_opt = 2.982e+12 parameters is about 2 orders of magnitude too high...D_opt = 3.219e+10 tokens is about 2 orders of magnitude too low...
    """
    n_opt, d_opt = (float(v) for v in params.compute_optimal(compute))
    hint_n = "N_opt = G (C/6)^a with a = beta/(alpha+beta) and G = (alpha A/(beta B))^(1/(alpha+beta))"
    hint_d = "D_opt = (C/6)^b / G with b = alpha/(alpha+beta); check that 6 N D = C"
    return _join(check_close(n_params, n_opt, name="N_opt", rtol=0.01, unit="parameters",
                             hint=hint_n),
                 check_close(n_tokens, d_opt, name="D_opt", rtol=0.01, unit="tokens",
                             hint=hint_d))


def check_swapped_ratio(answer, compute: float,
                        params: ch.ParametricLoss = ch.HOFFMANN_2022) -> Feedback:
    """Check the factor by which the model size is off when the exponents are swapped, i.e.
    ``N`` computed with ``a = alpha/(alpha+beta)`` divided by the correct ``N_opt``.

    Examples
    --------
    >>> p = ch.HOFFMANN_2022
    >>> x = (5e24 / 6) ** (p.b - p.a)
    >>> bool(check_swapped_ratio(x, 5e24))
    True
    """
    # With the wrong exponent: N = G (C/6)^b, so the ratio to N_opt = G (C/6)^a is (C/6)^(b-a).
    expected = (compute / 6.0) ** (params.b - params.a)
    return check_close(answer, expected, name="N_swapped / N_opt", rtol=0.02,
                       hint="keep G; only the exponent of C/6 changes, from a to b")


def check_loss_gap(answer, n_params: float, n_tokens: float,
                   params: ch.ParametricLoss = ch.HOFFMANN_2022) -> Feedback:
    """Check the loss a model would gain by a compute-optimal allocation of its own budget:
    ``L(N, D) - L(N_opt, D_opt)`` at ``C = 6 N D``.

    Examples
    --------
    >>> gap = ch.HOFFMANN_2022.loss(280e9, 300e9) - ch.HOFFMANN_2022.optimal_loss(6 * 280e9 * 300e9)
    >>> bool(check_loss_gap(gap, 280e9, 300e9))
    True
    """
    c = 6.0 * n_params * n_tokens
    expected = float(params.loss(n_params, n_tokens) - params.optimal_loss(c))
    return check_close(answer, expected, name="loss gap", rtol=0.02, unit="nats/token",
                       hint="evaluate L at the model's own (N, D) and at the optimum for C = 6ND")


def check_isoflop_exponent(answer, dataset: str, step: str) -> Feedback:
    """Check the exponent ``a`` of approach 2 (parabola per budget, power law through the
    interior minima) on one configuration of Porian et al. (2024), named by ``dataset``
    (``"rw"`` or ``"owt2"``) and the label of a step of ``PORIAN_FIGURE1_STEPS``.

    Examples
    --------
    >>> bool(check_isoflop_exponent(0.51, "rw", "Optimizer tuning (no decay)"))
    True
    """
    labels = {s[0]: s[1:] for s in PORIAN_FIGURE1_STEPS}
    if step not in labels:
        return Feedback(False, f"step should be one of {list(labels)}, got {step!r}.")
    hparams, warmup, decay, param_count, split = labels[step]
    pts = load_porian_isoflops(dataset=dataset, hparams=hparams, warmup=warmup, decay=decay,
                               param_count=param_count, loss_split=split)
    expected = ch.isoflop_minima(pts.params, pts.flops, pts.loss).a
    return check_close(answer, expected, name="a", rtol=0.02,
                       hint="fit one parabola per budget in log N, keep interior minima only, "
                            "then fit_power_law(C, N_opt)")


def check_inference_optimal(n_params, n_tokens, params: ch.ParametricLoss, target_loss: float,
                            inference_tokens: float) -> Feedback:
    """Check the model that reaches ``target_loss`` at the lowest cost ``6ND + 2N D_inf``
    (Sardana et al. 2024).

    Examples
    --------
    >>> r = ch.inference_optimal(ch.HOFFMANN_2022, 2.0, 1e13)
    >>> bool(check_inference_optimal(r.n_params, r.n_tokens, ch.HOFFMANN_2022, 2.0, 1e13))
    True
    """
    r = ch.inference_optimal(params, target_loss, inference_tokens)
    return _join(check_close(n_params, float(r.n_params), name="N", rtol=0.02,
                             unit="parameters",
                             hint="D follows from the target loss; minimize 6ND + 2N D_inf over N"),
                 check_close(n_tokens, float(r.n_tokens), name="D", rtol=0.02, unit="tokens",
                             hint="D = (B / (L - E - A/N^alpha))^(1/beta)"))


def check_tokens_per_param(answer, compute: float, params: ch.ParametricLoss) -> Feedback:
    """Check compute-optimal tokens per parameter ``D_opt / N_opt`` at ``compute`` FLOPs.

    Examples
    --------
    >>> bool(check_tokens_per_param(92.6, 5.76e23, ch.HOFFMANN_2022))
    True
    """
    return check_close(answer, float(params.tokens_per_param(compute)), name="D_opt/N_opt",
                       rtol=0.02, hint="D_opt/N_opt = (C/6)^(b-a) / G^2")
