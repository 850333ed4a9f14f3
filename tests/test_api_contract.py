"""The API contract, tested for every public function: a bad value of any argument gets a
``ValueError`` that names the argument (or, for a fit, a failed result with a message); a
student's answer to a ``check_*`` helper gets a ``Feedback``, never an exception; valid values
give finite results.

``CONTRACT`` lists, per module, every public function (and every public method of a public
class) with a valid call and the kind of each argument. A module in ``COVERED`` must list all
of its public functions: :func:`test_every_public_function_has_a_contract` fails as soon as one
is added without an entry. The chapter modules are in ``PENDING`` (skipped, with the reason);
to cover one, add its entries to ``CONTRACT`` and move it to ``COVERED``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scaling_lib import fitting, plotting, random_features  # noqa: E402
from scaling_lib.data import DATA_DIR  # noqa: E402
from scaling_lib.exercises import Feedback  # noqa: E402

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# ------------------------------------------------------------------ kinds of argument
NOT_A_NUMBER = [None, "abc", "3", {}, {"a": 1}, [1, "a"], 1j, True, object()]
NON_FINITE = [math.nan, math.inf, -math.inf, 10**400]


def _floats(low=-1e6, high=1e6):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@dataclass
class Kind:
    """What an argument accepts: ``bad`` draws values it must refuse, ``good`` values it must
    accept (None: keep the value of the valid call)."""

    bad: st.SearchStrategy
    good: st.SearchStrategy | None = None


def array(*, positive=True, ndim1=True, min_size=1, whole=False, high=None, low=None,
          good=None, optional=False) -> Kind:
    """A numeric array: finite, > 0 if ``positive``, 1-D if ``ndim1``, at least ``min_size``
    entries, whole numbers if ``whole``, entries in [``low``, ``high``]; None if ``optional``."""
    bad = [st.sampled_from([v for v in NOT_A_NUMBER if not (optional and v is None)]),
           st.lists(_floats(1, 10), min_size=1, max_size=5).flatmap(
               lambda xs: st.sampled_from(NON_FINITE[:3]).map(lambda v: xs + [v])),
           st.just([1.0, 10**400])]
    if positive:
        bad.append(st.lists(_floats(1, 10), min_size=1, max_size=5).flatmap(
            lambda xs: _floats(-1e6, 0).map(lambda v: xs + [v])))
    if ndim1:
        bad.append(st.just([[1.0, 2.0], [3.0, 4.0]]))
    if min_size:
        bad.append(st.just([]))
    if whole:
        bad.append(st.just([2.5, 4.0]))
    if high is not None:
        bad.append(st.just([high * 10 + 1]))
    if low is not None:
        bad.append(st.just([low / 10]))
    return Kind(st.one_of(*bad), good)


def number(*, low=None, high=None, low_open=False, high_open=False, good=None) -> Kind:
    """A single finite float within bounds."""
    bad = [st.sampled_from(NOT_A_NUMBER + NON_FINITE), st.just([1.0, 2.0]),
           st.just(np.array([1.0, 2.0]))]
    if low is not None:
        bad.append(st.just(low) if low_open else st.just(low - max(1.0, abs(low))))
        bad.append(_floats(-1e300, low).filter(lambda v: v < low))
    if high is not None:
        bad.append(st.just(high) if high_open else st.just(high + max(1.0, abs(high))))
        bad.append(_floats(high, 1e300).filter(lambda v: v > high))
    return Kind(st.one_of(*bad), good)


def integer(*, minimum=None, maximum=None, good=None, optional=False) -> Kind:
    """An int (bools, floats and strings refused) within bounds; None too if ``optional``."""
    bad = [st.sampled_from(["3", 2.5, 2.0, True, math.nan, {}, [3], 10**400]
                           + ([] if optional else [None]))]
    if minimum is not None:
        bad.append(st.integers(-10**6, minimum - 1))
    if maximum is not None:
        bad.append(st.integers(maximum + 1, 10**30))
    return Kind(st.one_of(*bad), good)


def boolean() -> Kind:
    return Kind(st.sampled_from([None, "yes", 0, 1, 2.0, [True]]))


def text(*, optional=False) -> Kind:
    bad = [3, 2.5, ["a"], {}, b"x"] + ([] if optional else [None])
    return Kind(st.sampled_from(bad))


def choice(*choices) -> Kind:
    return Kind(st.one_of(st.text(max_size=8).filter(lambda s: s not in choices),
                          st.sampled_from([None, 3, ["a"], {}])))


def rng() -> Kind:
    """SPEC 7: None, an int seed or a Generator are good; anything else is refused."""
    return Kind(st.one_of(st.sampled_from([np.random.RandomState(0), "seed", 1.5, True, {}]),
                          st.integers(-10**6, -1)),
                st.one_of(st.none(), st.integers(0, 2**32),
                          st.integers(0, 100).map(np.random.default_rng)))


def path() -> Kind:
    return Kind(st.sampled_from([3, 2.5, {}, ["a.csv"], "", b"x.csv"]))


def thing() -> Kind:
    """An object of the library (axes, fit result): anything else is refused."""
    return Kind(st.sampled_from([None, "abc", 3, {}, [1.0]]))


def custom(*values) -> Kind:
    return Kind(st.sampled_from(list(values)))


ANSWERS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12), st.floats(), st.integers(-10**500, 10**500),
    st.lists(st.floats(), max_size=3), st.dictionaries(st.text(max_size=2), st.integers(),
                                                       max_size=2),
    st.complex_numbers(allow_nan=False), st.sets(st.text(max_size=3), max_size=3),
    st.just(np.array([1.0, 2.0])), st.just(object()))


def answer() -> Kind:
    """A student's answer: anything at all; the check must answer with a Feedback."""
    return Kind(ANSWERS)


# ------------------------------------------------------------------ the contract table
@dataclass
class Entry:
    """The contract of one function: ``valid`` builds a valid call (keyword arguments; ``*``
    holds positional ones); ``kinds`` gives the kind of each argument; ``same_length`` lists
    arguments that must have one length; ``answers`` are student answers (never raise);
    ``result`` is a check of a valid result."""

    valid: Callable[[], dict]
    kinds: dict = field(default_factory=dict)
    same_length: tuple = ()
    answers: tuple = ()
    result: str = "finite"     # "finite" | "fit" | "feedback" | "none"
    call: Callable | None = None
    examples: int | None = None


RESULT_RECORD = "result record: built by the library, not from a user's raw input"


def _xy():
    x = np.logspace(0, 3, 8)
    return {"x": x, "y": 2 * x**-0.5}


def _offset_xy():
    x = np.logspace(0, 4, 12)
    return {"x": x, "y": 1.7 + 5 * x**-0.3}


def _fit():
    return fitting.fit_power_law(**_xy())


def _offset_fit():
    return fitting.fit_power_law_offset(**_offset_xy())


def _rf_result():
    return random_features.random_feature_experiment([4, 8, 16], [16, 32, 64], latent_dim=128,
                                                     n_seeds=1)


def _method(factory, name):
    """Call method ``name`` of the object ``factory()`` builds."""
    def call(**kwargs):
        return getattr(factory(), name)(**kwargs)
    call.__name__ = name
    return call


def _axes():
    return plt.subplots()[1]


ARRAY = array()
RANGE_N = array(whole=True, high=20_000)
FIGURE = dict(examples=4)
CHINCHILLA_CSV = ("chinchilla", "svg_extracted_data.csv")
CHINCHILLA_COLUMNS = ["x", "y", "color", "Model Size", "Training FLOP", "hex_color", "loss"]
PORIAN = dict(dataset="rw", hparams="base", warmup="long", decay="kaplan", param_count="kaplan",
              loss_split="train")
PORIAN_KINDS = {k: choice(v) for k, v in PORIAN.items()} | {"path": path()}

CONTRACT: dict[str, dict[str, Entry | str]] = {
    "scaling_lib.fitting": {
        "fit_power_law": Entry(_xy, {"x": ARRAY, "y": ARRAY}, ("x", "y"), result="fit"),
        "fit_power_law_offset": Entry(
            _offset_xy, {"x": ARRAY, "y": ARRAY, "offset_bounds": custom(
                None, 3, "ab", (-1.0, None), (0.0, -1.0), (math.nan, None), (1e9, None),
                (0.0, 1.0, 2.0))}, ("x", "y"), result="fit"),
        "synthetic_power_law": Entry(
            lambda: {"x": [1.0, 10.0], "exponent": -0.5, "noise": 0.1},
            {"x": array(ndim1=False, min_size=0), "exponent": number(good=_floats(-3, 3)),
             "prefactor": number(low=0, low_open=True, good=_floats(1e-3, 1e3)),
             "offset": number(low=0, good=_floats(0, 10)),
             "noise": number(low=0, high=10, good=_floats(0, 1)), "rng": rng()}),
        "exponent_spread": Entry(
            lambda: {"decades": [1.0, 2.0], "n_trials": 20, "rng": 0},
            {"decades": array(ndim1=False, low=1e-3, high=100), "exponent": number(low=-10, high=10),
             "noise": number(low=0, high=10), "n_points": integer(minimum=3, maximum=100_000,
                                                                   good=st.integers(3, 20)),
             "n_trials": integer(minimum=2, maximum=100_000, good=st.integers(2, 50)),
             "rng": rng()}),
        "percentile_interval": Entry(
            lambda: {"samples": np.linspace(0, 1, 50)},
            {"samples": custom(None, "abc", {}, [[1.0, 2.0], [3.0, 4.0]], [], [math.nan] * 4,
                               [0.5], [1, "a"]),
             "level": number(low=0, high=1, low_open=True, high_open=True)}),
        "PowerLawFit": RESULT_RECORD,
        "PowerLawFit.predict": Entry(lambda: {"x": [1.0, 2.0]}, {"x": array(ndim1=False, min_size=0)},
                                     call=_method(_fit, "predict")),
        "PowerLawFit.exponent_interval": Entry(
            lambda: {}, {"level": number(low=0, high=1, low_open=True, high_open=True)},
            call=_method(_fit, "exponent_interval")),
        "OffsetPowerLawFit": RESULT_RECORD,
        "OffsetPowerLawFit.predict": Entry(lambda: {"x": [1.0, 2.0]},
                                           {"x": array(ndim1=False, min_size=0)},
                                           call=_method(_offset_fit, "predict")),
    },
    "scaling_lib.random_features": {
        "power_law_spectrum": Entry(
            lambda: {"latent_dim": 16, "alpha": 1.0},
            {"latent_dim": integer(minimum=1, maximum=100_000, good=st.integers(1, 1000)),
             "alpha": number(low=0, high=10, low_open=True)}),
        "random_feature_experiment": Entry(
            lambda: {"n_features": [4, 8], "n_samples": [16], "latent_dim": 64, "n_seeds": 1},
            {"n_features": RANGE_N, "n_samples": RANGE_N,
             "alpha": number(low=0, high=10, low_open=True, good=_floats(0.1, 3)),
             "latent_dim": integer(minimum=1, maximum=100_000, good=st.integers(32, 128)),
             "ridge": number(low=1e-12, high=1e6, good=_floats(1e-6, 10)),
             "n_seeds": integer(minimum=1, maximum=1000, good=st.integers(1, 2)), "rng": rng()},
            examples=6),
        "RandomFeatureResult": RESULT_RECORD,
        "RandomFeatureResult.params_law": Entry(
            lambda: {}, {"ratio": number(low=0, low_open=True)},
            call=_method(_rf_result, "params_law"), result="fit", examples=6),
        "RandomFeatureResult.data_law": Entry(
            lambda: {}, {"ratio": number(low=0, low_open=True)},
            call=_method(_rf_result, "data_law"), result="fit", examples=6),
        "RandomFeatureResult.grid": Entry(lambda: {}, call=_method(_rf_result, "grid")),
    },
    "scaling_lib.data": {
        "data_path": Entry(lambda: {"*": CHINCHILLA_CSV},
                           {"*": custom((), ("..", "x.csv"), (3,), ("",), (None,), ("a/b",))}),
        "read_table": Entry(
            lambda: {"*": CHINCHILLA_CSV, "columns": CHINCHILLA_COLUMNS},
            {"*": custom((), ("..", "x.csv"), (3,)), "columns": custom(None, "abc", [], [1, 2]),
             "rows": integer(minimum=0, optional=True), "sep": choice(",", "\t", ";", "|"), "path": path()}),
        "sha256": Entry(lambda: {"path": DATA_DIR / "chinchilla" / "README.md"},
                        {"path": Kind(st.sampled_from([None, 3, {}, "", ["x"]]))}),
        "load_porian_isoflops": Entry(lambda: dict(PORIAN), PORIAN_KINDS, examples=6),
        "load_porian_optima": Entry(lambda: {"dataset": "rw"}, PORIAN_KINDS, examples=6),
        "load_chinchilla_runs": Entry(dict, {"exclude_highest": integer(minimum=0, maximum=244),
                                             "path": path()}),
        "load_emergence_benchmarks": Entry(dict, {"path": path()}),
        "load_emergence_evals": Entry(dict, {"drop_flagged": boolean(), "path": path(),
                                             "benchmark_path": path()}, examples=6),
        "load_emergence_long": Entry(
            lambda: {"tasks": "ipa_bleu"},
            {"tasks": custom(3, [3], "nope", [], {}, 2.5), "drop_flagged": boolean(),
             "require_compute": boolean(), "path": path(), "benchmark_path": path()},
            examples=6),
        "load_inverse_scaling": Entry(dict, {"path": path()}),
        "load_inverse_scaling_tests": Entry(dict, {"path": path()}),
        "parse_test_cell": Entry(lambda: {"text": "t(60)=-4.22, p<0.001"},
                                 {"text": custom(None, 3, "", "abc", ["t(60)=-4.22, p<0.001"])}),
        "EmergenceTask": RESULT_RECORD,
    },
    "scaling_lib.exercises": {
        "Feedback": Entry(lambda: {"ok": True, "message": "right"},
                          {"ok": custom(None, 1, "yes", 0.0), "message": text()}),
        "parse_answer": Entry(lambda: {"answer": 1.5, "name": "N"}, {"name": text()},
                              answers=("answer",), result="none"),
        "parse_choice": Entry(lambda: {"answer": "a", "name": "verdict", "choices": ["a", "b"]},
                              {"name": text(), "choices": custom(None, "ab", [], [1, 2], 3)},
                              answers=("answer",), result="none"),
        "parse_collection": Entry(lambda: {"answer": ["a"], "name": "tasks"}, {"name": text()},
                                  answers=("answer",), result="none"),
        "check_close": Entry(
            lambda: {"answer": 1.0, "expected": 1.0, "name": "N"},
            {"expected": number(), "rtol": number(low=0, high=1, high_open=True),
             "name": text(), "unit": text(), "hint": text()},
            answers=("answer",), result="feedback"),
    },
    "scaling_lib.plotting": {
        "use_course_style": Entry(dict, result="none"),
        "new_figure": Entry(dict, {"ncols": integer(minimum=1, maximum=20),
                                   "nrows": integer(minimum=1, maximum=20),
                                   "width": number(low=0.5, high=50),
                                   "height": number(low=0.5, high=50)}, result="none", **FIGURE),
        "log_axes": Entry(lambda: {"ax": _axes(), "xlabel": "x", "ylabel": "y"},
                          {"ax": thing(), "xlabel": text(), "ylabel": text(),
                           "logx": boolean(), "logy": boolean(), "title": text(optional=True)},
                          result="none", **FIGURE),
        "plain_log_ticks": Entry(lambda: {"axis": _axes().xaxis},
                                 {"axis": thing(), "ticks": array(optional=True)}, result="none", **FIGURE),
        "plot_fit_with_residuals": Entry(
            lambda: {**_xy(), "fit": _fit(), "xlabel": "x", "ylabel": "y"},
            {"x": ARRAY, "y": ARRAY, "fit": thing(), "xlabel": text(), "ylabel": text(),
             "label": text(optional=True)}, ("x", "y"), result="none", **FIGURE),
    },
    "scaling_lib.plotting.power_laws": {
        "plot_linear_vs_loglog": Entry(_xy, {"x": ARRAY, "y": ARRAY, "xlabel": text(),
                                             "ylabel": text()}, ("x", "y"), result="none",
                                       **FIGURE),
        "plot_extrapolation": Entry(
            lambda: {"x_fit": _offset_xy()["x"], "y_fit": _offset_xy()["y"],
                     "x_true": np.logspace(0, 6, 20), "y_true": 1.7 + 5 * np.logspace(0, 6, 20)**-0.3},
            {"x_fit": ARRAY, "y_fit": ARRAY, "x_true": ARRAY, "y_true": ARRAY, "xlabel": text(),
             "ylabel": text()}, ("x_fit", "y_fit"), result="none", **FIGURE),
        "plot_exponent_spread": Entry(
            lambda: {"decades": [1.0, 2.0, 4.0], "spread": [0.1, 0.05, 0.025], "noise": 0.05},
            {"decades": ARRAY, "spread": ARRAY, "noise": number(low=0, high=10)},
            ("decades", "spread"), result="none", **FIGURE),
        "plot_power_law_explorer": Entry(
            dict, {"noise": number(low=0, high=1), "decades_fit": number(low=0.5, high=6),
                   "offset": number(low=0, high=100), "seed": rng()}, result="none", **FIGURE),
    },
}

COVERED = list(CONTRACT)

# The chapter modules: their public functions are not yet in CONTRACT.
PENDING = {
    "scaling_lib.flops": "chapter 1 module under revision; its contract entries come next",
    "scaling_lib.kaplan": "chapter 2 module under revision; its contract entries come next",
    "scaling_lib.chinchilla": "chapter 3 module being split into a package; entries come next",
    "scaling_lib.emergence": "chapter 4 module under revision; its contract entries come next",
    "scaling_lib.inverse": "chapter 5 module under revision; its contract entries come next",
}


# ------------------------------------------------------------------ enumerating the public API
def public_api(module_name: str) -> set[str]:
    """Public callables defined in ``module_name`` (or in a private submodule of it, as
    ``scaling_lib.data`` re-exports its loaders), plus ``Class.method`` for every public
    method a public class defines itself."""
    mod = importlib.import_module(module_name)
    names = set()
    for name, obj in vars(mod).items():
        where = getattr(obj, "__module__", "") or ""
        if name.startswith("_") or not callable(obj):
            continue
        if not (where == module_name or where.startswith(module_name + "._")):
            continue
        names.add(name)
        if inspect.isclass(obj):
            names |= {f"{name}.{m}" for m, v in vars(obj).items()
                      if not m.startswith("_") and inspect.isfunction(v)}
    return names


@pytest.mark.parametrize("module", COVERED)
def test_every_public_function_has_a_contract(module):
    missing = sorted(public_api(module) - set(CONTRACT.get(module, {})))
    assert not missing, f"{module}: public functions without a contract entry: {missing}"
    stale = sorted(set(CONTRACT.get(module, {})) - public_api(module))
    assert not stale, f"{module}: contract entries for names that are not public: {stale}"


@pytest.mark.parametrize("module", sorted(PENDING))
def test_chapter_modules_are_listed_as_pending(module):
    assert module not in CONTRACT or module in COVERED
    pytest.skip(PENDING[module])


# ------------------------------------------------------------------ calling
def _resolve(module, name):
    if name.split(".")[0] not in vars(importlib.import_module(module)):
        raise LookupError(name)
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _call(module, name, entry, kwargs):
    fn = entry.call or _resolve(module, name)
    args = kwargs.pop("*", ())
    try:
        return fn(*args, **kwargs)
    finally:
        plt.close("all")


def _nonfinite(value, depth=0) -> bool:
    if depth > 3 or isinstance(value, (bool, np.bool_, str)):
        return False
    if isinstance(value, numbers.Real):
        return not math.isfinite(float(value))
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and not np.all(np.isfinite(value))
    if isinstance(value, pd.DataFrame):
        return False  # shipped tables may hold documented missing values
    if isinstance(value, (tuple, list)):
        return any(_nonfinite(v, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_nonfinite(getattr(value, f.name), depth + 1)
                   for f in dataclasses.fields(value))
    return False


def _check_valid_result(entry, out):
    if entry.result == "fit":
        assert out.success or out.message, "a failed fit must say why"
        if out.success:
            assert not _nonfinite(out), f"a successful fit holds NaN or inf: {out!r}"
    elif entry.result == "feedback":
        assert isinstance(out, Feedback)
    elif entry.result == "finite":
        assert not _nonfinite(out), f"non-finite result from valid input: {out!r}"


CASES = [(m, n) for m in COVERED for n, e in CONTRACT[m].items() if isinstance(e, Entry)]
ARG_CASES = [(m, n, a) for m, n in CASES for a in CONTRACT[m][n].kinds]
ANSWER_CASES = [(m, n, a) for m, n in CASES for a in CONTRACT[m][n].answers]
LENGTH_CASES = [(m, n) for m, n in CASES if CONTRACT[m][n].same_length]


def _id(case):
    return ":".join(case[1:]) if isinstance(case, tuple) else str(case)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_the_valid_call_works(case):
    module, name = case
    entry = CONTRACT[module][name]
    _check_valid_result(entry, _call(module, name, entry, entry.valid()))


@pytest.mark.parametrize("case", ARG_CASES, ids=_id)
@given(data=st.data())
@SETTINGS
def test_a_bad_value_is_refused_by_name(case, data):
    module, name, arg = case
    entry = CONTRACT[module][name]
    kind = entry.kinds[arg]
    bad = data.draw(kind.bad, label=arg)
    kwargs = entry.valid()
    kwargs[arg] = bad
    label = "parts" if arg == "*" else arg
    try:
        out = _call(module, name, entry, kwargs)
    except ValueError as exc:
        assert label in str(exc), f"{name}({arg}={bad!r}): the message does not name {label}: {exc}"
        return
    # the one other way to refuse: a fit that fails and says why
    assert getattr(out, "success", None) is False and out.message, (
        f"{name}({arg}={bad!r}) was accepted and returned {out!r}")


@pytest.mark.parametrize("case", [c for c in ARG_CASES
                                  if CONTRACT[c[0]][c[1]].kinds[c[2]].good is not None],
                         ids=_id)
@given(data=st.data())
@SETTINGS
def test_good_values_give_finite_results(case, data):
    module, name, arg = case
    entry = CONTRACT[module][name]
    kwargs = entry.valid()
    kwargs[arg] = data.draw(entry.kinds[arg].good, label=arg)
    _check_valid_result(entry, _call(module, name, entry, kwargs))


@pytest.mark.parametrize("case", ANSWER_CASES, ids=_id)
@given(data=st.data())
@SETTINGS
def test_any_answer_gets_feedback_never_an_exception(case, data):
    module, name, arg = case
    entry = CONTRACT[module][name]
    kwargs = entry.valid()
    kwargs[arg] = value = data.draw(ANSWERS, label=arg)
    out = _call(module, name, entry, kwargs)   # must not raise
    if isinstance(out, Feedback):
        if not out:
            assert "should be" in out or "too" in out or "wrong sign" in out or "not" in out, out
    elif name == "parse_answer":
        assert isinstance(out, float) and math.isfinite(out)
        assert isinstance(value, (numbers.Real, str, list, np.ndarray))


@pytest.mark.parametrize("case", LENGTH_CASES, ids=_id)
def test_mismatched_lengths_are_refused_by_name(case):
    module, name = case
    entry = CONTRACT[module][name]
    first, second = entry.same_length[:2]
    kwargs = entry.valid()
    kwargs[second] = np.asarray(kwargs[second])[:-1]
    with pytest.raises(ValueError, match="same length") as info:
        _call(module, name, entry, kwargs)
    assert first in str(info.value) and second in str(info.value)


# ------------------------------------------------------------------ checks and their secrecy
@given(value=_floats(-1e12, 1e12).filter(lambda v: abs(v - 123.456) > 3))
@SETTINGS
def test_a_wrong_answer_never_shows_the_expected_value(value):
    from scaling_lib.exercises import check_close

    out = check_close(value, 123.456, name="N", hint="think again")
    assert not out
    assert "123.5" not in out and "123.46" not in out and "123.456" not in out


@pytest.mark.parametrize("typed", [10**400, None, math.nan, "ten", [1, 2], {"a": 1}, True,
                                   1j, np.array([1.0, 2.0]), float("inf")])
def test_what_a_student_can_type_gets_a_failing_check_that_says_what_was_expected(typed):
    from scaling_lib.exercises import check_close

    out = check_close(typed, 5.0, name="N")
    assert isinstance(out, Feedback) and not out
    assert "single finite number" in out


# ------------------------------------------------------------------ degenerate data sets
@pytest.mark.parametrize("fit, kwargs, reason", [
    (fitting.fit_power_law, {"x": [3.0] * 5, "y": [1, 2, 3, 4, 5]}, "all x are equal"),
    (fitting.fit_power_law, {"x": [3.0], "y": [1.0]}, "cannot identify"),
    (fitting.fit_power_law_offset, {"x": np.logspace(0, 3, 8), "y": np.full(8, 2.0)},
     "all y are equal"),
    (fitting.fit_power_law_offset, {"x": np.full(8, 10.0), "y": np.linspace(2, 3, 8)},
     "all x are equal"),
    (fitting.fit_power_law_offset, {"x": [1, 2, 3], "y": [3, 2, 1]}, "at least 4"),
], ids=["one-x", "one-point", "constant-y", "offset-one-x", "offset-three-points"])
def test_a_fit_the_data_cannot_identify_fails_and_says_why(fit, kwargs, reason):
    out = fit(**kwargs)
    assert out.success is False and reason in out.message


def test_the_contract_table_has_no_duplicate_modules():
    assert not set(COVERED) & set(PENDING)
    for module in PENDING:  # a pending module exists and has public functions to cover
        assert public_api(module), module
    assert Path(DATA_DIR).is_dir()
