"""Tests of scaling_lib.emergence and the emergence data loaders (chapter 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib import emergence as em
from scaling_lib.data import (
    EMERGENCE_FLAGS,
    EMERGENCE_TASKS,
    OBSSCALING_PREREGISTERED,
    data_path,
    load_emergence_benchmarks,
    load_emergence_evals,
    load_emergence_long,
)
from scaling_lib.exercises import emergence as ex

# ----------------------------------------------------------------------------- loaders

META = [
    "model",
    "family",
    "n_params",
    "n_tokens",
    "compute",
    "compute_reported",
    "preregistered",
    "evaluated_family",
]


def test_benchmarks_columns_and_rows():
    bench = load_emergence_benchmarks()
    assert list(bench.columns) == META + [
        "mmlu",
        "arc_c",
        "hellaswag",
        "winogrande",
        "truthfulqa",
        "gsm8k",
        "xwinograd",
        "humaneval",
    ]
    assert len(bench) == 148
    # README: FLOPs empty for 25 models; 28 evaluated families hold 97 rows; 20 pre-registered.
    assert bench.compute.isna().sum() == 25
    assert bench.evaluated_family.sum() == 97
    assert bench.preregistered.sum() == len(OBSSCALING_PREREGISTERED) == 20


def test_evals_columns_rows_and_units():
    evals = load_emergence_evals()
    assert len(evals) == 84
    assert list(evals.columns) == META + [t.name for t in EMERGENCE_TASKS] + [
        "ipa_bleu_100"
    ]
    # README "Missing cells": parsinlu 8, IPA exact match 12, BLEU 19, 3- and 2-digit addition 10.
    assert evals.persian_qa.isna().sum() == 8
    assert evals.ipa_exact_match.isna().sum() == 12
    assert evals.ipa_bleu.isna().sum() == 19
    assert evals.arith_3digit_add.isna().sum() == 10
    assert evals.preregistered.sum() == 19
    scores = evals[[t.name for t in EMERGENCE_TASKS]]
    assert (
        np.nanmax(scores.to_numpy()) <= 1.0
        and np.nanmin(scores.to_numpy()) >= 0.0
    )
    np.testing.assert_allclose(evals.ipa_bleu * 100, evals.ipa_bleu_100)


def test_known_values_llama2_7b():
    # First data row of the file: Llama-2-7B, 7.0 B parameters, 2.0 T tokens, 84.0e21 FLOPs,
    # 3-digit addition 0.9315, IPA BLEU 27.2388 (of 100).
    row = (
        load_emergence_evals()
        .set_index("model")
        .loc["meta-llama/Llama-2-7b-hf"]
    )
    assert row.n_params == pytest.approx(7e9)
    assert row.n_tokens == pytest.approx(2e12)
    assert row.compute == pytest.approx(6 * 7e9 * 2e12)  # 6ND
    assert row.compute == pytest.approx(row.compute_reported, rel=0.01)
    assert row.compute == pytest.approx(8.4e22)
    assert row.arith_3digit_add == pytest.approx(0.9315)
    assert row.ipa_bleu == pytest.approx(0.2723879164406593)


def test_compute_matches_reported_flops():
    bench = load_emergence_benchmarks()
    ok = bench.compute.notna()
    np.testing.assert_allclose(
        bench.compute[ok], bench.compute_reported[ok], rtol=0.01
    )


def test_long_format_drops_flagged_and_missing_compute():
    long_all = load_emergence_long(drop_flagged=False, require_compute=False)
    long = load_emergence_long()
    assert set(long.columns) == {
        "model",
        "family",
        "n_params",
        "n_tokens",
        "compute",
        "preregistered",
        "task",
        "label",
        "metric",
        "score",
        "flag",
    }
    assert long.compute.notna().all() and (long.flag == "").all()
    assert (long_all.flag != "").sum() == len(EMERGENCE_FLAGS)
    assert long.score.between(0, 1).all()
    # every flagged value is in the raw data and its stated numbers are the file's
    evals = load_emergence_evals().set_index("model")
    for model, task in EMERGENCE_FLAGS:
        assert np.isfinite(evals.loc[model, task])
    assert (
        evals.loc["Qwen/Qwen-7B", "ipa_bleu_100"]
        < 1
        <= 100 * evals.loc["Qwen/Qwen-7B", "ipa_exact_match"]
    )


def test_long_unknown_task_names_argument():
    with pytest.raises(ValueError, match="tasks="):
        load_emergence_long("three_digit_addition")


def test_missing_file_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        load_emergence_evals(path=tmp_path / "absent.csv")


def test_changed_column_fails_clearly(tmp_path):
    src = data_path("emergence", "obsscaling_emergent_capability_eval.csv")
    frame = pd.read_csv(src).rename(
        columns={"arithmetic_3da_2_acc": "arithmetic_3da_acc"}
    )
    bad = tmp_path / "renamed.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(ValueError, match="arithmetic_3da_2_acc"):
        load_emergence_evals(path=bad)


def test_dropped_row_fails_clearly(tmp_path):
    src = data_path("emergence", "obsscaling_benchmark_eval.csv")
    bad = tmp_path / "short.csv"
    pd.read_csv(src).iloc[:-1].to_csv(bad, index=False)
    with pytest.raises(ValueError, match="expected 148 data rows"):
        load_emergence_benchmarks(path=bad)


def test_inconsistent_flops_fail(tmp_path):
    src = data_path("emergence", "obsscaling_benchmark_eval.csv")
    frame = pd.read_csv(src)
    frame.loc[0, "FLOPs (1E21)"] = 2 * frame.loc[0, "FLOPs (1E21)"]
    bad = tmp_path / "flops.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(ValueError, match="6ND differs"):
        load_emergence_benchmarks(path=bad)


# ----------------------------------------------------------------------------- metrics


def test_sequence_exact_match_known_values():
    # Schaeffer et al. (2023), simple model: exact match = p^L.
    assert em.sequence_exact_match(0.9, 5) == pytest.approx(0.59049)
    assert em.sequence_exact_match(0.5, 1) == pytest.approx(0.5)
    assert em.sequence_exact_match(1.0, 100) == pytest.approx(1.0)
    np.testing.assert_allclose(
        em.sequence_exact_match([0.9, 0.99], 2), [0.81, 0.9801]
    )


def test_per_token_accuracy_inverts_exact_match():
    assert em.per_token_accuracy(0.59049, 5) == pytest.approx(0.9)


@given(st.floats(0.0, 1.0), st.integers(1, 50))
@settings(max_examples=100, deadline=None)
def test_exact_match_properties(p, length):
    e = float(em.sequence_exact_match(p, length))
    assert 0.0 <= e <= p + 1e-15  # longer answers never score higher
    assert float(em.sequence_exact_match(p, length + 1)) <= e + 1e-15
    if e > 1e-300:
        assert float(em.per_token_accuracy(e, length)) == pytest.approx(
            p, rel=1e-9
        )


def test_expected_token_errors_and_loss():
    assert em.expected_token_errors(0.9, 5) == pytest.approx(0.5)
    assert em.token_accuracy_from_loss(0.0) == pytest.approx(1.0)
    assert em.token_accuracy_from_loss(np.log(2)) == pytest.approx(0.5)


def test_simulation_is_smooth_in_p_and_shifted_in_exact_match():
    n = np.logspace(7, 12, 200)
    out = em.simulate_metrics(n, scale=1e8, exponent=-0.3, length=10)
    assert np.all(np.diff(out["p_token"]) > 0)
    assert np.all(np.diff(out["exact_match"]) > 0)
    np.testing.assert_allclose(out["exact_match"], out["p_token"] ** 10)
    np.testing.assert_allclose(out["token_errors"], 10 * (1 - out["p_token"]))
    # With a power-law loss, L (N/c)^alpha = (N/c')^alpha with c' = c L^(-1/alpha): the
    # exact-match curve is the per-token curve shifted by log10(L)/|alpha| decades of N.
    shifted = em.simulate_metrics(
        n * 10 ** (np.log10(10) / 0.3), scale=1e8, exponent=-0.3, length=10
    )
    np.testing.assert_allclose(
        shifted["exact_match"], out["p_token"], rtol=1e-9
    )


def test_simulation_finite_test_set_is_reproducible():
    a = em.simulate_metrics(
        [1e8, 1e11], length=5, n_questions=100, rng=np.random.default_rng(0)
    )
    b = em.simulate_metrics(
        [1e8, 1e11], length=5, n_questions=100, rng=np.random.default_rng(0)
    )
    np.testing.assert_array_equal(
        a["measured_exact_match"], b["measured_exact_match"]
    )
    assert np.all(
        a["measured_exact_match"] * 100
        == np.round(a["measured_exact_match"] * 100)
    )


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: em.sequence_exact_match(1.2, 3), "p_token"),
        (lambda: em.sequence_exact_match(0.5, 0), "length"),
        (lambda: em.sequence_exact_match(0.5, 2.5), "length"),
        (lambda: em.sequence_exact_match(np.nan, 2), "p_token"),
        (lambda: em.per_token_accuracy(-0.1, 2), "exact_match"),
        (lambda: em.token_accuracy_from_loss(-1.0), "loss"),
        (lambda: em.simulate_metrics([-1.0]), "n_params"),
        (lambda: em.simulate_metrics([1e9], exponent=0.3), "exponent"),
        (
            lambda: em.simulate_metrics(
                [1e9], n_questions=10, rng=np.random.RandomState(0)
            ),
            "rng",
        ),
        (lambda: em.fit_sigmoid([1, 2, 3, 4], [0, 0.1, 0.5, 1.5]), "y"),
        (lambda: em.fit_sigmoid([1, 2, 3], [0, 0.1, 0.5]), "x"),
        (lambda: em.fit_sigmoid([1, 2, 3, 4], [0, 0.1, 0.5]), "same length"),
        (
            lambda: em.fit_sigmoid(
                [1, 2, 3, 4], [0, 0.1, 0.5, 0.9], floor=-0.1
            ),
            "floor",
        ),
        (
            lambda: em.holdout_prediction(
                np.arange(10.0), np.full(10, 0.5), cutoff=2.0
            ),
            "cutoff",
        ),
        (lambda: em.crossing_point([1, np.inf], [0, 1], 0.5), "x"),
        (lambda: em.capability_components(np.ones(4)), "matrix"),
    ],
)
def test_bad_input_names_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ----------------------------------------------------------------------------- fits


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_fit_recovers_known_parameters(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(20.0, 25.0, 80)
    truth = dict(midpoint=22.6, slope=3.0, floor=0.25, ceiling=0.9)
    y = np.clip(em.sigmoid(x, **truth) + rng.normal(0, 0.02, x.size), 0, 1)
    fit = em.fit_sigmoid(x, y, floor=0.25)
    assert fit.success, fit.message
    # tolerance: 0.05 decades for the midpoint, 15 % for the slope, 0.02 for the ceiling
    assert fit.midpoint == pytest.approx(22.6, abs=0.05)
    assert fit.slope == pytest.approx(3.0, rel=0.15)
    assert fit.ceiling == pytest.approx(0.9, abs=0.02)
    assert fit.rmse == pytest.approx(0.02, rel=0.3)
    assert fit.x_at(
        fit.floor + 0.5 * (fit.ceiling - fit.floor)
    ) == pytest.approx(fit.midpoint)


def test_sigmoid_width_is_ten_to_ninety_percent():
    fit = em.fit_sigmoid(
        np.linspace(0, 10, 50),
        em.sigmoid(np.linspace(0, 10, 50), midpoint=5, slope=2.0),
    )
    assert fit.width == pytest.approx(2 * np.log(9) / 2.0, rel=1e-4)
    assert fit.x_at(0.9) - fit.x_at(0.1) == pytest.approx(fit.width, rel=1e-4)


def test_sigmoid_fit_flags_unresolved_step():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    fit = em.fit_sigmoid(x, np.array([0, 0, 0, 1, 1, 1.0]), ceiling=1.0)
    assert not fit.success and "bound" in fit.message


def test_holdout_prediction_train_mask_and_cutoff_agree():
    x = np.linspace(20, 25, 26)
    y = em.sigmoid(x, midpoint=22.5, slope=2.5)
    a = em.holdout_prediction(x, y, cutoff=23.0)
    b = em.holdout_prediction(x, y, train=x < 23.0)
    assert a.test_mae == pytest.approx(b.test_mae, abs=1e-9)
    assert a.test_mae < 1e-4
    with pytest.raises(ValueError, match="exactly one"):
        em.holdout_prediction(x, y)


def test_crossing_point_and_family_crossings():
    assert em.crossing_point(
        [3.0, 1.0, 2.0], [0.9, 0.1, 0.3], 0.6
    ) == pytest.approx(2.5)
    assert em.crossing_point([1.0, 2.0], [0.7, 0.9], 0.5) == 1.0
    frame = pd.DataFrame(
        {
            "family": ["a", "a", "b", "b", "c"],
            "compute": [1e20, 1e22, 1e21, 1e23, 1e22],
            "score": [0.0, 1.0, 0.6, 0.9, 0.1],
        }
    )
    out = em.family_crossings(frame, 0.5).set_index("family")
    assert out.loc["a", "crossing"] == pytest.approx(21.0)
    assert out.loc["a", "status"] == "crossed"
    assert out.loc["b", "status"] == "at or below smallest"
    assert out.loc["c", "status"] == "not reached" and np.isnan(
        out.loc["c", "crossing"]
    )
    with pytest.raises(ValueError, match="flops"):
        em.family_crossings(frame, 0.5, x="flops")


def test_capability_components_recovers_one_factor():
    rng = np.random.default_rng(3)
    ability = rng.normal(size=60)
    weights = np.array([1.0, 0.8, 0.5, 0.3])
    matrix = np.outer(ability, weights) + rng.normal(0, 0.01, (60, 4))
    pca = em.capability_components(matrix, 2)
    assert pca.explained_variance_ratio[0] > 0.99
    np.testing.assert_allclose(
        pca.loadings[0], weights / np.linalg.norm(weights), atol=0.01
    )
    assert abs(np.corrcoef(pca.scores[:, 0], ability)[0, 1]) > 0.999
    np.testing.assert_allclose(pca.transform(matrix), pca.scores)


# ----------------------------------------------------------------------------- exercise checks


def test_exercise_checks():
    """The right answer passes; a typical wrong one fails with a hint."""
    assert ex.check_exact_match(0.59049, p_token=0.9, length=5)
    wrong = ex.check_exact_match(
        1 - 5 * 0.1, p_token=0.9, length=5
    )  # added, not multiplied
    assert not wrong and "multiply" in wrong
    assert ex.check_required_token_accuracy(0.5**0.25, target=0.5, length=4)
    assert "too" in str(
        ex.check_required_token_accuracy(0.5 / 4, target=0.5, length=4)
    )
    assert ex.check_compute(8.4e23, n_params=70e9, n_tokens=2e12)
    wrong = ex.check_compute(
        6 * 70 * 2e12, n_params=70e9, n_tokens=2e12
    )  # N in billions
    assert not wrong and "billions" in wrong
    assert ex.check_resolution_size(em.size_at_exact_match(0.001, length=10))
    wrong = ex.check_resolution_size(
        1e8 * 0.6908 ** (1 / 0.3)
    )  # sign of alpha
    assert not wrong and "alpha" in wrong
    wrong = ex.check_decades(23.0, expected=22.6)
    assert not wrong and "22.6" not in wrong


def test_crossing_check_calls_the_function():
    assert ex.check_crossing_function(em.crossing_point)
    # typical mistakes: interpolating without sorting, taking the last crossing, np.interp
    wrong = ex.check_crossing_function(_no_sort)
    assert not wrong and "sort" in wrong
    assert not ex.check_crossing_function(
        lambda x, y, lv: float(np.interp(lv, np.sort(y), np.sort(x)))
    )
    assert not ex.check_crossing_function(lambda x, y, lv: float(x[0]))
    # a function that returns text, a list or NaN gets feedback, not an exception
    for odd in ("x[0]", [1.0, 2.0], float("nan")):
        wrong = ex.check_crossing_function(lambda x, y, lv, odd=odd: odd)
        assert not wrong and "single finite number" in wrong


def _no_sort(x, y, level):
    above = np.nonzero(np.asarray(y) >= level)[0]
    if above.size == 0:
        return None
    i = int(above[0])
    if i == 0:
        return float(x[0])
    return float(
        x[i - 1] + (level - y[i - 1]) * (x[i] - x[i - 1]) / (y[i] - y[i - 1])
    )


def test_fit_sigmoid_midpoint_on_its_bound_is_not_success():
    """A curve that is still flat at the largest x: the midpoint runs to its bound."""
    x = np.linspace(20, 22, 8)
    y = em.sigmoid(x, midpoint=30.0, slope=1.0) + np.linspace(0, 1e-4, 8)
    fit = em.fit_sigmoid(x, y, ceiling=1.0)
    assert not fit.success and "midpoint" in fit.message


def test_flags_are_exactly_what_the_stated_rules_find():
    """Rerun the two rules of EMERGENCE_FLAGS on the raw file: (1) IPA BLEU below 1/100 with
    >= 5 % exact match; (2) a family's largest model below a tenth of a smaller sibling on IPA
    exact match. Qwen-72B (1.4 % against Qwen-14B's 12.3 %) is above a tenth and not flagged."""
    evals = load_emergence_evals()
    found = set()
    rule1 = (evals.ipa_bleu_100 < 1) & (evals.ipa_exact_match >= 0.05)
    found |= {(m, "ipa_bleu") for m in evals.model[rule1]}
    for _, fam in evals.dropna(subset=["ipa_exact_match"]).groupby("family"):
        fam = fam.sort_values("n_params")
        if (
            len(fam) > 1
            and fam.ipa_exact_match.iloc[-1]
            < fam.ipa_exact_match.iloc[:-1].max() / 10
        ):
            found.add((fam.model.iloc[-1], "ipa_exact_match"))
    assert found == set(EMERGENCE_FLAGS)


def test_slider_label_when_half_is_not_reached():
    """For long answers the 50 % point lies beyond the drawn N range: the title must say so
    (it used to claim 50 % at N = 1e6, the argmax of an all-False array)."""
    import matplotlib.pyplot as plt

    from scaling_lib.plotting.emergence import plot_exact_match_length

    for length, reached in [(10, True), (25, False), (100, False)]:
        fig = plot_exact_match_length(length)
        title = fig.axes[0].get_title()
        plt.close(fig)
        assert ("not reached" not in title) == reached, title
        if reached:
            n_half = em.size_at_exact_match(0.5, length=length)
            assert f"{n_half:.2g}" in title


def test_size_at_exact_match_inverts_the_toy_model():
    for length in (1, 10, 100):
        n = em.size_at_exact_match(
            0.5, length=length, scale=1e8, exponent=-0.3
        )
        out = em.simulate_metrics([n], scale=1e8, exponent=-0.3, length=length)
        assert out["exact_match"][0] == pytest.approx(0.5, rel=1e-9)


def test_capability_pca_fitted_on_training_models_ignores_held_out_scores():
    """With fit_on, the held-out models do not shape the axis: changing their benchmark scores
    moves only their own coordinates (ObsScaling fits its PCA on the training split)."""
    bench = load_emergence_benchmarks()
    cols = list(em.CAPABILITY_COLUMNS)
    complete = bench[bench[cols].notna().all(axis=1)]
    train = set(complete.model.iloc[::2])
    coords, pca = em.observational_capability(bench, fit_on=train)
    changed = bench.copy()
    held = ~changed.model.isin(train) & changed[cols].notna().all(axis=1)
    changed.loc[held, "mmlu"] = 1.0 - changed.loc[held, "mmlu"]
    coords2, pca2 = em.observational_capability(changed, fit_on=train)
    np.testing.assert_allclose(pca.loadings, pca2.loadings)
    keep = coords.model.isin(train)
    np.testing.assert_allclose(coords.pc1[keep], coords2.pc1[keep])
    # without fit_on the axis does move
    _, pca_all = em.observational_capability(bench)
    _, pca_all2 = em.observational_capability(changed)
    assert not np.allclose(pca_all.loadings, pca_all2.loadings)


def test_holdout_table_refits_capability_axis_per_split():
    long = load_emergence_long("arith_3digit_add")
    bench = load_emergence_benchmarks()
    table = em.holdout_table(
        long,
        ["arith_3digit_add"],
        [23.0, "preregistered"],
        x="pc1",
        bench=bench,
    )
    assert list(table.cutoff) == [23.0, "preregistered"]
    pre = table.iloc[1]
    n_pre = long[
        long.model.isin(
            bench.model[bench[list(em.CAPABILITY_COLUMNS)].notna().all(axis=1)]
        )
    ].preregistered.sum()
    assert pre.n_test == n_pre
    with pytest.raises(ValueError, match="x must be"):
        em.holdout_table(
            long, ["arith_3digit_add"], [23.0], x="log10_compute", bench=bench
        )


@pytest.mark.parametrize(
    "name", ["04_emergence.ipynb", "05_inverse_scaling.ipynb"]
)
def test_glued_figures_are_the_displayed_ones(name):
    """A figure glued onto a prose page is found by the site only if the notebook page shows
    the same image (same bytes): constrained layout must not move between renderings."""
    import binascii
    import hashlib
    import json
    from pathlib import Path

    nb = json.loads(
        (Path(__file__).resolve().parents[1] / "notebooks" / name).read_text()
    )
    glued = 0
    for cell in nb["cells"]:
        shown, records = set(), set()
        for out in cell.get("outputs", []):
            for kind, value in out.get("data", {}).items():
                if kind.endswith("image/png"):
                    digest = hashlib.sha256(
                        binascii.a2b_base64("".join(value))
                    ).hexdigest()
                    (
                        records
                        if kind.startswith("application/papermill")
                        else shown
                    ).add(digest)
        assert records <= shown, (
            f"{name}: a glued figure differs from the one displayed"
        )
        glued += len(records)
    assert glued >= 3
