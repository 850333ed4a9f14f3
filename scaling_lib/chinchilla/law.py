"""The parametric loss of Hoffmann et al. (2022), its closed-form allocation, and published values.

``L(N, D) = E + A / N**alpha + B / D**beta`` (their eq. 2). Minimizing it along ``C = 6 N D``
gives ``N_opt = G (C/6)**a`` and ``D_opt = (C/6)**b / G`` (their eq. 4); the three numbers
``a, b, G`` are computed in one place, :func:`allocation`, which everything else calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import (
    _show,
    as_float_array,
    as_instance,
    as_positive_array,
    as_positive_float,
    check_finite_result,
)


def check_law(value, name: str = "params", *, what: str | None = None):
    """Return ``value`` if it is a :class:`ParametricLoss` (or a subclass of it); otherwise a
    ``ValueError`` naming the argument ``name`` and saying what came. The one validator of a
    law argument across the library; ``what`` (a str) replaces the words for what was
    expected, for a message that points to a particular law.

    Examples
    --------
    >>> check_law(HOFFMANN_2022, "law") is HOFFMANN_2022
    True
    >>> check_law((1.69, 406.4), "base")
    Traceback (most recent call last):
    ...
    ValueError: base must be a ParametricLoss (scaling_lib.chinchilla), got tuple (1.69, 406.4)
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {_show(name)}")
    if what is not None and (not isinstance(what, str) or not what):
        raise ValueError(
            f"what must be None or a non-empty str, got {_show(what)}"
        )
    return as_instance(
        value,
        name,
        ParametricLoss,
        what=what or "a ParametricLoss (scaling_lib.chinchilla)",
    )


__all__ = [
    "check_law",
    "allocation",
    "ParametricLoss",
    "HOFFMANN_2022",
    "HOFFMANN_2022_UNROUNDED",
    "BESIROGLU_2024",
    "BESIROGLU_2024_REPLICATION",
    "BESIROGLU_2024_INTERVALS",
    "AllocationExponents",
    "HOFFMANN_2022_TABLE2",
    "HOFFMANN_2022_TABLE3",
    "KNOWN_MODELS",
    "compute_optimal_numeric",
    "allocation_table",
]


def _positive_1d(value, name: str) -> np.ndarray:
    """``value`` as a non-empty array of positive numbers, at most 1-D (a scalar gives one
    entry); ``ValueError`` naming ``name`` otherwise."""
    arr = np.atleast_1d(as_positive_array(value, name, min_size=1))
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    return arr


def allocation(A, B, alpha, beta):
    """The exponents and prefactor of the compute-optimal allocation (Hoffmann et al. 2022, eq. 4):

    ``a = beta / (alpha + beta)``, ``b = alpha / (alpha + beta)``,
    ``G = (alpha A / (beta B)) ** (1 / (alpha + beta))``,

    so that ``N_opt = G (C/6)**a`` and ``D_opt = (C/6)**b / G``. Broadcasts over arrays (one
    entry per bootstrap resample, for instance). The exponent of ``N`` carries ``beta``, the
    *data* exponent: the faster the data term shrinks, the more of each extra FLOP should go to
    parameters.

    Examples
    --------
    >>> a, b, G = allocation(406.4, 410.7, 0.34, 0.28)
    >>> round(float(a), 3), round(float(b), 3), round(float(G), 3)
    (0.452, 0.548, 1.345)
    """
    A, B = (
        as_positive_array(A, "A", min_size=1),
        as_positive_array(B, "B", min_size=1),
    )
    alpha, beta = (
        as_positive_array(alpha, "alpha", min_size=1),
        as_positive_array(beta, "beta", min_size=1),
    )
    s = alpha + beta
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        G = (alpha * A / (beta * B)) ** (1.0 / s)
    check_finite_result(G, "G", A=A, B=B, alpha=alpha, beta=beta)
    return beta / s, alpha / s, G


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
            as_positive_float(value, name)
        if not isinstance(self.source, str):
            raise ValueError(
                f"source must be a str (where the numbers come from), got "
                f"{type(self.source).__name__} {self.source!r:.60}"
            )

    @classmethod
    def from_lse(cls, theta, source: str = "") -> "ParametricLoss":
        """Build from the log-sum-exp parameters ``(a, b, e, alpha, beta)`` with
        ``A, B, E = exp(a), exp(b), exp(e)`` (Hoffmann et al., Appendix D.2).

        ``theta`` holds five finite numbers; a ``ValueError`` naming ``theta`` refuses any
        other, and a ``theta`` whose ``exp`` overflows or whose exponents are not > 0.
        """
        theta = as_float_array(theta, "theta", ndim=1)
        if theta.size != 5:
            raise ValueError(
                "theta must hold 5 numbers (a, b, e, alpha, beta), got "
                f"{theta.size}"
            )
        a, b, e, alpha, beta = (float(v) for v in theta)
        with np.errstate(over="ignore"):
            A, B, E = (float(np.exp(v)) for v in (a, b, e))
        try:
            return cls(E=E, A=A, B=B, alpha=alpha, beta=beta, source=source)
        except ValueError as exc:
            if "source" in str(exc):
                raise
            raise ValueError(f"theta={theta.tolist()} gives {exc}") from None

    @property
    def lse(self) -> np.ndarray:
        """The parameters ``(a, b, e, alpha, beta)``.

        That is ``(log A, log B, log E, alpha, beta)``.
        """
        return np.array(
            [
                np.log(self.A),
                np.log(self.B),
                np.log(self.E),
                self.alpha,
                self.beta,
            ]
        )

    @property
    def a(self) -> float:
        """Exponent of ``N_opt ∝ C**a``: ``a = beta / (alpha + beta)``.

        Eq. 4; see :func:`allocation`.
        """
        return float(allocation(self.A, self.B, self.alpha, self.beta)[0])

    @property
    def b(self) -> float:
        """Exponent of ``D_opt ∝ C**b``: ``b = alpha / (alpha + beta)``.

        Eq. 4; see :func:`allocation`.
        """
        return float(allocation(self.A, self.B, self.alpha, self.beta)[1])

    @property
    def G(self) -> float:
        """``G = (alpha A / (beta B)) ** (1 / (alpha + beta))`` (eq. 4; see :func:`allocation`)."""
        return float(allocation(self.A, self.B, self.alpha, self.beta)[2])

    def loss(self, n_params, n_tokens):
        """``E + A / N**alpha + B / D**beta`` (Hoffmann et al., eq. 2); broadcasts."""
        n = as_positive_array(n_params, "n_params")
        d = as_positive_array(n_tokens, "n_tokens")
        return self.E + self.A * n**-self.alpha + self.B * d**-self.beta

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
        return self.G * x**self.a, x**self.b / self.G

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
        gap = target - self.E - self.A * n**-self.alpha
        with np.errstate(divide="ignore"):
            return np.where(
                gap > 0,
                (self.B / np.where(gap > 0, gap, 1.0)) ** (1.0 / self.beta),
                np.inf,
            )


#: Hoffmann et al. (2022), eq. (10) (Section 3.3 and Appendix D.2), as printed (rounded).
HOFFMANN_2022 = ParametricLoss(
    E=1.69,
    A=406.4,
    B=410.7,
    alpha=0.34,
    beta=0.28,
    source="Hoffmann et al. 2022, eq. (10)",
)
#: The same fit with the unrounded values of the paper's TeX source, as quoted by Besiroglu
#: et al. (2024) (``scaling_lib/data/chinchilla/README.md``): a = 6.0073404, b = 6.0179186,
#: e = 0.5267228, alpha = 0.33917084, beta = 0.2849083.
HOFFMANN_2022_UNROUNDED = ParametricLoss.from_lse(
    [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083],
    source="Hoffmann et al. 2022, eq. (10), unrounded TeX-source values (Besiroglu et al. 2024)",
)
#: Besiroglu et al. (2024), headline maximum-likelihood refit on the digitized data, as computed
#: in their released analysis notebook (README of the data): A = 482.01, B = 2085.43,
#: E = 1.8169, alpha = 0.3478, beta = 0.3658.
BESIROGLU_2024 = ParametricLoss(
    E=1.8169,
    A=482.01,
    B=2085.43,
    alpha=0.3478,
    beta=0.3658,
    source="Besiroglu et al. 2024, headline estimate",
)
#: Besiroglu et al. (2024), "replicate exactly": Hoffmann's procedure (sum of Huber losses,
#: delta = 1e-3, L-BFGS-B from 4,500 starts) on the digitized data; README of the data.
BESIROGLU_2024_REPLICATION = ParametricLoss(
    E=1.8172,
    A=477.84,
    B=2143.86,
    alpha=0.34731,
    beta=0.36718,
    source="Besiroglu et al. 2024, exact replication",
)

#: Besiroglu et al. (2024): 95 % percentile intervals from 4,000 bootstrap resamples of the 240
#: runs, computed in their released analysis notebook (README of the data).
BESIROGLU_2024_INTERVALS = {
    "E": (1.769, 1.871),
    "A": (285.2, 743.6),
    "B": (1042.4, 5810.3),
    "alpha": (0.317, 0.373),
    "beta": (0.331, 0.415),
}


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
        0.50,
        0.50,
        (0.488, 0.502),
        (0.501, 0.512),
        "Hoffmann et al. 2022, Table 2",
    ),
    "2. IsoFLOP profiles": AllocationExponents(
        0.49,
        0.51,
        (0.462, 0.534),
        (0.483, 0.529),
        "Hoffmann et al. 2022, Table 2",
    ),
    "3. Parametric modelling of the loss": AllocationExponents(
        0.46,
        0.54,
        (0.454, 0.455),
        (0.542, 0.543),
        "Hoffmann et al. 2022, Table 2",
    ),
    "Kaplan et al. (2020)": AllocationExponents(
        0.73,
        0.27,
        None,
        None,
        "Hoffmann et al. 2022, Table 2, quoting Kaplan et al. 2020",
    ),
}

#: Hoffmann et al. (2022), Table 3 (approach 1): model size, compute-optimal FLOPs, tokens.
HOFFMANN_2022_TABLE3 = pd.DataFrame(
    {
        "n_params": [400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12],
        "compute": [
            1.92e19,
            1.21e20,
            1.23e22,
            5.76e23,
            3.85e24,
            9.90e24,
            3.43e25,
            1.27e26,
            1.30e28,
        ],
        "n_tokens": [
            8.0e9,
            20.2e9,
            205.1e9,
            1.5e12,
            3.7e12,
            5.9e12,
            11.0e12,
            21.2e12,
            216.2e12,
        ],
    }
)

#: Size and training tokens of three well-known models: GPT-3 (Brown et al. 2020, Table 2.1 and
#: Section 2.2: 300B tokens), Gopher (Rae et al. 2021: 300B tokens) and Chinchilla
#: (Hoffmann et al. 2022, Section 4: 70B parameters, 1.4T tokens).
KNOWN_MODELS = pd.DataFrame(
    {
        "model": ["GPT-3", "Gopher", "Chinchilla"],
        "n_params": [175e9, 280e9, 70e9],
        "n_tokens": [300e9, 300e9, 1.4e12],
    }
)


def compute_optimal_numeric(
    params: ParametricLoss, compute
) -> tuple[np.ndarray, np.ndarray]:
    """Minimize ``L(N, C / (6N))`` along the iso-FLOP line numerically (a check of eq. 4).

    Uses a bounded scalar minimization in ``log N`` for each budget.

    Examples
    --------
    >>> n, d = compute_optimal_numeric(HOFFMANN_2022, 5.76e23)
    >>> n_cf, d_cf = HOFFMANN_2022.compute_optimal(5.76e23)
    >>> bool(abs(n / n_cf - 1) < 1e-6)
    True
    """
    params = check_law(params, "params")
    c = np.atleast_1d(as_positive_array(compute, "compute"))
    n_out = np.empty_like(c)
    for i, ci in enumerate(c.ravel()):
        # L along the line D = C / (6 N), in u = log N; unimodal (sum of two monotone powers).
        def f(u, ci=ci):
            n = np.exp(u)
            return (
                params.A * n**-params.alpha
                + params.B * (ci / (6 * n)) ** -params.beta
            )

        # f is convex in u (a sum of two exponentials of u): a wide bracket is safe
        mid = 0.5 * np.log(ci / 6.0)
        from scipy import optimize  # imported here: a slow import

        res = optimize.minimize_scalar(
            f,
            bounds=(mid - 60.0, mid + 60.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
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
    params = check_law(params, "params")
    n = (
        HOFFMANN_2022_TABLE3.n_params.to_numpy()
        if n_params is None
        else n_params
    )
    n = _positive_1d(n, "n_params")
    a, _, G = allocation(params.A, params.B, params.alpha, params.beta)
    compute = 6.0 * (n / G) ** (1.0 / a)
    tokens = compute / (6.0 * n)
    return pd.DataFrame(
        {
            "n_params": n,
            "compute": compute,
            "n_tokens": tokens,
            "tokens_per_param": tokens / n,
        }
    )
