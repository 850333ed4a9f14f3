"""Compute-optimal training: the three approaches of Hoffmann et al. (2022), "Chinchilla".

Hoffmann et al. (2022) ask: with a budget of ``C`` training FLOPs, how should one split it
between the number of parameters ``N`` and the number of training tokens ``D`` (with
``C ≈ 6 N D``)? They answer in three ways (Section 3 of the paper). The package follows the
order of the chapter:

``law``        the parametric loss ``L(N, D) = E + A/N**alpha + B/D**beta`` (their eq. 2), its
               closed-form allocation ``N_opt = G (C/6)**a`` (eq. 4; ``a, b, G`` computed once,
               in :func:`allocation`) and the published values (eq. 10, Tables 2 and 3,
               Besiroglu et al. 2024);
``isoflop``    approach 1 (:func:`envelope_fit`, the envelope of lowest loss) and approach 2
               (:func:`isoflop_minima`, a windowed parabola per IsoFLOP profile, and
               :func:`bootstrap_isoflop`); Chapter 2 uses the same estimator;
``fit``        approach 3: :func:`fit_parametric_loss`, a Huber loss on log-loss in the
               log-sum-exp parametrization from many starts (Section 3.3, Appendix D.2);
``bootstrap``  confidence intervals for approach 3;
``inference``  the allocation that also counts inference (Sardana et al. 2024);
``_solver``    the batched solver that makes approach 3 fast (an implementation detail).

Every public name is importable from ``scaling_lib.chinchilla``.

References
----------
Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556.
Besiroglu, T., Erdil, E., Barnett, M., You, J. (2024). Chinchilla Scaling: A replication attempt.
Porian, T. et al. (2024). Resolving Discrepancies in Compute-Optimal Scaling of Language Models.
Sardana, N. et al. (2024). Beyond Chinchilla-Optimal: Accounting for Inference in Language
Model Scaling Laws. ICML.
"""

import sys as _sys

from .bootstrap import BootstrapResult, bootstrap
from .fit import (
    HUBER_DELTA,
    ParametricLossFit,
    default_start_grid,
    design_problem,
    fit_parametric_loss,
    fit_parametric_loss_reference,
    huber_objective,
    refit_parametric_loss,
    stopping_points,
)
from .inference import InferenceOptimum, compute_for_loss, inference_optimal
from .isoflop import (
    ISOFLOP_WINDOW,
    EnvelopeResult,
    IsoFLOPBootstrap,
    IsoFLOPResult,
    bootstrap_isoflop,
    envelope_fit,
    group_budgets,
    isoflop_minima,
)
from .law import (
    BESIROGLU_2024,
    BESIROGLU_2024_INTERVALS,
    BESIROGLU_2024_REPLICATION,
    HOFFMANN_2022,
    HOFFMANN_2022_TABLE2,
    HOFFMANN_2022_TABLE3,
    HOFFMANN_2022_UNROUNDED,
    KNOWN_MODELS,
    AllocationExponents,
    ParametricLoss,
    allocation,
    allocation_table,
    check_law,
    compute_optimal_numeric,
)

# every public name of the submodules, listed once, in each submodule's ``__all__``
__all__ = [
    name
    for module in ("law", "fit", "bootstrap", "isoflop", "inference")
    for name in _sys.modules[f"{__name__}.{module}"].__all__
]
