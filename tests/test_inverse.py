"""Tests of Chapter 5 (inverse scaling): the loaders of Michaelov & Bergen (2023), the trend
classifier on constructed sequences and on the real data, and the re-run of the published
regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib.data import (
    INVERSE_TASK_CAUSES,
    INVERSE_TASKS,
    PYTHIA_PARAMS,
    PYTHIA_SIZES,
    PYTHIA_STEPS,
    data_path,
    load_inverse_scaling,
    load_inverse_scaling_tests,
    parse_test_cell,
    sha256,
)
from scaling_lib.exercises import inverse as ex
from scaling_lib.exercises.inverse import check_z_score
from scaling_lib.inverse import (
    TREND_LABELS,
    benjamini_hochberg,
    classify_tasks,
    classify_trend,
    distractor_accuracy,
    endpoint_change,
    michaelov_regression,
    weighted_polyfit,
)

RESULTS = ("inverse_scaling", "emergent_inabilities_all_results.tsv")
TESTS = ("inverse_scaling", "emergent_inabilities_statistical_tests.tsv")
N = np.array([PYTHIA_PARAMS[s] for s in PYTHIA_SIZES], float)
SE = np.full(8, 0.01)
U = np.linspace(-1, 1, 8)


@pytest.fixture(scope="module")
def data():
    return load_inverse_scaling()


# --- loaders --------------------------------------------------------------------------------


def test_checksums_match_readme():
    # inverse_scaling/README.md, table "File here / SHA-256"
    assert (
        sha256(data_path(*RESULTS))
        == "0fe72671e1959fb002ffcc8bb9fd11b71183919126bdf1d09b64c19ebbed538d"
    )
    assert (
        sha256(data_path(*TESTS))
        == "f6ccc6483eee17b30cb1f78be15d46ab3163852be2ae2764a5b800da3f67f007"
    )


def test_columns_and_grid(data):
    assert list(data.columns) == [
        "task",
        "task_name",
        "cause",
        "size",
        "n_params",
        "step",
        "n_tokens",
        "final",
        "accuracy",
        "accuracy_se",
    ]
    assert len(data) == 768
    per_task = data.groupby("task").apply(
        lambda g: (g["size"].nunique(), g.step.nunique(), len(g)),
        include_groups=False,
    )
    assert set(per_task) == {(8, 8, 64)}
    assert set(data.task) == set(INVERSE_TASKS)
    assert sorted(data.step.unique()) == PYTHIA_STEPS
    assert data.accuracy.between(0, 1).all() and (data.accuracy_se >= 0).all()


def test_pythia_sizes_and_tokens(data):
    # Pythia model cards (Biderman et al. 2023), "Naming convention and parameter count":
    # total parameters; tokens = step x 2,097,152 (README).
    assert (
        PYTHIA_PARAMS["70m"] == 70_426_624
        and PYTHIA_PARAMS["12b"] == 11_846_072_320
    )
    assert np.all(np.diff(N) > 0)
    final = data[data.final]
    assert (final.n_tokens == 143_000 * 2_097_152).all()
    assert final.n_tokens.iloc[0] == pytest.approx(3.0e11, rel=0.01)


def test_known_values(data):
    # results/all_results.tsv of Michaelov & Bergen: memo trap, 12B, final checkpoint.
    row = data[
        (data.task == "isp_memo_trap") & (data["size"] == "12b") & data.final
    ].iloc[0]
    assert row.accuracy == pytest.approx(0.656, abs=5e-4)
    assert row.cause == "strong prior"


def test_causes_cover_tasks():
    # McKenzie et al. (2023): 3 strong prior (+ Prompt Injection, not in the data),
    # 1 unwanted imitation, 4 distractor task, 2 spurious few-shot.
    causes = pd.Series(INVERSE_TASK_CAUSES)
    assert causes.value_counts().to_dict() == {
        "distractor task": 4,
        "strong prior": 3,
        "spurious few-shot": 2,
        "(not a prize task)": 2,
        "unwanted imitation": 1,
    }


def test_malformed_results_file(tmp_path):
    text = data_path(*RESULTS).read_text().splitlines()
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join(text[:-1]) + "\n")  # one row missing
    with pytest.raises(ValueError, match="768 data rows"):
        load_inverse_scaling(path=bad)
    bad.write_text(
        "\n".join([text[0].replace("Accuracy_SE", "SE")] + text[1:]) + "\n"
    )
    with pytest.raises(ValueError, match="columns changed"):
        load_inverse_scaling(path=bad)
    bad.write_text("\n".join(text[:-1] + [text[1]]) + "\n")  # a duplicate cell
    with pytest.raises(ValueError, match="exactly once"):
        load_inverse_scaling(path=bad)
    bad.write_text(
        "\n".join(text[:-1] + [text[-1].replace("pythia-", "gpt-")]) + "\n"
    )
    with pytest.raises(ValueError, match="ModelName"):
        load_inverse_scaling(path=bad)


def test_tests_file_parsed():
    tests = load_inverse_scaling_tests()
    assert len(tests) == 36 and set(tests.effect) == {
        "Parameters",
        "Tokens",
        "Interaction",
    }
    assert (tests.df == 60).all()
    neqa = tests[
        (tests.task == "isp_neqa") & (tests.effect == "Interaction")
    ].iloc[0]
    assert (neqa.t, neqa.p, neqa.p_is_upper_bound) == (2.45, 0.034, False)


def test_parse_test_cell_bad():
    with pytest.raises(ValueError, match="text"):
        parse_test_cell("t=4, p=0.1")


def test_malformed_tests_file(tmp_path):
    text = (
        data_path(*TESTS)
        .read_text()
        .replace("t(60)=-0.31, p=0.824", "t60 -0.31")
    )
    bad = tmp_path / "bad.tsv"
    bad.write_text(text)
    with pytest.raises(ValueError, match="Into the Unknown"):
        load_inverse_scaling_tests(path=bad)


# --- the classifier on constructed sequences -------------------------------------------------


@pytest.mark.parametrize(
    "y, label",
    [
        (0.5 + 0.15 * U, "positive"),
        (0.5 - 0.15 * U, "inverse"),
        (0.3 + 0.3 * U**2, "U-shaped"),
        (0.8 - 0.3 * U**2, "inverted-U"),
        (np.full(8, 0.5), "flat"),
        (0.5 + 0.01 * U, "flat"),  # significant but below min_effect
        (0.3 + 0.3 * (U - 0.2) ** 2, "U-shaped"),  # off-centre turning point
        (
            0.2 + 0.3 * (U + 1) ** 2 / 4,
            "positive",
        ),  # curved but monotone: vertex at the edge
    ],
)
def test_constructed_shapes(y, label):
    assert classify_trend(N, y, SE).label == label


def test_noisy_shapes_recovered():
    # Seeded noise at the harness's typical size (1.5 points): the verdict must survive.
    rng = np.random.default_rng(5)
    for truth, label in [
        (0.6 - 0.12 * U, "inverse"),
        (0.7 - 0.25 * U**2, "inverted-U"),
    ]:
        hits = sum(
            classify_trend(
                N,
                np.clip(truth + rng.normal(0, 0.015, 8), 0, 1),
                np.full(8, 0.015),
            ).label
            == label
            for _ in range(50)
        )
        assert hits >= 45


def test_pure_noise_mostly_flat():
    rng = np.random.default_rng(0)
    labels = [
        classify_trend(
            N, 0.5 + rng.normal(0, 0.015, 8), np.full(8, 0.015)
        ).label
        for _ in range(200)
    ]
    assert labels.count("flat") / 200 >= 0.9


def test_turning_point_location():
    x = np.log10(N)
    x0 = 9.0
    res = classify_trend(N, 0.9 - 0.1 * (x - x0) ** 2, SE)
    assert res.label == "inverted-U"
    assert res.turning_x == pytest.approx(x0, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.3, 0.3), st.floats(0.2, 0.8))
def test_mirror_symmetry(slope, level):
    # Reflecting accuracy about 0.5 swaps positive<->inverse and U<->inverted-U.
    y = np.clip(level + slope * U, 0, 1)
    a, b = classify_trend(N, y, SE).label, classify_trend(N, 1 - y, SE).label
    swap = {
        "positive": "inverse",
        "inverse": "positive",
        "U-shaped": "inverted-U",
        "inverted-U": "U-shaped",
        "flat": "flat",
    }
    assert b == swap[a]


def test_extra_variance_estimated():
    # Paule-Mandel: scatter of 5 points around a line with reported SE 0.001 -> tau ~ scatter.
    rng = np.random.default_rng(1)
    u = np.linspace(-1, 1, 200)
    y = 0.5 + 0.1 * u + rng.normal(0, 0.05, u.size)
    fit = weighted_polyfit(u, y, np.full(u.size, 0.001), 1)
    assert fit.tau == pytest.approx(0.05, rel=0.15)
    assert fit.coef[1] == pytest.approx(0.1, abs=0.02)


# --- the classifier on the real data ---------------------------------------------------------


def test_verdicts_where_published_analysis_is_clear(data):
    # Michaelov & Bergen (2023), statistical_tests.tsv: model-size terms t = -10.05 (memo
    # trap), -3.20 (pattern match suppression), -24.72 (TruthfulQA-MC2), all p <= 0.005;
    # sig figs, into the unknown, NeQA p > 0.5. At the final checkpoint:
    table = classify_tasks(data, along="size").set_index("task").label
    for task in [
        "isp_memo_trap",
        "isp_pattern_matching_suppression",
        "truthfulqa_mc2",
    ]:
        assert table[task] == "inverse"
    for task in ["isp_sig_figs", "isp_into_the_unknown", "isp_neqa"]:
        assert table[task] == "flat"
    assert set(table) <= set(TREND_LABELS)


def test_training_verdicts(data):
    table = classify_tasks(data, along="training")
    assert len(table) == 96
    memo = table[table.task == "isp_memo_trap"].set_index("size").label
    # memo trap gets worse over training for the largest models (Michaelov & Bergen, Fig. 1)
    assert memo["12b"] == "inverse" and memo["6.9b"] == "inverse"
    assert set(table[table.task == "isp_sig_figs"].label) == {"flat"}


def test_published_regression_reproduced(data):
    # statistical_tests.tsv reports t rounded to 2 decimals and BH p rounded to 3.
    ours = michaelov_regression(data)
    pub = load_inverse_scaling_tests()
    merged = ours.merge(pub, on=["task", "effect"], suffixes=("", "_pub"))
    assert len(merged) == 36
    assert np.abs(merged.t - merged.t_pub).max() <= 0.0051
    exact = ~merged.p_is_upper_bound
    assert np.abs(merged.p[exact] - merged.p_pub[exact]).max() <= 0.0006
    assert (merged.p[merged.p_is_upper_bound] < 0.001).all()


# --- helpers ------------------------------------------------------------------------------------


def test_benjamini_hochberg_matches_r():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") -> all 0.05
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx(
        [0.05] * 5
    )
    adj = benjamini_hochberg([0.5, 0.001, 0.2])
    assert adj == pytest.approx([0.5, 0.003, 0.3])


def test_endpoint_change():
    diff, se, z = endpoint_change(0.873, 0.011, 0.656, 0.016)
    assert diff == pytest.approx(-0.217) and z == pytest.approx(
        -0.217 / np.hypot(0.011, 0.016)
    )
    assert check_z_score(z, z)


def test_distractor_toy_is_u_shaped():
    loss = np.linspace(3.0, 1.5, 300)
    acc = distractor_accuracy(
        loss, loss_distractor=2.5, loss_true=2.0, width=0.05
    )
    assert acc[0] == pytest.approx(0.5, abs=1e-3) and acc[-1] == pytest.approx(
        1, abs=1e-3
    )
    assert acc.min() < 0.05
    assert (
        classify_trend(np.exp(-loss * 5), acc, np.full(300, 0.01)).label
        == "U-shaped"
    )


def test_step_like_rise_is_not_flat():
    """A rise of 35 points, nearly all between the two smallest sizes, then a plateau: the
    line's lack of fit must not be absorbed into tau**2 (tau is estimated from the parabola)."""
    u = (np.log10(N) - (np.log10(N).max() + np.log10(N).min()) / 2) / (
        (np.log10(N).max() - np.log10(N).min()) / 2
    )
    for k in (8, 6, 4, 2):
        y = 0.55 + 0.35 * (1 - np.exp(-k * (u + 1)))
        se = np.full(8, 0.015)
        assert classify_trend(N, y, se).label == "positive", k
        assert classify_trend(N, 1.45 - y, se).label == "inverse", k
    rng = np.random.default_rng(0)
    y = 0.55 + 0.35 * (1 - np.exp(-6 * (u + 1)))
    labels = [
        classify_trend(
            N, np.clip(y + rng.normal(0, 0.015, 8), 0, 1), np.full(8, 0.015)
        ).label
        for _ in range(300)
    ]
    assert labels.count("positive") / 300 > 0.9


def test_line_reuses_the_parabola_tau():
    rng = np.random.default_rng(3)
    y = 0.5 + 0.1 * U + rng.normal(0, 0.05, 8)
    res = classify_trend(N, y, SE)
    assert res.line.tau == pytest.approx(res.parabola.tau)
    fixed = weighted_polyfit(U, y, SE, 1, tau=0.0)
    assert fixed.tau == 0.0
    with pytest.raises(ValueError, match="tau"):
        weighted_polyfit(U, y, SE, 1, tau=-1.0)


# --- exercise checks: the right answer passes, a typical wrong one fails with a hint -----------


def test_exercise_checks_pass_right_and_fail_wrong(data):
    final = data[data.final]
    g = final[final.task == "truthfulqa_mc2"].sort_values("n_params")
    _, _, z = endpoint_change(
        g.accuracy.iloc[0],
        g.accuracy_se.iloc[0],
        g.accuracy.iloc[-1],
        g.accuracy_se.iloc[-1],
    )
    assert ex.check_endpoint_z(z)
    wrong = ex.check_endpoint_z(-z)  # sign flipped
    assert not wrong and "sign" in wrong
    assert not ex.check_endpoint_z(
        z * np.sqrt(2)
    )  # se added instead of in quadrature

    def pm(u, y, se, degree):
        return weighted_polyfit(u, y, se, degree, min_se=1e-12).tau ** 2

    assert ex.check_paule_mandel(pm)
    wrong = ex.check_paule_mandel(
        lambda u, y, se, d: pm(u, y, se, 1)
    )  # always a line
    assert not wrong and "Hint" in wrong
    assert not ex.check_paule_mandel(lambda u, y, se, d: float(np.var(y)))

    changed = [
        "isp_hindsight_neglect",
        "isp_pattern_matching_suppression",
        "isp_redefine",
    ]
    assert ex.check_threshold_changes(changed)
    wrong = ex.check_threshold_changes(changed[:2] + ["truthfulqa_mc1"])
    assert not wrong and "1 expected task(s) missing" in wrong
    assert "isp_redefine" not in wrong  # does not name the answer

    rc = final[final.task == "isp_resisting_correction"].sort_values(
        "n_params"
    )
    res = classify_trend(rc.n_params, rc.accuracy, rc.accuracy_se)
    assert ex.check_turning_point(10**res.turning_x)
    assert not ex.check_turning_point(
        res.turning_x
    )  # log10 given instead of N
    g12 = data[
        (data.task == "isp_resisting_correction") & (data["size"] == "12b")
    ]
    res12 = classify_trend(g12.n_tokens, g12.accuracy, g12.accuracy_se)
    assert ex.check_turning_point(10**res12.turning_x, along="training")
    assert not ex.check_turning_point(10**res.turning_x, along="training")

    assert ex.check_bh_p(0.0344) and not ex.check_bh_p(0.0172)  # uncorrected p
    assert ex.check_recovery_size(6.0e10) and not ex.check_recovery_size(
        2.05e10
    )
    assert ex.check_paired_se(0.0218)
    unpaired = np.sqrt((0.8 * 0.2 + 0.7 * 0.3) / 400)
    wrong = ex.check_paired_se(unpaired)
    assert not wrong and "Cov" in wrong


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(scale=-N), "scale"),
        (dict(accuracy=np.full(8, 1.2)), "accuracy"),
        (dict(accuracy_se=-SE), "accuracy_se"),
        (dict(accuracy=np.full(7, 0.5)), "same length"),
        (dict(alpha=1.5), "alpha"),
        (dict(min_effect=-0.1), "min_effect"),
        (dict(scale=np.array([1e8] * 4 + [1e9] * 4)), "scale"),
    ],
)
def test_bad_input(kwargs, name):
    args = dict(scale=N, accuracy=np.full(8, 0.5), accuracy_se=SE)
    extra = {k: kwargs.pop(k) for k in ("alpha", "min_effect") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        classify_trend(
            args["scale"], args["accuracy"], args["accuracy_se"], **extra
        )


def test_bad_input_helpers(data):
    with pytest.raises(ValueError, match="along"):
        classify_tasks(data, along="depth")
    with pytest.raises(ValueError, match="pvalues"):
        benjamini_hochberg([0.1, float("nan")])
    with pytest.raises(ValueError, match="loss_true"):
        distractor_accuracy([2.0], loss_distractor=2.0, loss_true=2.5)
    with pytest.raises(ValueError, match="loss"):
        distractor_accuracy([-1.0], loss_distractor=2.5, loss_true=2.0)
    with pytest.raises(ValueError, match="degree"):
        weighted_polyfit(U, U, SE, 3)
    with pytest.raises(ValueError, match="acc_last"):
        endpoint_change(0.5, 0.01, 1.5, 0.01)


@pytest.mark.parametrize("amplitude", [0.1, 0.35, 0.6, 0.9])
@pytest.mark.parametrize("min_effect", [0.0, 0.02, 0.05])
def test_noise_free_monotone_curves_never_turn(amplitude, min_effect):
    """A curve that rises and then saturates (or falls and then flattens) has no turn; the
    symmetric parabola overshoots it, so a test that trusts the parabola's own "fall" after the
    vertex calls it inverted-U (it did, for amplitude 0.35 and rate 4 to 8)."""
    u = (np.log10(N) - np.log10(N).mean()) / np.ptp(np.log10(N)) * 2
    for rate in np.linspace(0.5, 20, 40):
        rise = 0.05 + amplitude * (1 - np.exp(-rate * (u - u.min())))
        for y in (rise, 1 - rise):
            label = classify_trend(N, y, SE, min_effect=min_effect).label
            assert label not in ("U-shaped", "inverted-U"), (
                amplitude,
                rate,
                label,
            )


def test_turn_needs_observed_ends_beyond_the_extremum():
    """A real peak is still found, and its fall and rise are measured from the observed ends."""
    y = 0.8 - 0.3 * U**2
    res = classify_trend(N, y, SE)
    assert res.label == "inverted-U"
    peak = res.parabola.predict(res.to_u(res.turning_x))
    assert res.fall == pytest.approx(peak - y[0], abs=1e-9)
    assert res.rise == pytest.approx(y[-1] - peak, abs=1e-9)


def test_dominance_pairs_memo_trap(data):
    """The law-free statistic behind Chapter 5's loss section: of the (size, checkpoint) pairs
    where one point has at least the parameters and the tokens of the other, the dominating
    point (lower loss under every law decreasing in N and D) has lower Memo Trap accuracy in
    85 % of them. (The loss *order* of all 64 points is not law-free: it depends on the
    constants.)"""
    from scaling_lib.inverse import dominance_pairs

    m = data[data.task == "isp_memo_trap"]
    pairs, lower, _ = dominance_pairs(m.n_params, m.n_tokens, m.accuracy)
    assert pairs == 1232
    assert lower == pytest.approx(0.85, abs=0.005)
    with pytest.raises(ValueError, match="dominates"):
        dominance_pairs([1, 2], [2, 1], [0.5, 0.5])
