"""The scaling lab: a simulated training service with a FLOP budget.

A :class:`Lab` hides a ground-truth parametric law ``L(N, D) = E + A/N**alpha + B/D**beta``
(Hoffmann et al. 2022, eq. 2; evaluated by :class:`scaling_lib.chinchilla.ParametricLoss`)
whose constants are drawn from a seed, and adds run-to-run noise to every loss it reports.
A student "trains" models with :meth:`Lab.train`, which charges ``6 N D`` FLOPs to a budget,
designs IsoFLOP experiments, fits a law, and predicts the compute-optimal size and the loss of
a run far beyond the budget; :meth:`Lab.grade` scores that prediction against the hidden truth.
Each student gets a seed, so two students get two different laws.

Where the constants come from
-----------------------------
The constants are drawn uniformly from the box spanned by the two published fits of the
Chinchilla runs, Hoffmann et al. (2022), eq. 10 (``E = 1.69, A = 406.4, B = 410.7,
alpha = 0.34, beta = 0.28``) and Besiroglu et al. (2024), headline estimate
(``E = 1.8169, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658``), widened a little on
each side (:data:`CONSTANT_RANGES`). ``A`` and ``B`` are not drawn directly: ``A`` and
``alpha`` trade off strongly (a larger exponent with a larger prefactor gives the same loss in
the fitted range), so the lab draws the *size* of each term at a reference scale, where both
published fits agree far better than in ``A`` or ``B`` -- the parameter term at ``N = 1e9``
(0.354 and 0.357 nats) and the data term at ``D = 1e10`` (0.651 and 0.458 nats) -- and sets
``A = term_N * 1e9**alpha`` and ``B = term_D * 1e10**beta``.

The noise is multiplicative and log-normal, ``L_run = L(N, D) * exp(sigma * z)`` with
``sigma = 0.005`` by default: a design choice of the lab (half a per cent of the loss, about
0.015 nats at a loss of 3), small enough that an IsoFLOP profile of five or more sizes shows
its minimum, large enough that a fit from a handful of runs is visibly uncertain.

References
----------
Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. NeurIPS.
Besiroglu, T., Erdil, E., Barnett, M., You, J. (2024). Chinchilla Scaling: A replication attempt.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import (
    as_bool,
    as_float,
    as_float_array,
    as_path,
    as_positive_array,
    as_positive_int,
    as_rng,
    check_finite_result,
)
from .chinchilla import ParametricLoss

__all__ = [
    "CONSTANT_RANGES",
    "REFERENCE_N",
    "REFERENCE_D",
    "SIZE_LIMITS",
    "RunRefused",
    "BudgetExceeded",
    "OutOfRange",
    "GradeResult",
    "draw_law",
    "isoflop_design",
    "Lab",
]

#: The range of each drawn constant: ``E`` (nats), the exponents, and the size (nats) of the
#: parameter term at :data:`REFERENCE_N` and of the data term at :data:`REFERENCE_D`. Each
#: range contains the values of Hoffmann et al. (2022, eq. 10) and Besiroglu et al. (2024).
CONSTANT_RANGES = {
    "E": (1.65, 1.85),  # 1.69 (Hoffmann), 1.8169 (Besiroglu)
    "alpha": (0.30, 0.40),  # 0.34, 0.3478
    "beta": (0.26, 0.40),  # 0.28, 0.3658
    "term_n": (0.30, 0.42),  # A / N**alpha at N = 1e9: 0.354, 0.357
    "term_d": (0.40, 0.70),  # B / D**beta at D = 1e10: 0.651, 0.458
}
REFERENCE_N = 1e9
REFERENCE_D = 1e10

#: Sizes the lab can train: parameters and tokens, inclusive.
SIZE_LIMITS = {"n_params": (1e5, 1e11), "n_tokens": (1e6, 1e13)}


#: Grading: full points for a size within a factor FULL_RATIO of the truth, none beyond
#: ZERO_RATIO; full points for a loss within FULL_LOSS nats, none beyond ZERO_LOSS.
FULL_RATIO, ZERO_RATIO = 1.1, 2.0
FULL_LOSS, ZERO_LOSS = 0.01, 0.1


class RunRefused(ValueError):
    """A run the lab does not train (nothing is charged)."""


class BudgetExceeded(RunRefused):
    """The run would cost more FLOPs than remain in the budget."""


class OutOfRange(RunRefused):
    """The model or the data set is outside the sizes the lab supports (:data:`SIZE_LIMITS`)."""


def draw_law(rng=None) -> ParametricLoss:
    """Draw the constants of a ground-truth law from :data:`CONSTANT_RANGES`.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).

    Examples
    --------
    >>> law = draw_law(0)
    >>> 1.65 <= law.E <= 1.85 and 0.30 <= law.alpha <= 0.40
    True
    """
    rng = as_rng(rng)
    u = {
        k: float(rng.uniform(lo, hi))
        for k, (lo, hi) in CONSTANT_RANGES.items()
    }
    return ParametricLoss(
        E=u["E"],
        A=u["term_n"] * REFERENCE_N ** u["alpha"],
        B=u["term_d"] * REFERENCE_D ** u["beta"],
        alpha=u["alpha"],
        beta=u["beta"],
        source="scaling lab, drawn from CONSTANT_RANGES",
    )


def isoflop_design(
    budgets,
    *,
    n_sizes: int = 6,
    spread: float = 10.0,
    tokens_per_param: float = 20.0,
) -> pd.DataFrame:
    """A plan of IsoFLOP runs: for each budget ``C``, ``n_sizes`` model sizes spaced evenly in
    ``log N`` from ``N0 / spread`` to ``N0 * spread`` around the guess
    ``N0 = sqrt(C / (6 * tokens_per_param))`` (the size that gives ``tokens_per_param`` tokens
    per parameter), each with ``D = C / (6 N)`` tokens.

    Parameters
    ----------
    budgets : float or 1-D array_like
        The compute budgets ``C`` (FLOPs), each > 0.
    n_sizes : int
        Model sizes per budget, 3 to 1000 (a parabola has 3 coefficients).
    spread : float
        The largest size is ``spread`` times the guess ``N0``, the smallest ``N0 / spread``
        (> 1).
    tokens_per_param : float
        Tokens per parameter of the guess ``N0`` (> 0).

    Returns
    -------
    pandas.DataFrame
        ``compute, n_params, n_tokens``, one row per planned run.

    Examples
    --------
    >>> plan = isoflop_design([1e17, 1e18], n_sizes=5)
    >>> len(plan), f"{plan.compute.sum():.3g}"
    (10, '5.5e+18')
    """
    c = np.atleast_1d(as_positive_array(budgets, "budgets", min_size=1))
    c = as_float_array(c, "budgets", ndim=1)  # one number or a 1-D array
    n_sizes = as_positive_int(n_sizes, "n_sizes", maximum=1000)
    if n_sizes < 3:
        raise ValueError(
            f"n_sizes must be >= 3 (a parabola has 3 coefficients), got {n_sizes}"
        )
    spread = as_float(spread, "spread", low=1, low_open=True)
    tpp = as_float(tokens_per_param, "tokens_per_param", low=0, low_open=True)
    steps = np.logspace(-np.log10(spread), np.log10(spread), n_sizes)
    compute = np.repeat(c, n_sizes)
    # extreme but finite inputs (1e300 FLOPs per 1e-300 tokens per parameter) leave the
    # range of a float: computed quietly, then refused by name
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        n = (np.sqrt(c / (6.0 * tpp))[:, None] * steps[None, :]).ravel()
        d = compute / (6.0 * n)
        both = np.r_[n, d, 1.0 / d]  # 1 / d: no token count rounds to 0
    check_finite_result(
        both,
        "model sizes and token counts",
        budgets=budgets,
        spread=spread,
        tokens_per_param=tokens_per_param,
    )
    return pd.DataFrame({"compute": compute, "n_params": n, "n_tokens": d})


@dataclass(frozen=True)
class GradeResult:
    """Result of :meth:`Lab.grade`.

    Attributes
    ----------
    score, max_score : float
        Points earned (sum of the two parts) and the maximum.
    n_opt_score, loss_score : float
        Each part's points, between 0 and ``max_score / 2``.
    feedback : str
        What is right or wrong, in words (without the hidden values unless revealed).
    """

    score: float
    max_score: float
    n_opt_score: float
    loss_score: float
    feedback: str

    def __str__(self) -> str:
        # printed lines wrapped to 78 characters, the width of the site's output column
        return "\n".join(
            textwrap.fill(line, 78, subsequent_indent="  ")
            for line in self.feedback.splitlines()
        )

    def _repr_markdown_(self) -> str:
        return self.feedback.replace("\n", "  \n")


def _points(error: float, full: float, zero: float) -> float:
    """1 for ``error <= full``, 0 for ``error >= zero``, linear in between."""
    return float(np.clip((zero - error) / (zero - full), 0.0, 1.0))


def _band(log_ratio: float) -> str:
    """How far off a factor (given by its natural log) is, in words and in bands, without
    the exact value."""
    r = abs(log_ratio)
    for edge, words in (
        (1.1, "by less than 10 %"),
        (1.25, "by 10 to 25 %"),
        (1.5, "by 25 to 50 %"),
        (2.0, "by a factor of 1.5 to 2"),
        (4.0, "by a factor of 2 to 4"),
    ):
        if r <= math.log(edge):
            return words
    return "by more than a factor of 4"


def _one(value):
    """The number in a one-element array or Series (what ``fit.predict([c])`` returns);
    anything else unchanged, for the validator to judge."""
    if isinstance(value, (np.ndarray, pd.Series)) and value.size == 1:
        return np.asarray(value).ravel()[0]
    return value


class Lab:
    """A simulated training service with a hidden scaling law and a FLOP budget.

    Parameters
    ----------
    seed : None, int or numpy.random.Generator
        Chooses the hidden law and the noise (SPEC 7). Give each student their own integer.
    budget_flops : float
        Total training compute the student may spend, ``sum(6 N D)`` over all runs.
    noise : float
        Standard deviation of the log-normal run-to-run noise on the loss, between 0 and 1
        (default 0.005).
    target_factor : float
        The held-out run has ``target_factor * budget_flops`` of compute, >= 1 (default 100).

    Raises
    ------
    ValueError
        A bad argument (the message names it); ``seed`` follows SPEC 7.

    Attributes
    ----------
    budget_flops, remaining_flops, spent_flops : float
    target_compute : float
        Compute of the held-out run whose optimal size and loss the student predicts.
    runs : pandas.DataFrame
        One row per trained run: ``run, n_params, n_tokens, compute, loss``.

    Examples
    --------
    >>> lab = Lab(seed=1, budget_flops=1e18)
    >>> loss = lab.train(1e7, 2e8)
    >>> f"{lab.remaining_flops:.3g}"
    '9.88e+17'
    >>> len(lab.runs)
    1
    """

    def __init__(
        self,
        seed=None,
        budget_flops: float = 1e19,
        *,
        noise: float = 0.005,
        target_factor: float = 100.0,
    ):
        self.budget_flops = as_float(
            budget_flops, "budget_flops", low=0, low_open=True
        )
        # sigma = 1 already scatters a loss by a factor e: larger values are a slip, and
        # exp(sigma * z) would overflow
        self.noise = as_float(noise, "noise", low=0, high=1)
        target_factor = as_float(target_factor, "target_factor", low=1)
        law_rng, noise_rng = as_rng(seed, "seed").spawn(2)
        self.seed = seed if isinstance(seed, (int, np.integer)) else None
        self._law = draw_law(law_rng)
        self._noise_rng = noise_rng
        self.target_compute = check_finite_result(
            target_factor * self.budget_flops,
            "the held-out compute target_factor * budget_flops",
            target_factor=target_factor,
            budget_flops=budget_flops,
        )
        self._costs: list[float] = []
        self._rows: list[dict] = []
        self.n_grades = 0

    def __repr__(self) -> str:
        return (
            f"Lab(seed={self.seed!r}, budget_flops={self.budget_flops:.3g}): "
            f"{len(self._rows)} runs, {self.remaining_flops:.3g} FLOPs left"
        )

    @property
    def spent_flops(self) -> float:
        """FLOPs charged so far (exactly the sum of ``6 N D`` over the logged runs)."""
        return math.fsum(self._costs)

    @property
    def remaining_flops(self) -> float:
        """``budget_flops - spent_flops``."""
        return self.budget_flops - self.spent_flops

    @property
    def runs(self) -> pd.DataFrame:
        """Every run trained so far, in order (a copy)."""
        return pd.DataFrame(
            self._rows,
            columns=["run", "n_params", "n_tokens", "compute", "loss"],
        )

    def to_csv(self, path) -> None:
        """Write :attr:`runs` to ``path`` as CSV (overwriting a file already there).

        Raises
        ------
        ValueError
            ``path`` is not a str or ``pathlib.Path``.
        FileNotFoundError
            The directory of ``path`` does not exist (nothing is written).
        """
        path = as_path(path, "path")
        if not path.parent.is_dir():
            raise FileNotFoundError(
                f"path={str(path)!r}: the directory {str(path.parent)!r} does not "
                "exist; create it first (nothing was written)"
            )
        self.runs.to_csv(path, index=False)

    def train(self, n_params, n_tokens):
        """Train models of ``n_params`` parameters on ``n_tokens`` tokens; return final losses.

        Arrays broadcast; a batch is trained whole or not at all. Each run costs
        ``6 * n_params * n_tokens`` FLOPs (Kaplan et al. 2020, Section 2.1).

        Returns
        -------
        float or ndarray
            Final loss (nats/token) of each run, with run-to-run noise.

        Raises
        ------
        OutOfRange
            A size outside :data:`SIZE_LIMITS` (nothing is trained or charged).
        BudgetExceeded
            The batch costs more than :attr:`remaining_flops` (nothing is trained or charged).
        ValueError
            Non-positive, NaN or infinite sizes, or arrays that do not broadcast (the message
            names the argument). ``OutOfRange`` and ``BudgetExceeded`` are ``ValueError``
            too, and name ``n_params`` or ``n_tokens``.
        """
        n = as_positive_array(n_params, "n_params")
        d = as_positive_array(n_tokens, "n_tokens")
        try:
            n, d = np.broadcast_arrays(n, d)
        except ValueError:
            raise ValueError(
                "n_params and n_tokens must have the same length (or one of them "
                f"be a single number), got shapes {n.shape} and {d.shape}"
            ) from None
        for name, arr in (("n_params", n), ("n_tokens", d)):
            lo, hi = SIZE_LIMITS[name]
            bad = (arr < lo) | (arr > hi)
            if np.any(bad):
                raise OutOfRange(
                    f"{name}={float(arr[bad].ravel()[0]):.3g} is outside the "
                    f"supported range [{lo:.0e}, {hi:.0e}]; nothing was charged"
                )
        costs = [
            6.0 * float(a) * float(b) for a, b in zip(n.ravel(), d.ravel())
        ]
        total = math.fsum(costs)
        remaining = self.remaining_flops
        # a relative slack of 1e-9 lets a student spend the last FLOP despite rounding
        if total > remaining * (1 + 1e-9):
            raise BudgetExceeded(
                # short enough for the 78 columns of the site's output cells
                f"6 * n_params * n_tokens = {total:.3g} FLOPs, only "
                f"{remaining:.3g} left; nothing was charged"
            )
        z = self._noise_rng.standard_normal(n.shape)
        loss = self._law.loss(n, d) * np.exp(self.noise * z)
        for a, b, c, ell in zip(n.ravel(), d.ravel(), costs, np.ravel(loss)):
            self._costs.append(c)
            self._rows.append(
                {
                    "run": len(self._rows),
                    "n_params": float(a),
                    "n_tokens": float(b),
                    "compute": c,
                    "loss": float(ell),
                }
            )
        return float(loss) if loss.ndim == 0 else loss

    def grade(self, n_opt, loss, *, reveal: bool = False) -> GradeResult:
        """Score a prediction for the held-out run of :attr:`target_compute` FLOPs.

        Parameters
        ----------
        n_opt : float
            Predicted compute-optimal number of parameters at :attr:`target_compute`.
        loss : float
            Predicted loss (nats/token) of that compute-optimal run, without noise.
        reveal : bool
            Print the hidden values too (for an instructor, after the deadline).

        Returns
        -------
        GradeResult
            Up to 5 points for each part. The size gets full points within a factor 1.1
            of the truth, none beyond a factor 2 (linear in ``|log ratio|`` between). The loss
            gets full points within 0.01 nats, none beyond 0.1 nats.

        Raises
        ------
        ValueError
            ``n_opt`` or ``loss`` not a single finite number > 0, or ``reveal`` not a bool.
        """
        n_pred = as_float(_one(n_opt), "n_opt", low=0, low_open=True)
        l_pred = as_float(_one(loss), "loss", low=0, low_open=True)
        reveal = as_bool(reveal, "reveal")
        n_true, d_true = (
            float(v) for v in self._law.compute_optimal(self.target_compute)
        )
        l_true = float(self._law.loss(n_true, d_true))
        self.n_grades += 1
        half = 5.0
        # in logs: a tiny n_opt such as 1e-320 must not round the ratio to 0
        log_ratio = math.log(n_pred) - math.log(n_true)
        n_pts = half * _points(
            abs(log_ratio), math.log(FULL_RATIO), math.log(ZERO_RATIO)
        )
        err = l_pred - l_true
        l_pts = half * _points(abs(err), FULL_LOSS, ZERO_LOSS)
        size_dir = "too large" if log_ratio > 0 else "too small"
        loss_dir = "too high" if err > 0 else "too low"
        lines = [
            f"Held-out run: {self.target_compute:.3g} FLOPs (grading attempt {self.n_grades})."
        ]
        if n_pts == half:
            lines.append(
                f"Compute-optimal size: off {_band(log_ratio)}, full marks."
            )
        else:
            lines.append(
                f"Compute-optimal size: {size_dir} {_band(log_ratio)}. Hint: check "
                "the exponent of your N_opt(C) fit and its extrapolation; do your "
                "IsoFLOP profiles have their minimum inside the sizes you tried?"
            )
        if l_pts == half:
            lines.append(
                f"Loss: within {FULL_LOSS} nats of the truth, full marks."
            )
        else:
            off = (
                "less than 0.03"
                if abs(err) < 0.03
                else (
                    "0.03 to 0.1" if abs(err) < ZERO_LOSS else "more than 0.1"
                )
            )
            lines.append(
                f"Loss: {loss_dir}, by {off} nats. Hint: the irreducible loss E and "
                "the exponents decide the extrapolation; compare approaches 2 and 3."
            )
        lines.append(f"Score: {n_pts + l_pts:.1f} / {2 * half:.0f}.")
        if reveal:
            lines.append(
                f"Truth: N_opt = {n_true:.3g}, loss = {l_true:.4f} "
                f"(E = {self._law.E:.3f}, alpha = {self._law.alpha:.3f}, "
                f"beta = {self._law.beta:.3f})."
            )
        return GradeResult(
            round(n_pts + l_pts, 6),
            2 * half,
            round(n_pts, 6),
            round(l_pts, 6),
            "\n".join(lines),
        )
