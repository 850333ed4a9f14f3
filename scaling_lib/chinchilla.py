"""Compute-optimal training: the three approaches of Hoffmann et al. (2022), "Chinchilla".

Hoffmann et al. (2022) ask: with a budget of ``C`` training FLOPs, how should one split it
between the number of parameters ``N`` and the number of training tokens ``D`` (with
``C ≈ 6 N D``)? They answer in three ways (Section 3 of the paper):

1. :func:`envelope_fit` -- the lowest loss reached for each amount of compute, and the model
   size that reached it (approach 1, "minimum over training curves");
2. :func:`isoflop_minima` -- for each fixed budget, a parabola of loss in ``log N`` and its
   minimum (approach 2, "IsoFLOP profiles");
3. :func:`fit_parametric_loss` -- the parametric loss ``L(N, D) = E + A/N**alpha + B/D**beta``
   (their eq. 2) fitted with a Huber loss on log-loss from many starting points (approach 3,
   their Section 3.3 and Appendix D.2), from which :meth:`ParametricLoss.compute_optimal` gives
   the allocation in closed form (their eq. 4).

:func:`bootstrap` puts confidence intervals on approach 3, :func:`bootstrap_isoflop` on the
exponent of approach 2, and :func:`inference_optimal` extends the allocation to a model that
will also serve inference (Sardana et al. 2024).

References
----------
Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. NeurIPS.
Besiroglu, T., Erdil, E., Barnett, M., You, J. (2024). Chinchilla Scaling: A replication attempt.
Porian, T. et al. (2024). Resolving Discrepancies in Compute-Optimal Scaling of Language Models.
Sardana, N. et al. (2024). Beyond Chinchilla-Optimal: Accounting for Inference in Language
Model Scaling Laws. ICML.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from ._validation import (as_float_array, as_positive_array, as_positive_int, check_min_length,
                          check_same_shape)
from .fitting import PowerLawFit, fit_power_law, percentile_interval

__all__ = [
    "ParametricLoss", "HOFFMANN_2022", "HOFFMANN_2022_UNROUNDED", "BESIROGLU_2024",
    "BESIROGLU_2024_REPLICATION", "AllocationExponents", "HOFFMANN_2022_TABLE2",
    "HOFFMANN_2022_TABLE3", "KNOWN_MODELS", "HUBER_DELTA", "default_start_grid",
    "huber_objective", "ParametricLossFit", "fit_parametric_loss", "fit_parametric_loss_reference",
    "compute_optimal_numeric", "allocation_table", "BootstrapResult", "bootstrap",
    "IsoFLOPResult", "isoflop_minima", "IsoFLOPBootstrap", "bootstrap_isoflop",
    "EnvelopeResult", "envelope_fit", "InferenceOptimum", "compute_for_loss", "inference_optimal",
]


# --------------------------------------------------------------------------------------------
# The parametric loss and its published values
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParametricLoss:
    """The loss of a model with ``N`` parameters trained on ``D`` tokens, Hoffmann et al. eq. (2):

    ``L(N, D) = E + A / N**alpha + B / D**beta``  (nats per token).

    Attributes
    ----------
    E, A, B, alpha, beta : float
        Irreducible loss, the two prefactors and the two exponents; all > 0.
    source : str
        Where the numbers come from (not used in comparisons).

    Examples
    --------
    >>> law = ParametricLoss(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
    >>> round(float(law.loss(70e9, 1.4e12)), 3)        # Chinchilla 70B on 1.4T tokens
    1.937
    >>> round(law.a, 3), round(law.b, 3)               # N_opt ∝ C^a, D_opt ∝ C^b
    (0.452, 0.548)
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str = field(default="", compare=False)

    def __post_init__(self):
        for name in ("E", "A", "B", "alpha", "beta"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float, np.floating)) and np.isfinite(value)
                    and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {value!r}")

    @classmethod
    def from_lse(cls, theta, source: str = "") -> "ParametricLoss":
        """Build from the log-sum-exp parameters ``(a, b, e, alpha, beta)`` with
        ``A, B, E = exp(a), exp(b), exp(e)`` (Hoffmann et al., Appendix D.2)."""
        a, b, e, alpha, beta = (float(v) for v in np.asarray(theta, dtype=float))
        return cls(E=float(np.exp(e)), A=float(np.exp(a)), B=float(np.exp(b)), alpha=alpha,
                   beta=beta, source=source)

    @property
    def lse(self) -> np.ndarray:
        """The parameters as ``(a, b, e, alpha, beta)`` = ``(log A, log B, log E, alpha, beta)``."""
        return np.array([np.log(self.A), np.log(self.B), np.log(self.E), self.alpha, self.beta])

    @property
    def a(self) -> float:
        """Exponent of ``N_opt ∝ C**a``: ``a = beta / (alpha + beta)`` (Hoffmann et al., eq. 4).

        The exponent of ``N`` carries ``beta``, the *data* exponent: the larger ``beta``, the
        faster the data term shrinks, so the more of each extra FLOP should go to parameters.
        """
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of ``D_opt ∝ C**b``: ``b = alpha / (alpha + beta)`` (Hoffmann et al., eq. 4)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """``G = (alpha A / (beta B)) ** (1 / (alpha + beta))`` (Hoffmann et al., eq. 4)."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    def loss(self, n_params, n_tokens):
        """``E + A / N**alpha + B / D**beta`` (Hoffmann et al., eq. 2); broadcasts."""
        n = as_positive_array(n_params, "n_params")
        d = as_positive_array(n_tokens, "n_tokens")
        return self.E + self.A * n ** -self.alpha + self.B * d ** -self.beta

    def compute_optimal(self, compute):
        """The allocation that minimizes the loss at ``C = 6 N D`` FLOPs (Hoffmann et al., eq. 4):

        ``N_opt = G (C/6)**a``, ``D_opt = (C/6)**b / G``.

        Returns
        -------
        (n_params, n_tokens) : tuple of ndarray

        Examples
        --------
        >>> law = ParametricLoss(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
        >>> n, d = law.compute_optimal(5.76e23)     # Gopher's budget
        >>> f"{float(n):.3g} parameters, {float(d):.3g} tokens"
        '3.22e+10 parameters, 2.98e+12 tokens'
        """
        c = as_positive_array(compute, "compute")
        x = c / 6.0
        return self.G * x ** self.a, x ** self.b / self.G

    def tokens_per_param(self, compute):
        """``D_opt / N_opt`` at budget ``C``: ``(C/6)**(b - a) / G**2``."""
        n, d = self.compute_optimal(compute)
        return d / n

    def optimal_loss(self, compute):
        """The lowest loss reachable with ``compute`` FLOPs, ``L(N_opt, D_opt)``."""
        n, d = self.compute_optimal(compute)
        return self.loss(n, d)

    def n_tokens_for_loss(self, n_params, target_loss):
        """Tokens a model of ``n_params`` needs to reach ``target_loss`` (inverting eq. 2 in D).

        ``inf`` where the target is out of reach (``target_loss <= E + A / N**alpha``).
        """
        n = as_positive_array(n_params, "n_params")
        target = as_positive_array(target_loss, "target_loss")
        gap = target - self.E - self.A * n ** -self.alpha
        with np.errstate(divide="ignore"):
            return np.where(gap > 0, (self.B / np.where(gap > 0, gap, 1.0)) ** (1.0 / self.beta),
                            np.inf)


#: Hoffmann et al. (2022), eq. (10) (Section 3.3 and Appendix D.2), as printed (rounded).
HOFFMANN_2022 = ParametricLoss(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28,
                               source="Hoffmann et al. 2022, eq. (10)")
#: The same fit with the unrounded values of the paper's TeX source, as quoted by Besiroglu
#: et al. (2024) (``scaling_lib/data/chinchilla/README.md``): a = 6.0073404, b = 6.0179186,
#: e = 0.5267228, alpha = 0.33917084, beta = 0.2849083.
HOFFMANN_2022_UNROUNDED = ParametricLoss.from_lse(
    [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083],
    source="Hoffmann et al. 2022, eq. (10), unrounded TeX-source values (Besiroglu et al. 2024)")
#: Besiroglu et al. (2024), headline maximum-likelihood refit on the digitized data, as computed
#: in their released analysis notebook (README of the data): A = 482.01, B = 2085.43,
#: E = 1.8169, alpha = 0.3478, beta = 0.3658.
BESIROGLU_2024 = ParametricLoss(E=1.8169, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658,
                                source="Besiroglu et al. 2024, headline estimate")
#: Besiroglu et al. (2024), "replicate exactly": Hoffmann's procedure (sum of Huber losses,
#: delta = 1e-3, L-BFGS-B from 4,500 starts) on the digitized data; README of the data.
BESIROGLU_2024_REPLICATION = ParametricLoss(E=1.8172, A=477.84, B=2143.86, alpha=0.34731,
                                            beta=0.36718,
                                            source="Besiroglu et al. 2024, exact replication")


@dataclass(frozen=True)
class AllocationExponents:
    """Published exponents of ``N_opt ∝ C**a`` and ``D_opt ∝ C**b`` with their intervals."""

    a: float
    b: float
    a_interval: tuple[float, float] | None
    b_interval: tuple[float, float] | None
    source: str


#: Hoffmann et al. (2022), Table 2 (intervals: 10th and 90th percentiles of 100 bootstrap
#: fits on 80 % subsamples, as the table's caption says).
HOFFMANN_2022_TABLE2 = {
    "1. Minimum over training curves": AllocationExponents(
        0.50, 0.50, (0.488, 0.502), (0.501, 0.512), "Hoffmann et al. 2022, Table 2"),
    "2. IsoFLOP profiles": AllocationExponents(
        0.49, 0.51, (0.462, 0.534), (0.483, 0.529), "Hoffmann et al. 2022, Table 2"),
    "3. Parametric modelling of the loss": AllocationExponents(
        0.46, 0.54, (0.454, 0.455), (0.542, 0.543), "Hoffmann et al. 2022, Table 2"),
    "Kaplan et al. (2020)": AllocationExponents(
        0.73, 0.27, None, None, "Hoffmann et al. 2022, Table 2, quoting Kaplan et al. 2020"),
}

#: Hoffmann et al. (2022), Table 3 (approach 1): model size, compute-optimal FLOPs, tokens.
HOFFMANN_2022_TABLE3 = pd.DataFrame(
    {"n_params": [400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12],
     "compute": [1.92e19, 1.21e20, 1.23e22, 5.76e23, 3.85e24, 9.90e24, 3.43e25, 1.27e26, 1.30e28],
     "n_tokens": [8.0e9, 20.2e9, 205.1e9, 1.5e12, 3.7e12, 5.9e12, 11.0e12, 21.2e12, 216.2e12]})

#: Size and training tokens of three well-known models: GPT-3 (Brown et al. 2020, Table 2.1 and
#: Section 2.2: 300B tokens), Gopher (Rae et al. 2021: 300B tokens) and Chinchilla
#: (Hoffmann et al. 2022, Section 4: 70B parameters, 1.4T tokens).
KNOWN_MODELS = pd.DataFrame(
    {"model": ["GPT-3", "Gopher", "Chinchilla"],
     "n_params": [175e9, 280e9, 70e9],
     "n_tokens": [300e9, 300e9, 1.4e12]})


def compute_optimal_numeric(params: ParametricLoss, compute) -> tuple[np.ndarray, np.ndarray]:
    """Minimize ``L(N, C / (6N))`` along the iso-FLOP line numerically (a check of eq. 4).

    Uses a bounded scalar minimization in ``log N`` for each budget.

    Examples
    --------
    >>> n, d = compute_optimal_numeric(HOFFMANN_2022, 5.76e23)
    >>> n_cf, d_cf = HOFFMANN_2022.compute_optimal(5.76e23)
    >>> bool(abs(n / n_cf - 1) < 1e-6)
    True
    """
    c = np.atleast_1d(as_positive_array(compute, "compute"))
    n_out = np.empty_like(c)
    for i, ci in enumerate(c.ravel()):
        # L along the line D = C / (6 N), in u = log N; unimodal (sum of two monotone powers).
        def f(u, ci=ci):
            n = np.exp(u)
            return params.A * n ** -params.alpha + params.B * (ci / (6 * n)) ** -params.beta

        # f is convex in u (a sum of two exponentials of u): a wide bracket is safe
        mid = 0.5 * np.log(ci / 6.0)
        res = optimize.minimize_scalar(f, bounds=(mid - 60.0, mid + 60.0), method="bounded",
                                       options={"xatol": 1e-10})
        n_out.ravel()[i] = np.exp(res.x)
    n_out = n_out.reshape(np.shape(as_positive_array(compute, "compute")))
    return n_out, np.asarray(compute, dtype=float) / (6 * n_out)


def allocation_table(params: ParametricLoss, n_params=None) -> pd.DataFrame:
    """A table like Hoffmann et al.'s Table 3 from a parametric fit: for each model size, the
    budget for which it is compute-optimal (inverting eq. 4: ``C = 6 (N / G)**(1/a)``) and the
    tokens ``D = C / (6 N)``.

    Examples
    --------
    >>> t = allocation_table(HOFFMANN_2022, [1e9])
    >>> f"{t.compute[0]:.3g} FLOPs, {t.n_tokens[0]:.3g} tokens"
    '2.64e+20 FLOPs, 4.4e+10 tokens'
    """
    n = HOFFMANN_2022_TABLE3.n_params.to_numpy() if n_params is None else n_params
    n = np.atleast_1d(as_positive_array(n, "n_params"))
    compute = 6.0 * (n / params.G) ** (1.0 / params.a)
    tokens = compute / (6.0 * n)
    return pd.DataFrame({"n_params": n, "compute": compute, "n_tokens": tokens,
                         "tokens_per_param": tokens / n})


# --------------------------------------------------------------------------------------------
# Approach 3: the Huber fit in the log-sum-exp parametrization
# --------------------------------------------------------------------------------------------

#: The Huber threshold of Hoffmann et al. (2022), Section 3.3 / Appendix D.2: delta = 1e-3.
HUBER_DELTA = 1e-3


def default_start_grid() -> np.ndarray:
    """The 4,500 starting points of Hoffmann et al. (2022), Appendix D.2, as used by
    Besiroglu et al. (2024): ``alpha, beta`` in {0, 0.5, ..., 2}, ``e`` in {-1, -0.5, ..., 1},
    ``a, b`` in {0, 5, ..., 25}; columns ``(a, b, e, alpha, beta)``.

    Examples
    --------
    >>> default_start_grid().shape
    (4500, 5)
    """
    alpha = beta = np.arange(0.0, 2.01, 0.5)
    e = np.arange(-1.0, 1.01, 0.5)
    a = b = np.arange(0.0, 25.1, 5.0)
    grid = itertools.product(a, b, e, alpha, beta)
    return np.array(list(grid), dtype=float)


def _check_runs(n_params, n_tokens, loss, minimum: int):
    n = as_positive_array(n_params, "n_params").ravel()
    d = as_positive_array(n_tokens, "n_tokens").ravel()
    ell = as_positive_array(loss, "loss").ravel()
    check_same_shape(n_params=n, n_tokens=d, loss=ell)
    check_min_length(n, "n_params", minimum)
    return n, d, ell


_BLOCK = 256   # rows per block: a block of (256 x n) temporaries stays in cache (2-3x faster)


def _evaluate(theta, x, y, t, w, delta, jac=True):
    """:func:`_evaluate_block` over blocks of rows of ``theta`` (and of ``w`` when 2-D)."""
    if theta.shape[0] <= _BLOCK:
        return _evaluate_block(theta, x, y, t, w, delta, jac)
    parts = []
    for i in range(0, theta.shape[0], _BLOCK):
        wi = w[i:i + _BLOCK] if np.ndim(w) == 2 else w
        parts.append(_evaluate_block(theta[i:i + _BLOCK], x, y, t, wi, delta, jac))
    if not jac:
        return np.concatenate(parts)
    return tuple(np.concatenate(p) for p in zip(*parts))


def _evaluate_block(theta, x, y, t, w, delta, jac=True):
    """Huber objective of Hoffmann et al. (2022), eq. (3) in the LSE form of Appendix D.2, for
    a batch of parameter vectors.

    ``theta`` has shape (S, 5) with columns ``(a, b, e, alpha, beta)``; ``x, y, t`` are
    ``log N, log D, log L`` (n,); ``w`` are point weights, shape (n,) or (S, n).
    Returns the objective (S,), and with ``jac`` the gradient (S, 5) and a Gauss-Newton
    (iteratively reweighted) curvature matrix (S, 5, 5).
    """
    a, b, e, alpha, beta = (theta[:, k:k + 1] for k in range(5))
    u1 = a - alpha * x                   # log(A / N^alpha)
    u2 = b - beta * y                    # log(B / D^beta)
    m = np.maximum(np.maximum(u1, u2), e)
    e1, e2, e3 = np.exp(u1 - m), np.exp(u2 - m), np.exp(e - m)
    s = e1 + e2 + e3
    r = m + np.log(s) - t                # LSE(a - alpha log N, b - beta log D, e) - log L
    psi = np.clip(r, -delta, delta)      # derivative of the Huber loss
    huber = psi * (r - 0.5 * psi)        # = r^2/2 if |r| <= delta else delta (|r| - delta/2)
    f = (w * huber).sum(axis=1)
    if not jac:
        return f
    inv = 1.0 / s
    p1, p2, p3 = e1 * inv, e2 * inv, e3 * inv   # d LSE / d(a, b, e); d/d(alpha, beta) = -x p1, -y p2
    wpsi = w * psi
    g1, g2 = wpsi * p1, wpsi * p2
    grad = np.column_stack([g1.sum(axis=1), g2.sum(axis=1), (wpsi * p3).sum(axis=1),
                            -(g1 * x).sum(axis=1), -(g2 * y).sum(axis=1)])
    # Iteratively reweighted least squares: weight psi(r)/r majorizes the Huber loss. The
    # Gauss-Newton matrix sum_i irls_i J_i J_i^T is assembled from products of p1, p2, p3 and
    # powers of x = log N and y = log D (elementwise products and row sums are the fast path).
    irls = w * (delta / np.maximum(np.abs(r), delta))
    q1, q2 = irls * p1, irls * p2
    q11, q12, q22 = q1 * p1, q1 * p2, q2 * p2
    q13, q23, q33 = q1 * p3, q2 * p3, irls * p3 * p3
    q11x, q12x, q22y = q11 * x, q12 * x, q22 * y

    def tot(arr):
        return arr.sum(axis=1)

    hess = np.empty((theta.shape[0], 5, 5))
    # order of parameters: a, b, e, alpha, beta
    entries = {(0, 0): tot(q11), (0, 1): tot(q12), (0, 2): tot(q13), (0, 3): -tot(q11x),
               (0, 4): -tot(q12 * y), (1, 1): tot(q22), (1, 2): tot(q23), (1, 3): -tot(q12x),
               (1, 4): -tot(q22y), (2, 2): tot(q33), (2, 3): -tot(q13 * x), (2, 4): -tot(q23 * y),
               (3, 3): tot(q11x * x), (3, 4): tot(q12x * y), (4, 4): tot(q22y * y)}
    for (i, j), value in entries.items():
        hess[:, i, j] = value
        hess[:, j, i] = value
    return f, grad, hess


def huber_objective(theta, n_params, n_tokens, loss, *, delta: float = HUBER_DELTA):
    """The objective of approach 3 (Hoffmann et al. 2022, eq. 3, in the LSE form of Appendix D.2):

    ``sum_i Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i )``.

    Parameters
    ----------
    theta : array_like, shape (5,) or (S, 5)
        ``(a, b, e, alpha, beta)``, one row per parameter vector.
    n_params, n_tokens, loss : array_like
        The training runs.
    delta : float
        The Huber threshold (1e-3 in the paper).

    Returns
    -------
    float or ndarray
        The objective for each row of ``theta``.

    Examples
    --------
    >>> n, d = np.array([1e8, 1e9, 1e10]), np.array([1e10, 1e10, 1e11])
    >>> ell = HOFFMANN_2022.loss(n, d)
    >>> float(huber_objective(HOFFMANN_2022.lse, n, d, ell)) < 1e-25
    True
    """
    n, d, ell = _check_runs(n_params, n_tokens, loss, 1)
    th = as_float_array(theta, "theta")
    single = th.ndim == 1
    th = np.atleast_2d(th)
    if th.shape[1] != 5:
        raise ValueError(f"theta must have 5 columns (a, b, e, alpha, beta), got shape {th.shape}")
    f = _evaluate(th, np.log(n), np.log(d), np.log(ell), np.ones_like(n), delta, jac=False)
    return float(f[0]) if single else f


def _batched_lm(theta, x, y, t, w, delta, *, max_iter=200, ftol=1e-12, prune=None):
    """Levenberg-Marquardt with IRLS curvature, run on many parameter vectors at once.

    Every row of ``theta`` is an independent problem (own damping, own convergence test).
    ``prune`` is a list of ``(iteration, keep)``: at that iteration only the ``keep`` rows with
    the lowest objective go on (successive halving); the others are frozen where they are.
    Returns ``(theta, f, converged)`` for all rows.
    """
    theta = np.array(theta, dtype=float)
    S = theta.shape[0]
    w = np.asarray(w, dtype=float)
    per_row = w.ndim == 2
    lam = np.full(S, 1e-3)
    f = _evaluate(theta, x, y, t, w, delta, jac=False)
    converged = np.zeros(S, dtype=bool)
    active = np.arange(S)
    schedule = dict(prune or [])
    eye = np.eye(5)
    for it in range(max_iter):
        if it in schedule and active.size > schedule[it]:
            order = np.argsort(f[active], kind="stable")
            active = active[order[:schedule[it]]]
        active = active[~converged[active]]
        if active.size == 0:
            break
        th, wa = theta[active], (w[active] if per_row else w)
        fa, g, H = _evaluate(th, x, y, t, wa, delta)
        diag = np.einsum("sii->si", H)
        # Marquardt damping on the diagonal, plus a tiny ridge for flat directions.
        A = H + (lam[active, None] * (diag + 1e-12 * (1 + diag.max(axis=1, keepdims=True))))[
            :, :, None] * eye
        try:
            step = -np.linalg.solve(A, g[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = -g / (np.einsum("sii->si", A) + 1e-300)
        cand = th + step
        fc = _evaluate(cand, x, y, t, wa, delta, jac=False)
        ok = np.isfinite(fc) & (fc < fa)
        improvement = np.where(ok, fa - fc, 0.0)
        theta[active[ok]] = cand[ok]
        f[active[ok]] = fc[ok]
        lam[active] = np.where(ok, np.maximum(lam[active] / 3.0, 1e-12),
                               lam[active] * 4.0)
        small = ok & (improvement <= ftol * (1.0 + fa)) & (np.abs(step).max(axis=1) < 1e-7)
        stalled = lam[active] > 1e12      # no descent direction found: at a (possibly kinked) minimum
        converged[active[small | stalled]] = True
    return theta, f, converged


@dataclass(frozen=True)
class ParametricLossFit:
    """Result of :func:`fit_parametric_loss` (approach 3).

    Attributes
    ----------
    params : ParametricLoss
        The fitted ``E, A, B, alpha, beta``.
    lse : ndarray
        The same in the fitted parametrization ``(a, b, e, alpha, beta)``.
    objective : float
        The sum of Huber losses at the optimum.
    residuals : ndarray
        ``log L_i - log L(N_i, D_i)`` for every run.
    success : bool
        Whether the best start converged to a point where the gradient vanishes.
    message : str
        What happened, in words.
    n_starts, n_points : int
        Number of starting points and of runs used.
    """

    params: ParametricLoss
    lse: np.ndarray = field(repr=False)
    objective: float
    residuals: np.ndarray = field(repr=False)
    success: bool
    message: str
    n_starts: int
    n_points: int


def _polish(theta0, x, y, t, delta, maxiter=500):
    """L-BFGS-B with the analytic gradient from one start (the paper's optimizer)."""
    w = np.ones_like(x)

    def fun(th):
        f, g, _ = _evaluate(th[None, :], x, y, t, w, delta)
        return float(f[0]), g[0]

    return optimize.minimize(fun, theta0, jac=True, method="L-BFGS-B",
                             options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-12})


def fit_parametric_loss(n_params, n_tokens, loss, *, delta: float = HUBER_DELTA, starts=None,
                        n_polish: int = 5, max_iter: int = 300) -> ParametricLossFit:
    """Fit ``L(N, D) = E + A/N**alpha + B/D**beta`` as in Hoffmann et al. (2022), approach 3.

    The objective is the sum of Huber losses (``delta = 1e-3``) between ``log L`` and the
    log-sum-exp form ``LSE(a - alpha log N, b - beta log D, e)`` (eq. 3 and Appendix D.2),
    minimized from every start of a grid (by default the paper's 4,500 points,
    :func:`default_start_grid`), keeping the best.

    How it is fast: all starts are iterated together as one NumPy array (a Levenberg-Marquardt
    step with an iteratively reweighted Gauss-Newton matrix and an analytic gradient). After
    one step only the best fifteenth of the starts go on, after five steps the best 30, after
    twelve the best 8, which run to convergence (successive halving); the best ``n_polish``
    distinct end points are finally polished with SciPy's L-BFGS-B, the optimizer of the paper.
    ``benchmarks/fit_speed.py`` checks that this finds the same optimum as a plain loop of
    ``scipy.optimize.minimize`` over all 4,500 starts.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        One entry per training run: parameters N, tokens D, final loss (nats/token); all > 0
        and finite, same length, at least 6 runs (5 parameters + 1).
    delta : float
        Huber threshold on the log-loss residual.
    starts : array_like, shape (S, 5), optional
        Starting points ``(a, b, e, alpha, beta)``; default :func:`default_start_grid`.
    n_polish : int
        How many of the best distinct batched solutions are polished with L-BFGS-B.
    max_iter : int
        Iteration limit of the batched solver.

    Returns
    -------
    ParametricLossFit
        ``.params`` (a :class:`ParametricLoss`), ``.success``, ``.message``, ...

    Raises
    ------
    ValueError
        If an input is non-positive, NaN or infinite, if lengths differ, or if there are fewer
        than 6 runs; the message names the argument.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> fit = fit_parametric_loss(n, d, HOFFMANN_2022.loss(n, d))
    >>> fit.success, round(fit.params.alpha, 3), round(fit.params.beta, 3)
    (True, 0.34, 0.28)
    """
    n, d, ell = _check_runs(n_params, n_tokens, loss, 6)
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be > 0, got {delta!r}")
    n_polish = as_positive_int(n_polish, "n_polish")
    max_iter = as_positive_int(max_iter, "max_iter")
    grid = default_start_grid() if starts is None else as_float_array(starts, "starts")
    grid = np.atleast_2d(grid)
    if grid.shape[1] != 5:
        raise ValueError(f"starts must have 5 columns (a, b, e, alpha, beta), got {grid.shape}")
    x, y, t = np.log(n), np.log(d), np.log(ell)
    S = grid.shape[0]
    prune = [(1, max(S // 15, 30)), (5, 30), (12, 8)]   # successive halving (see docstring)
    theta, f, conv = _batched_lm(grid, x, y, t, np.ones_like(x), delta, max_iter=max_iter,
                                 prune=prune)
    # The best distinct end points among the starts that ran to convergence (rows closer than
    # 1e-6 are the same solution); pruned starts stay where they were frozen and are skipped.
    pool = np.flatnonzero(conv & np.isfinite(f))
    if pool.size == 0:
        pool = np.flatnonzero(np.isfinite(f))
    picked = []
    for i in pool[np.argsort(f[pool], kind="stable")]:
        if all(np.abs(theta[i] - theta[j]).max() > 1e-6 for j in picked):
            picked.append(i)
        if len(picked) == n_polish:
            break
    if not picked:
        nan = float("nan")
        return ParametricLossFit(None, np.full(5, nan), nan, np.full_like(t, nan), False,
                                 "no start gave a finite objective", S, n.size)
    best, best_res = None, None
    for i in picked:
        res = _polish(theta[i], x, y, t, delta)
        if best_res is None or res.fun < best_res.fun:
            best, best_res = i, res
    th = best_res.x
    f_best = float(best_res.fun)
    grad = _evaluate(th[None, :], x, y, t, np.ones_like(x), delta)[1][0]
    gnorm = float(np.abs(grad).max())
    success = bool(conv[best] or best_res.success) and gnorm < 1e-5
    iterations = "converged" if conv[best] else f"stopped at max_iter={max_iter}"
    message = (f"best of {S} starts ({iterations} in the batched solver), polished with L-BFGS-B "
               f"({best_res.message}); objective {f_best:.6g}, max |gradient| {gnorm:.2g}")
    if not success:
        message = "did not converge: " + message
    try:
        params = ParametricLoss.from_lse(th, source="fit_parametric_loss")
    except ValueError as exc:
        return ParametricLossFit(None, th, f_best, np.full_like(t, np.nan), False,
                                 f"optimum outside the valid region ({exc}); " + message, S, n.size)
    pred = np.log(params.loss(n, d))
    return ParametricLossFit(params, th, f_best, t - pred, success, message, S, n.size)


def fit_parametric_loss_reference(n_params, n_tokens, loss, *, delta: float = HUBER_DELTA,
                                  starts=None, reduction: str = "sum") -> ParametricLossFit:
    """The straightforward approach 3: a Python loop of ``scipy.optimize.minimize``
    (L-BFGS-B, finite-difference gradients) over every start, keeping the best successful run,
    as Besiroglu et al. (2024) replicate Hoffmann et al. (2022). Slow (minutes for the 4,500
    default starts); used by ``benchmarks/fit_speed.py`` and, on small grids, by the tests.

    ``reduction="mean"`` divides the objective by the number of runs. The minimum is the same,
    but for an objective below 1 the default stopping tests of L-BFGS-B are in effect absolute,
    and every change and gradient is now ``n`` times smaller, so the optimizer stops early, far
    from the minimum: a small change of implementation that changes the answer.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 10 ** rng.uniform(7, 10, 60); d = 10 ** rng.uniform(9, 12, 60)
    >>> fit = fit_parametric_loss_reference(n, d, HOFFMANN_2022.loss(n, d),
    ...                                     starts=[[6, 6, 0.5, 0.3, 0.3]])
    >>> round(fit.params.alpha, 2)
    0.34
    """
    n, d, ell = _check_runs(n_params, n_tokens, loss, 6)
    grid = default_start_grid() if starts is None else np.atleast_2d(as_float_array(starts,
                                                                                    "starts"))
    if reduction not in ("sum", "mean"):
        raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
    x, y, t = np.log(n), np.log(d), np.log(ell)
    w = np.ones_like(x) / (x.size if reduction == "mean" else 1.0)

    def fun(th):
        return float(_evaluate(th[None, :], x, y, t, w, delta, jac=False)[0])

    best = None
    for start in grid:
        res = optimize.minimize(fun, start, method="L-BFGS-B")
        if res.success and np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        nan = float("nan")
        return ParametricLossFit(None, np.full(5, nan), nan, np.full_like(t, nan), False,
                                 f"none of {len(grid)} starts converged", len(grid), n.size)
    params = ParametricLoss.from_lse(best.x, source="fit_parametric_loss_reference")
    # report the objective as a sum in both cases, so that fits can be compared
    total = float(best.fun) * (x.size if reduction == "mean" else 1.0)
    return ParametricLossFit(params, best.x, total, t - np.log(params.loss(n, d)),
                             True, f"best of {len(grid)} L-BFGS-B runs ({best.message})",
                             len(grid), n.size)


# --------------------------------------------------------------------------------------------
# Uncertainty of approach 3: the bootstrap
# --------------------------------------------------------------------------------------------

_PARAM_NAMES = ["E", "A", "B", "alpha", "beta", "a", "b"]


@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap`: one refit of approach 3 per resample of the runs.

    Attributes
    ----------
    point : ParametricLossFit
        The fit to all the runs.
    samples : pandas.DataFrame
        One row per resample, columns ``E, A, B, alpha, beta, a, b`` (``a = beta/(alpha+beta)``,
        ``b = alpha/(alpha+beta)``).
    converged : ndarray of bool
        Whether the refit of each resample converged.
    """

    point: ParametricLossFit
    samples: pd.DataFrame = field(repr=False)
    converged: np.ndarray = field(repr=False)

    def interval(self, level: float = 0.95) -> pd.DataFrame:
        """Percentile intervals: one row per parameter, columns ``estimate, lower, upper``."""
        if not 0 < level < 1:
            raise ValueError(f"level must lie in (0, 1), got {level!r}")
        ok = self.samples[self.converged]
        q = [(1 - level) / 2, (1 + level) / 2]
        p = self.point.params
        est = {"E": p.E, "A": p.A, "B": p.B, "alpha": p.alpha, "beta": p.beta, "a": p.a, "b": p.b}
        rows = {k: (est[k], *np.quantile(ok[k], q)) for k in _PARAM_NAMES}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "lower", "upper"])

    def tokens_per_param(self, compute) -> np.ndarray:
        """``D_opt / N_opt`` at each budget for every converged resample: shape (R, len(C))."""
        c = np.atleast_1d(as_positive_array(compute, "compute"))
        s = self.samples[self.converged]
        alpha, beta = s.alpha.to_numpy()[:, None], s.beta.to_numpy()[:, None]
        G = (alpha * s.A.to_numpy()[:, None] / (beta * s.B.to_numpy()[:, None])) ** (
            1.0 / (alpha + beta))
        # D/N = (C/6)^(b-a) / G^2 (Hoffmann et al. 2022, eq. 4)
        return (c / 6.0) ** ((alpha - beta) / (alpha + beta)) / G ** 2


def bootstrap(n_params, n_tokens, loss, *, n_resamples: int = 1000, rng=None,
              delta: float = HUBER_DELTA, fit: ParametricLossFit | None = None,
              max_iter: int = 300) -> BootstrapResult:
    """Bootstrap confidence intervals for approach 3 (Hoffmann et al. 2022, eq. 2 and 3).

    Each resample draws the runs with replacement (as Besiroglu et al. 2024 do) and refits the
    Huber objective. All resamples are refitted together: a resample is a row of point
    weights (how often each run was drawn), so the batched solver of
    :func:`fit_parametric_loss` runs on them at once. Each resample starts from two points:
    the fit to all the runs and Hoffmann et al.'s published fit; the better end point is kept.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like
        The runs, as in :func:`fit_parametric_loss`.
    n_resamples : int
        Number of bootstrap resamples.
    rng : numpy.random.Generator, optional
        Source of randomness (default ``np.random.default_rng(0)``).
    delta : float
        Huber threshold.
    fit : ParametricLossFit, optional
        A fit to all the runs (computed when absent).
    max_iter : int
        Iteration limit per resample.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = 10 ** rng.uniform(7, 10, 80); d = 10 ** rng.uniform(9, 12, 80)
    >>> ell = HOFFMANN_2022.loss(n, d) * np.exp(rng.normal(0, 0.01, 80))
    >>> boot = bootstrap(n, d, ell, n_resamples=50, rng=rng)
    >>> lo, hi = boot.interval().loc["alpha", ["lower", "upper"]]
    >>> bool(lo < 0.34 < hi)
    True
    """
    n, d, ell = _check_runs(n_params, n_tokens, loss, 6)
    n_resamples = as_positive_int(n_resamples, "n_resamples")
    rng = np.random.default_rng(0) if rng is None else rng
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    if fit is None:
        fit = fit_parametric_loss(n, d, ell, delta=delta)
    if fit.params is None:
        raise ValueError(f"fit did not give parameters: {fit.message}")
    x, y, t = np.log(n), np.log(d), np.log(ell)
    idx = rng.integers(0, n.size, size=(n_resamples, n.size))
    counts = np.zeros((n_resamples, n.size))
    np.add.at(counts, (np.repeat(np.arange(n_resamples), n.size), idx.ravel()), 1.0)
    starts = np.array([fit.lse, HOFFMANN_2022_UNROUNDED.lse])
    theta0 = np.repeat(starts[None], n_resamples, axis=0).reshape(-1, 5)
    weights = np.repeat(counts, len(starts), axis=0)
    theta, f, conv = _batched_lm(theta0, x, y, t, weights, delta, max_iter=max_iter)
    theta = theta.reshape(n_resamples, len(starts), 5)
    f = f.reshape(n_resamples, len(starts))
    conv = conv.reshape(n_resamples, len(starts))
    best = np.argmin(np.where(np.isfinite(f), f, np.inf), axis=1)
    rows = np.arange(n_resamples)
    th, ok = theta[rows, best], conv[rows, best]
    alpha, beta = th[:, 3], th[:, 4]
    samples = pd.DataFrame({"E": np.exp(th[:, 2]), "A": np.exp(th[:, 0]), "B": np.exp(th[:, 1]),
                            "alpha": alpha, "beta": beta,
                            "a": beta / (alpha + beta), "b": alpha / (alpha + beta)})
    ok = ok & (alpha > 0) & (beta > 0)
    return BootstrapResult(point=fit, samples=samples, converged=ok)


# --------------------------------------------------------------------------------------------
# Approach 2: IsoFLOP profiles
# --------------------------------------------------------------------------------------------

def _group_budgets(compute, budgets, rtol):
    """Index of the budget each run belongs to (-1 for none)."""
    if budgets is None:
        budgets = np.unique(compute)
        return budgets, np.searchsorted(budgets, compute)
    budgets = np.sort(np.atleast_1d(as_positive_array(budgets, "budgets")))
    dist = np.abs(np.log(compute)[:, None] - np.log(budgets)[None, :])
    nearest = np.argmin(dist, axis=1)
    within = dist[np.arange(compute.size), nearest] <= np.log1p(rtol)
    return budgets, np.where(within, nearest, -1)


def _parabola_vertex(u, loss, weights):
    """Weighted least-squares parabola ``loss = c0 + c1 u + c2 u^2`` for each row of ``weights``
    (shape (R, k)); returns vertex ``u*``, the loss there and ``c2`` (all shape (R,))."""
    center, scale = u.mean(), max(float(np.std(u)), 1e-12)
    z = (u - center) / scale                                     # centred and scaled: well posed
    Z = np.column_stack([np.ones_like(z), z, z * z])            # (k, 3)
    lhs = np.einsum("rk,ki,kj->rij", weights, Z, Z)              # normal equations
    rhs = weights @ (Z * loss[:, None])
    with np.errstate(all="ignore"):
        det = np.linalg.det(lhs)
        safe = np.abs(det) > 1e-10 * np.abs(lhs).max(axis=(1, 2)) ** 3
        coef = np.full((weights.shape[0], 3), np.nan)
        if safe.any():
            coef[safe] = np.linalg.solve(lhs[safe], rhs[safe][:, :, None])[:, :, 0]
        c0, c1, c2 = coef.T
        zv = -c1 / (2 * c2)
        lmin = c0 + c1 * zv + c2 * zv ** 2
        return center + scale * zv, lmin, c2 / scale ** 2


class _AllocationFit:
    """The exponents ``a`` and ``b`` of ``N_opt ∝ C**a`` and ``D_opt ∝ C**b`` of a result with
    ``n_fit`` and ``d_fit`` power-law fits (approaches 1 and 2)."""

    @property
    def a(self) -> float:
        """Exponent of ``N_opt ∝ C**a`` (nan without a fit)."""
        return self.n_fit.exponent if self.n_fit is not None else float("nan")

    @property
    def b(self) -> float:
        """Exponent of ``D_opt ∝ C**b`` (nan without a fit)."""
        return self.d_fit.exponent if self.d_fit is not None else float("nan")


@dataclass(frozen=True)
class IsoFLOPResult(_AllocationFit):
    """Result of :func:`isoflop_minima` (approach 2).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per budget: ``compute, n_points, n_opt, d_opt, loss_opt, curvature, interior``
        (``interior`` is False when the parabola's minimum is not inside the sampled range of
        model sizes or the parabola opens downwards; those budgets are left out of the fits).
    n_fit, d_fit : PowerLawFit or None
        ``N_opt = k C**a`` and ``D_opt = k' C**b`` through the interior minima.
    success : bool
    message : str
    """

    table: pd.DataFrame
    n_fit: PowerLawFit | None
    d_fit: PowerLawFit | None
    success: bool
    message: str


def _prepare_isoflop(n_params, compute, loss, budgets, rtol, min_points):
    n = as_positive_array(n_params, "n_params").ravel()
    c = as_positive_array(compute, "compute").ravel()
    ell = as_positive_array(loss, "loss").ravel()
    check_same_shape(n_params=n, compute=c, loss=ell)
    min_points = as_positive_int(min_points, "min_points")
    if min_points < 3:
        raise ValueError(f"min_points must be >= 3 (a parabola has 3 coefficients), got {min_points}")
    check_min_length(n, "n_params", min_points)
    if not (np.isfinite(rtol) and rtol >= 0):
        raise ValueError(f"rtol must be >= 0, got {rtol!r}")
    grid, group = _group_budgets(c, budgets, rtol)
    return n, c, ell, grid, group, min_points


def isoflop_minima(n_params, compute, loss, *, budgets=None, rtol: float = 0.1,
                   min_points: int = 3) -> IsoFLOPResult:
    """Approach 2 of Hoffmann et al. (2022), Section 3.2: for each compute budget, fit a parabola
    of the loss in ``log N`` and take its minimum; then fit ``N_opt ∝ C**a`` and
    ``D_opt ∝ C**b`` (with ``D = C / (6 N)``) through the minima.

    Parameters
    ----------
    n_params, compute, loss : array_like
        One entry per run: parameters N, training FLOPs C and final loss.
    budgets : array_like, optional
        Nominal budgets. Runs within a relative ``rtol`` of a budget are grouped with it (for
        digitized data whose FLOPs are noisy). By default each distinct value of ``compute``
        is a budget.
    rtol : float
        Relative tolerance of the grouping (used only with ``budgets``).
    min_points : int
        Budgets with fewer runs are skipped (at least 3).

    Returns
    -------
    IsoFLOPResult

    Raises
    ------
    ValueError
        For non-positive, NaN or infinite input, mismatched lengths or too few runs.

    Examples
    --------
    >>> n = np.tile(np.logspace(7, 10, 9), 3)
    >>> c = np.repeat([1e18, 1e19, 1e20], 9)
    >>> res = isoflop_minima(n, c, HOFFMANN_2022.loss(n, c / (6 * n)))
    >>> round(res.a, 2), round(res.b, 2)
    (0.46, 0.54)
    """
    n, c, ell, grid, group, min_points = _prepare_isoflop(n_params, compute, loss, budgets, rtol,
                                                          min_points)
    rows = []
    for k, budget in enumerate(grid):
        sel = group == k
        if sel.sum() < min_points or np.unique(n[sel]).size < 3:
            continue
        u = np.log(n[sel])
        vertex, lmin, c2 = _parabola_vertex(u, ell[sel], np.ones((1, sel.sum())))
        v, c2 = float(vertex[0]), float(c2[0])
        interior = bool(np.isfinite(v) and c2 > 0 and u.min() < v < u.max())
        cb = float(np.exp(np.mean(np.log(c[sel]))))    # the budget: mean of the runs' FLOPs
        n_opt = float(np.exp(v)) if np.isfinite(v) and abs(v) < 700 else float("nan")
        rows.append({"compute": cb, "n_points": int(sel.sum()), "n_opt": n_opt,
                     "d_opt": cb / (6 * n_opt) if np.isfinite(n_opt) else float("nan"),
                     "loss_opt": float(lmin[0]), "curvature": c2, "interior": interior})
    table = pd.DataFrame(rows, columns=["compute", "n_points", "n_opt", "d_opt", "loss_opt",
                                        "curvature", "interior"])
    good = table[table.interior]
    if len(good) < 2:
        return IsoFLOPResult(table, None, None, False,
                             f"{len(good)} budget(s) with an interior minimum out of {len(table)}; "
                             "need at least 2 to fit a power law")
    n_fit = fit_power_law(good.compute, good.n_opt)
    d_fit = fit_power_law(good.compute, good.d_opt)
    return IsoFLOPResult(table, n_fit, d_fit, True,
                         f"power laws through {len(good)} interior minima out of {len(table)} "
                         "budgets")


@dataclass(frozen=True)
class IsoFLOPBootstrap:
    """Result of :func:`bootstrap_isoflop`: the exponent ``a`` of ``N_opt ∝ C**a`` per resample."""

    point: IsoFLOPResult
    a_samples: np.ndarray = field(repr=False)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Percentile interval of ``a`` (``b = 1 - a`` because ``D_opt = C / (6 N_opt)``)."""
        return percentile_interval(self.a_samples, level)


def bootstrap_isoflop(n_params, compute, loss, *, n_resamples: int = 1000, rng=None,
                      budgets=None, rtol: float = 0.1, min_points: int = 3) -> IsoFLOPBootstrap:
    """Bootstrap interval for the exponent of approach 2: the runs of every budget are resampled
    with replacement, the parabolas refitted, and ``N_opt ∝ C**a`` refitted through the interior
    minima of each resample.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = np.tile(np.logspace(7, 10, 9), 4); c = np.repeat([1e18, 1e19, 1e20, 1e21], 9)
    >>> ell = HOFFMANN_2022.loss(n, c / (6 * n)) + rng.normal(0, 0.005, n.size)
    >>> lo, hi = bootstrap_isoflop(n, c, ell, n_resamples=200, rng=rng).interval()
    >>> bool(lo < 0.456 < hi)
    True
    """
    point = isoflop_minima(n_params, compute, loss, budgets=budgets, rtol=rtol,
                           min_points=min_points)
    n, c, ell, grid, group, min_points = _prepare_isoflop(n_params, compute, loss, budgets, rtol,
                                                          min_points)
    n_resamples = as_positive_int(n_resamples, "n_resamples")
    rng = np.random.default_rng(0) if rng is None else rng
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    logc, logn = [], []
    for k in range(grid.size):
        sel = np.flatnonzero(group == k)
        if sel.size < min_points or np.unique(n[sel]).size < 3:
            continue
        draws = rng.integers(0, sel.size, size=(n_resamples, sel.size))
        counts = np.zeros((n_resamples, sel.size))
        np.add.at(counts, (np.repeat(np.arange(n_resamples), sel.size), draws.ravel()), 1.0)
        u = np.log(n[sel])
        vertex, _, c2 = _parabola_vertex(u, ell[sel], counts)
        # a resample counts only if it kept >= 3 distinct sizes and an interior minimum
        distinct = (counts > 0).sum(axis=1) >= 3
        used_lo = np.where(counts > 0, u, np.inf).min(axis=1)
        used_hi = np.where(counts > 0, u, -np.inf).max(axis=1)
        interior = distinct & (c2 > 0) & (vertex > used_lo) & (vertex < used_hi)
        logn.append(np.where(interior, vertex, np.nan))
        logc.append(np.full(n_resamples, np.mean(np.log(c[sel]))))
    if not logn:
        return IsoFLOPBootstrap(point, np.full(n_resamples, np.nan))
    X, Y = np.column_stack(logc), np.column_stack(logn)
    mask = np.isfinite(Y)
    cnt = mask.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(mask, X, 0).sum(axis=1) / cnt
        ym = np.where(mask, Y, 0).sum(axis=1) / cnt
        dx = np.where(mask, X - xm[:, None], 0)
        dy = np.where(mask, Y - ym[:, None], 0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)   # least squares in log space
    slope[cnt < 2] = np.nan
    return IsoFLOPBootstrap(point, slope)


# --------------------------------------------------------------------------------------------
# Approach 1: the envelope of minimal loss
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnvelopeResult(_AllocationFit):
    """Result of :func:`envelope_fit` (approach 1).

    Attributes
    ----------
    frontier : pandas.DataFrame
        The runs on the envelope (``n_params, compute, n_tokens, loss``), by compute.
    n_fit, d_fit : PowerLawFit or None
        ``N ∝ C**a`` and ``D ∝ C**b`` through the envelope runs.
    success : bool
    message : str
    """

    frontier: pd.DataFrame
    n_fit: PowerLawFit | None
    d_fit: PowerLawFit | None
    success: bool
    message: str


def envelope_fit(n_params, compute, loss) -> EnvelopeResult:
    """Approach 1 of Hoffmann et al. (2022), Section 3.1, on final losses: the envelope of
    minimal loss against compute, and power laws of the model size (and tokens) on it.

    Hoffmann et al. take, at 1,500 values of compute, the lowest loss over every *training
    curve* (each run contributes all its intermediate checkpoints). With only the final point
    of each run, the envelope is the set of runs that reach a lower loss than every run using
    no more compute (the Pareto front of compute and loss).

    Parameters
    ----------
    n_params, compute, loss : array_like
        One entry per run (at least 2).

    Returns
    -------
    EnvelopeResult

    Examples
    --------
    >>> res = envelope_fit([1e8, 2e8, 1e8, 4e8], [1e18, 2e18, 4e18, 8e18], [3.0, 2.9, 2.95, 2.7])
    >>> res.frontier.n_params.tolist()
    [100000000.0, 200000000.0, 400000000.0]
    """
    n = as_positive_array(n_params, "n_params").ravel()
    c = as_positive_array(compute, "compute").ravel()
    ell = as_positive_array(loss, "loss").ravel()
    check_same_shape(n_params=n, compute=c, loss=ell)
    check_min_length(n, "n_params", 2)
    order = np.lexsort((ell, c))           # by compute, ties by loss
    best = np.inf
    keep = []
    for i in order:
        if ell[i] < best:
            keep.append(i)
            best = ell[i]
    keep = np.array(keep)
    frontier = pd.DataFrame({"n_params": n[keep], "compute": c[keep],
                             "n_tokens": c[keep] / (6 * n[keep]), "loss": ell[keep]})
    if len(frontier) < 2 or np.ptp(np.log(frontier.compute)) == 0:
        return EnvelopeResult(frontier, None, None, False,
                              f"only {len(frontier)} run(s) on the envelope; need 2")
    n_fit = fit_power_law(frontier.compute, frontier.n_params)
    d_fit = fit_power_law(frontier.compute, frontier.n_tokens)
    return EnvelopeResult(frontier, n_fit, d_fit, True,
                          f"power laws through {len(frontier)} envelope runs out of {n.size}")


# --------------------------------------------------------------------------------------------
# Beyond compute-optimal: counting inference (Sardana et al. 2024)
# --------------------------------------------------------------------------------------------

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


def compute_for_loss(params: ParametricLoss, target_loss: float) -> float:
    """The smallest training budget whose compute-optimal model reaches ``target_loss``.

    Examples
    --------
    >>> c = compute_for_loss(HOFFMANN_2022, 2.0)
    >>> round(float(HOFFMANN_2022.optimal_loss(c)), 6)
    2.0
    """
    target = float(as_positive_array(target_loss, "target_loss"))
    if target <= params.E:
        raise ValueError(f"target_loss must exceed the irreducible loss E={params.E:.4g}, "
                         f"got {target!r}")

    def gap(logc):
        return float(params.optimal_loss(np.exp(logc))) - target

    lo, hi = np.log(1e6), np.log(1e40)
    if gap(lo) < 0:
        return float(np.exp(lo))
    if gap(hi) > 0:
        raise ValueError(f"target_loss={target!r} needs more than 1e40 FLOPs")
    return float(np.exp(optimize.brentq(gap, lo, hi, xtol=1e-12)))


def inference_optimal(params: ParametricLoss, target_loss: float, inference_tokens) -> InferenceOptimum:
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
    target = float(as_positive_array(target_loss, "target_loss"))
    if target <= params.E:
        raise ValueError(f"target_loss must exceed the irreducible loss E={params.E:.4g}, "
                         f"got {target!r}")
    d_inf = as_float_array(inference_tokens, "inference_tokens")
    if np.any(d_inf < 0):
        raise ValueError(f"inference_tokens must be >= 0, got {d_inf[d_inf < 0].ravel()[0]!r}")
    shape = d_inf.shape
    d_inf = d_inf.ravel()
    # smallest N that can reach the target with infinite data: E + A / N^alpha = target
    log_nmin = np.log(params.A / (target - params.E)) / params.alpha
    c_opt = compute_for_loss(params, target)
    n_c, d_c = (float(v) for v in params.compute_optimal(c_opt))
    n_out = np.empty_like(d_inf)
    for i, di in enumerate(d_inf):
        def cost(u, di=di):
            n = np.exp(log_nmin + np.exp(u))      # N > N_min, u unbounded
            d = float(params.n_tokens_for_loss(n, target))
            return np.log(6 * n * d + 2 * n * di)

        u0 = np.log(np.log(n_c) - log_nmin)       # start the bracket at the Chinchilla model
        res = optimize.minimize_scalar(cost, bracket=(u0 - 3.0, u0), method="brent",
                                       options={"xtol": 1e-12})
        n_out[i] = np.exp(log_nmin + np.exp(res.x))
    d_out = params.n_tokens_for_loss(n_out, target)
    train, infer = 6 * n_out * d_out, 2 * n_out * d_inf
    ones = np.ones_like(d_inf)
    return InferenceOptimum(
        n_out.reshape(shape), d_out.reshape(shape), train.reshape(shape), infer.reshape(shape),
        (train + infer).reshape(shape), (n_c * ones).reshape(shape), (d_c * ones).reshape(shape),
        (6 * n_c * d_c + 2 * n_c * d_inf).reshape(shape))
