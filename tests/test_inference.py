"""Tests of the modern-shape parameter counts (scaling_lib.flops) and of scaling_lib.inference:
published counts, properties, the PaLM MFU of Appendix B, and the exercise checks."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaling_lib import inference as I
from scaling_lib.exercises import flops as ex
from scaling_lib.flops import (
    GPT2_SMALL,
    GPT3_175B,
    LLAMA2_70B,
    LLAMA3_8B,
    LLAMA3_70B,
    MISTRAL_7B,
    MIXTRAL_8X7B,
    PUBLISHED_MODELS,
    TransformerShape,
    active_params,
    n_params,
    param_breakdown,
)

# ------------------------------------------------------------------ published counts


@pytest.mark.parametrize("model", PUBLISHED_MODELS, ids=lambda m: m.name)
def test_published_total_and_active_counts_within_1_percent(model):
    # sources in PUBLISHED_MODELS: Llama 2 70B checkpoint, Llama 3 model card (8B, 70B),
    # Mistral 7B announcement (7.3B), Jiang et al. 2024, abstract (47B total, 13B active)
    assert n_params(model.shape, embeddings=True) == pytest.approx(
        model.n_params_published, rel=0.01
    )
    assert active_params(model.shape, embeddings=True) == pytest.approx(
        model.active_published, rel=0.01
    )


def test_released_checkpoints_exactly():
    # parameter counts of the released checkpoints (safetensors metadata)
    assert n_params(LLAMA2_70B, embeddings=True) == 68_976_648_192
    assert n_params(LLAMA3_8B, embeddings=True) == 8_030_261_248
    assert n_params(LLAMA3_70B, embeddings=True) == 70_553_706_496
    assert n_params(MIXTRAL_8X7B, embeddings=True) == 46_702_792_704


def test_default_shape_counts_unchanged():
    # n_kv_heads = n_heads, one expert, tied, biases: the GPT-2/3 counts of before
    assert n_params(GPT2_SMALL, embeddings=True) == 124_439_808
    explicit = dataclasses.replace(
        GPT3_175B, n_kv_heads=96, n_experts=1, experts_per_token=1
    )
    assert n_params(explicit) == n_params(GPT3_175B)
    assert active_params(GPT3_175B) == n_params(GPT3_175B)


def test_one_expert_moe_is_the_dense_model():
    # Mixtral with a single expert is Mistral 7B (Jiang et al. 2024: same architecture)
    one = dataclasses.replace(MIXTRAL_8X7B, n_experts=1, experts_per_token=1)
    dense = dataclasses.replace(MISTRAL_7B, n_ctx=MIXTRAL_8X7B.n_ctx)
    assert n_params(one, embeddings=True) == n_params(dense, embeddings=True)
    assert active_params(one) == n_params(dense)
    assert float(I.forward_flops_per_token(one, 100)) == float(
        I.forward_flops_per_token(dense, 100)
    )


def test_moe_active_counts_only_routed_experts():
    p = param_breakdown(MIXTRAL_8X7B)
    idle = p["mlp"] * 6 // 8
    assert active_params(MIXTRAL_8X7B) == n_params(MIXTRAL_8X7B) - idle


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_heads=5), "n_heads"),  # 5 does not divide d_model = 64
        (dict(n_kv_heads=3), "n_kv_heads"),  # 3 does not divide n_heads = 4
        (dict(n_experts=2, experts_per_token=3), "experts_per_token"),
        (dict(mlp="swiglu"), "mlp"),
        (dict(n_kv_heads=0), "n_kv_heads"),
    ],
)
def test_bad_modern_shapes_raise(kwargs, name):
    base = dict(n_layers=2, d_model=64, n_heads=4, n_ctx=16, vocab_size=100)
    with pytest.raises(ValueError, match=name):
        TransformerShape(**{**base, **kwargs})


# ------------------------------------------------------------------ inference


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.integers(0, 3), st.integers(1, 10_000))
def test_kv_cache_linear_in_tokens_and_kv_heads(n_layers, log_kv, n_tokens):
    kv = 2**log_kv
    s = TransformerShape(n_layers, 64 * 8, 8, 128, 100, n_kv_heads=kv)
    one = float(I.kv_cache_bytes(s, 1))
    assert float(I.kv_cache_bytes(s, n_tokens)) == pytest.approx(
        n_tokens * one
    )
    mha = float(
        I.kv_cache_bytes(dataclasses.replace(s, n_kv_heads=8), n_tokens)
    )
    assert float(I.kv_cache_bytes(s, n_tokens)) == pytest.approx(mha * kv / 8)


def test_prefill_is_sum_of_tokens_and_kaplan_on_average():
    s = TransformerShape(4, 64, 4, 512, 100)
    n = 300
    total = float(I.prefill_flops(s, n))
    assert total == pytest.approx(
        sum(float(I.forward_flops_per_token(s, t)) for t in range(1, n + 1))
    )
    # average context term per token ~ Kaplan's 2 n_layers n_ctx d_attn (Table 1)
    avg_ctx = (total - 2 * I.matmul_params_per_token(s) * n) / n
    assert avg_ctx == pytest.approx(2 * s.n_layers * n * s.d_attn, rel=0.01)


def test_decode_roofline_batch_moves_toward_compute_bound():
    small = I.decode_step(LLAMA3_8B, I.H100_SXM, batch_size=1, n_context=16)
    big = I.decode_step(LLAMA3_8B, I.H100_SXM, batch_size=1024, n_context=16)
    assert bool(small["memory_bound"]) and not bool(big["memory_bound"])
    assert (
        float(big["intensity"])
        > I.H100_SXM.ridge_intensity
        > float(small["intensity"])
    )
    # at batch 1 the intensity is about 2 FLOPs per 2-byte weight: 1 FLOP per byte
    assert float(small["intensity"]) == pytest.approx(1.0, rel=0.1)
    # with a long context the cache, read once per sequence, keeps even a large batch
    # memory-bound: batching amortizes the weights, not the cache
    long = I.decode_step(
        LLAMA3_8B, I.H100_SXM, batch_size=1024, n_context=8192
    )
    assert bool(long["memory_bound"])


def test_device_peaks_from_datasheets():
    # NVIDIA datasheets: H100 SXM 1,979 TFLOPS BF16 with sparsity (989 dense), 3.35 TB/s;
    # A100 80GB SXM 312 TFLOPS BF16 dense, 2,039 GB/s
    assert (
        I.H100_SXM.peak_flops == 989e12
        and I.H100_SXM.memory_bandwidth == 3.35e12
    )
    assert (
        I.A100_SXM.peak_flops == 312e12
        and I.A100_SXM.memory_bandwidth == 2.039e12
    )


def test_palm_mfu_appendix_b():
    # Chowdhery et al. 2023, Appendix B: 238.3K tokens/s on 6144 TPU v4 at 275 TFLOP/s gives
    # MFU 45.7 % without self-attention, 46.2 % with it; Table 22: 3.28 TFLOPs per token
    r = I.PALM_540B_THROUGHPUT
    f = I.palm_model_flops_per_token(
        r.n_params, r.n_layers, r.n_heads, r.d_head, r.seq_len
    )
    assert float(f) / 1e12 == pytest.approx(3.28, abs=0.005)
    assert float(
        I.mfu(r.tokens_per_second, f, r.n_devices, r.peak_flops)
    ) == pytest.approx(0.462, abs=0.0005)
    no_attn = I.mfu(r.tokens_per_second, 6 * 540e9, r.n_devices, r.peak_flops)
    assert float(no_attn) == pytest.approx(0.457, abs=0.0005)


def test_mt_nlg_mfu_appendix_b():
    # Chowdhery et al. 2023, Appendix B: (65.43 x 6 x 530) / (312 x 2240) = 29.77 %, printed 29.7
    r = I.MT_NLG_530B_THROUGHPUT
    got = float(
        I.mfu(r.tokens_per_second, 6 * r.n_params, r.n_devices, r.peak_flops)
    )
    assert 0.297 <= got < 0.298


def test_bad_inference_inputs_raise():
    with pytest.raises(ValueError, match="n_tokens"):
        I.kv_cache_bytes(LLAMA3_8B, -1)
    with pytest.raises(ValueError, match="device"):
        I.decode_step(LLAMA3_8B, "H100")
    with pytest.raises(ValueError, match="batch_size"):
        I.decode_step(LLAMA3_8B, I.H100_SXM, batch_size=0)
    with pytest.raises(ValueError, match="tokens_per_second"):
        I.mfu(0, 1, 1, 1)


# ------------------------------------------------------------------ exercise checks


def _forward_flops(
    n_layers,
    d_model,
    n_heads,
    n_kv_heads,
    d_ff,
    vocab_size,
    n_experts,
    experts_per_token,
    n_context,
):
    d_head = d_model // n_heads
    per = (
        2 * d_model * d_model
        + 2 * d_model * n_kv_heads * d_head
        + experts_per_token * 3 * d_model * d_ff
        + (d_model * n_experts if n_experts > 1 else 0)
    )
    return (
        2 * (n_layers * per + vocab_size * d_model)
        + 4 * n_layers * n_context * d_model
    )


def test_forward_flops_check_accepts_right_and_names_typical_mistakes():
    assert ex.check_forward_flops(_forward_flops)

    def all_experts(**c):
        return _forward_flops(**dict(c, experts_per_token=c["n_experts"]))

    def kv_as_heads(**c):
        return _forward_flops(**dict(c, n_kv_heads=c["n_heads"]))

    def with_embedding(**c):
        return _forward_flops(**c) + 2 * c["vocab_size"] * c["d_model"]

    for wrong, words in (
        (all_experts, "experts_per_token"),
        (kv_as_heads, "n_kv_heads"),
        (with_embedding, "lookup"),
    ):
        fb = ex.check_forward_flops(lambda **c: wrong(**c))
        assert not fb and words in fb, fb
    assert not ex.check_forward_flops(42)
    assert not ex.check_forward_flops(lambda **c: 1 / 0)


def test_forward_flops_check_agrees_with_the_library():
    # the check's released-count route and the library's count agree (norms aside)
    for s in (LLAMA3_8B, MIXTRAL_8X7B, MISTRAL_7B):
        c = dict(
            n_layers=s.n_layers,
            d_model=s.d_model,
            n_heads=s.n_heads,
            n_kv_heads=s.n_kv_heads,
            d_ff=s.d_ff,
            vocab_size=s.vocab_size,
            n_experts=s.n_experts,
            experts_per_token=s.experts_per_token,
        )
        assert _forward_flops(**c, n_context=100) == pytest.approx(
            float(I.forward_flops_per_token(s, 100)), rel=1e-4
        )  # the library adds norms


def test_mfu_check_rejects_typical_wrong_answers():
    tps = 64 * 8192 / 1.3
    right = tps * (6 * 8.03e9 + 12 * 32 * 32 * 128 * 8192) / (64 * 989e12)
    assert ex.check_mfu_llama3_8b(right)
    assert not ex.check_mfu_llama3_8b(
        tps * 6 * 8.03e9 / (64 * 989e12)
    )  # no attention
    assert not ex.check_mfu_llama3_8b(right / 2)  # sparse peak
    assert not ex.check_mfu_llama3_8b(right / 3)  # 2N, forward only


def test_decode_check_agrees_with_library_and_names_the_embedding():
    step = I.decode_step(LLAMA2_70B, I.H100_SXM, batch_size=1, n_context=0)
    assert ex.check_decode_ms_llama2_70b(float(step["time"]) / 8 * 1e3)
    fb = ex.check_decode_ms_llama2_70b(
        2 * 68_976_648_192 / (8 * 3.35e12) * 1e3
    )
    assert not fb and "embedding" in fb  # all weights streamed: 0.4 % too high
    assert not ex.check_decode_ms_llama2_70b(2 * 68.98e9 / (8 * 989e12) * 1e3)


def test_decode_step_reads_a_tied_output_matrix():
    # a tied embedding is also the output matrix, read in full for the logits
    tied = I.decode_step(GPT2_SMALL, I.H100_SXM, 1, 0)
    untied = I.decode_step(
        dataclasses.replace(GPT2_SMALL, tied_embeddings=False),
        I.H100_SXM,
        1,
        0,
    )
    kv = float(
        I.kv_cache_bytes(GPT2_SMALL, 1)
    )  # the new token's keys and values
    assert float(tied["bytes"]) == pytest.approx(
        2 * n_params(GPT2_SMALL, embeddings=True) + kv
    )
    assert float(untied["bytes"]) == pytest.approx(float(tied["bytes"]))


def test_checks_answer_independent_of_library(monkeypatch):
    # the checks hold their own numbers: break the library's devices, peaks and counts, and
    # the verdicts on the right answers do not move
    right = {
        ex.check_training_days: 3.14e23 / (1024 * 312e12 * 0.4) / 86400,
        ex.check_decode_ms_llama2_70b: 2
        * (68_976_648_192 - 32000 * 8192)
        / 26.8e12
        * 1e3,
        ex.check_mfu_llama3_8b: 64
        * 8192
        / 1.3
        * (6 * 8.03e9 + 12 * 32 * 32 * 128 * 8192)
        / (64 * 989e12),
        ex.check_gpt2_small_params: 124_439_808,
        ex.check_devices_for_model_states: 12,
    }
    from scaling_lib import flops as F

    monkeypatch.setattr(
        I,
        "H100_SXM",
        dataclasses.replace(I.H100_SXM, peak_flops=1.0, memory_bandwidth=1.0),
    )
    monkeypatch.setitem(F.PEAK_FLOPS, "A100", 1.0)
    monkeypatch.setattr(F, "n_params", lambda *a, **k: 1)
    monkeypatch.setattr(F, "training_time", lambda *a, **k: 1.0)
    for check, answer in right.items():
        assert check(answer), check.__name__
    assert ex.check_forward_flops(_forward_flops)


@pytest.mark.parametrize(
    "check, wrong, words",
    [
        (
            ex.check_training_days,
            3.14e23 / (1024 * 624e12 * 0.4) / 86400,
            "dense",
        ),
        (ex.check_gpt2_small_params, 124_439_808 + 50257 * 768, "tied"),
        (
            ex.check_gpt2_small_params,
            124_337_664 - 2 * 768 + 2 * 768,
            "biases",
        ),
        (ex.check_crossover_appendix_f, 12 * 4096, "Kaplan"),
        (ex.check_crossover_appendix_f, 6 * 4096, "softmax"),
        (ex.check_devices_for_model_states, 2, "16 bytes"),
        (ex.check_devices_for_model_states, 11, "round up"),
        (ex.check_activation_gb, 153 / 80, "per layer"),
        (ex.check_remat_share, 0.578 - 0.462, "divide"),
    ],
)
def test_every_check_fails_a_typical_wrong_answer_with_a_hint(
    check, wrong, words
):
    fb = check(wrong)
    assert not fb and words in fb, fb
