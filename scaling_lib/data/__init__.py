"""Loaders for the real data sets shipped with the course.

Every data set lives in a folder beside this file with a README that gives its source, commit,
licence, checksum and citation. Every loader returns a ``pandas.DataFrame`` and checks the
file's header and row count, so a missing file or a changed column fails with a clear message.
"""

from ._chinchilla import load_chinchilla_runs
from ._datablations import load_datablations_runs
from ._emergence import (
    EMERGENCE_BENCHMARK_COLUMNS,
    EMERGENCE_FLAGS,
    EMERGENCE_TASKS,
    OBSSCALING_EVALUATED_FAMILIES,
    OBSSCALING_PREREGISTERED,
    EmergenceTask,
    load_emergence_benchmarks,
    load_emergence_evals,
    load_emergence_long,
)
from ._gadre import GADRE_FIT_SHAPES, load_gadre_runs
from ._inverse import (
    INVERSE_TASK_CAUSES,
    INVERSE_TASKS,
    ISP_CAUSES,
    PYTHIA_NOMINAL_PARAMS,
    PYTHIA_PARAMS,
    PYTHIA_SIZES,
    PYTHIA_STEPS,
    PYTHIA_TOKENS_PER_STEP,
    load_inverse_scaling,
    load_inverse_scaling_tests,
    parse_test_cell,
)
from ._io import DATA_DIR, data_path, read_table, sha256
from ._porian import (
    PORIAN_CONFIG_COLUMNS,
    PORIAN_FIGURE1_STEPS,
    load_porian_isoflops,
    load_porian_optima,
)
