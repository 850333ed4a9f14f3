"""Beyond compute-optimal: the model that is cheapest to train *and* serve (Sardana et al. 2024).

A model that serves ``D_inf`` tokens over its life costs about ``6 N D_train`` FLOPs to train
and at least ``2 N D_inf`` to serve. ``2N`` per token is the forward pass of the weights only;
attention over a long context, the key-value cache and the poor hardware utilization of
generation make the real cost higher, so this is a lower bound on inference cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import (
    as_float_array,
    as_positive_float,
    check_finite_result,
)
from .law import HOFFMANN_2022, ParametricLoss, check_law  # noqa: F401 (doctests)

__all__ = ["InferenceOptimum", "compute_for_loss", "inference_optimal"]


@dataclass(frozen=True)
class InferenceOptimum:
    """Result of :func:`inference_optimal` (arrays broadcast over ``inference_tokens``).

    Attributes
    ----------
    n_params, n_tokens : ndarray
        The model that reaches the target loss at the lowest total cost, and its training tokens.
    training_flops, inference_flops, total_flops : ndarray
        ``6 N D``, ``2 N D_inf`` and their sum.
    chinchilla_n_params, chinchilla_n_tokens, chinchilla_total_flops : ndarray
        The compute-optimal model that reaches the same loss, and its total cost with the same
        inference.
    """

    n_params: np.ndarray
    n_tokens: np.ndarray
    training_flops: np.ndarray
    inference_flops: np.ndarray
    total_flops: np.ndarray
    chinchilla_n_params: np.ndarray
    chinchilla_n_tokens: np.ndarray
    chinchilla_total_flops: np.ndarray

    @property
    def tokens_per_param(self) -> np.ndarray:
        """Training tokens per parameter, ``D / N``."""
        return self.n_tokens / self.n_params


def _law_and_target(params, target_loss):
    """The checked law and a target loss above its irreducible loss ``E``."""
    params = check_law(params, "params")
    target = as_positive_float(target_loss, "target_loss")
    if target <= params.E:
        raise ValueError(
            f"target_loss must exceed the irreducible loss E={params.E:.4g}, "
            f"got {target!r}"
        )
    return params, target


def compute_for_loss(params: ParametricLoss, target_loss: float) -> float:
    """The smallest training budget whose compute-optimal model reaches ``target_loss``,
    searched between 1e6 and 1e40 FLOPs; a target outside that range is refused by name.

    Examples
    --------
    >>> c = compute_for_loss(HOFFMANN_2022, 2.0)
    >>> round(float(HOFFMANN_2022.optimal_loss(c)), 6)
    2.0
    """
    params, target = _law_and_target(params, target_loss)

    def gap(logc):
        return float(params.optimal_loss(np.exp(logc))) - target

    lo, hi = np.log(1e6), np.log(1e40)
    if gap(lo) < 0:
        raise ValueError(
            f"target_loss={target!r} is above {float(params.optimal_loss(1e6)):.4g}, the "
            "loss of the compute-optimal model at 1e6 FLOPs: the law is not used for "
            "smaller budgets"
        )
    if gap(hi) > 0:
        raise ValueError(f"target_loss={target!r} needs more than 1e40 FLOPs")
    from scipy import optimize  # imported here: a slow import

    return float(np.exp(optimize.brentq(gap, lo, hi, xtol=1e-12)))


def inference_optimal(
    params: ParametricLoss, target_loss: float, inference_tokens
) -> InferenceOptimum:
    """The model that reaches ``target_loss`` at the lowest total cost of training and inference,
    Sardana et al. (2024), Section 2: minimize ``6 N D_train + 2 N D_inf`` subject to
    ``L(N, D_train) = target_loss`` with ``L`` the parametric loss.

    For each ``N`` above the smallest model that can reach the target, ``D_train`` follows from
    the loss (:meth:`ParametricLoss.n_tokens_for_loss`); the total cost is minimized in
    ``log N`` numerically.

    Parameters
    ----------
    params : ParametricLoss
    target_loss : float
        Loss to reach (must exceed ``E``).
    inference_tokens : array_like
        Tokens the model will process at inference over its lifetime (>= 0).

    Returns
    -------
    InferenceOptimum

    Examples
    --------
    >>> res = inference_optimal(HOFFMANN_2022, 2.0, [0.0, 1e13])
    >>> bool(res.n_params[1] < res.n_params[0]), bool(res.tokens_per_param[1] > 20)
    (True, True)
    """
    params, target = _law_and_target(params, target_loss)
    d_inf = as_float_array(inference_tokens, "inference_tokens", min_size=1)
    if np.any(d_inf < 0):
        raise ValueError(
            f"inference_tokens must be >= 0, got {d_inf[d_inf < 0].ravel()[0]!r}"
        )
    shape = d_inf.shape
    d_inf = d_inf.ravel()
    # smallest N that can reach the target with infinite data: E + A / N^alpha = target
    log_nmin = np.log(params.A / (target - params.E)) / params.alpha
    c_opt = compute_for_loss(
        params, target
    )  # refuses targets out of its range by name
    n_c, d_c = (float(v) for v in params.compute_optimal(c_opt))
    with np.errstate(over="ignore"):
        chinchilla_cost = 6 * n_c * d_c + 2 * n_c * d_inf
    check_finite_result(
        chinchilla_cost,
        "lifetime FLOPs",
        target_loss=target_loss,
        inference_tokens=inference_tokens,
    )
    n_out = np.empty_like(d_inf)
    for i, di in enumerate(d_inf):

        def cost(u, di=di):
            n = np.exp(log_nmin + np.exp(u))  # N > N_min, u unbounded
            d = float(params.n_tokens_for_loss(n, target))
            return np.log(n) + np.log(6 * d + 2 * di)  # log(6ND + 2N D_inf)

        u0 = np.log(
            np.log(n_c) - log_nmin
        )  # start the bracket at the Chinchilla model
        from scipy import optimize  # imported here: a slow import

        res = optimize.minimize_scalar(
            cost,
            bracket=(u0 - 3.0, u0),
            method="brent",
            options={"xtol": 1e-12},
        )
        n_out[i] = np.exp(log_nmin + np.exp(res.x))
    d_out = params.n_tokens_for_loss(n_out, target)
    with np.errstate(over="ignore"):
        train, infer = 6 * n_out * d_out, 2 * n_out * d_inf
    check_finite_result(
        train + infer,
        "lifetime FLOPs",
        target_loss=target_loss,
        inference_tokens=inference_tokens,
    )
    ones = np.ones_like(d_inf)
    return InferenceOptimum(
        n_out.reshape(shape),
        d_out.reshape(shape),
        train.reshape(shape),
        infer.reshape(shape),
        (train + infer).reshape(shape),
        (n_c * ones).reshape(shape),
        (d_c * ones).reshape(shape),
        chinchilla_cost.reshape(shape),
    )
