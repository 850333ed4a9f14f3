"""The contract covers every argument of every public function and every public method.

:mod:`test_api_contract` tests each argument an ``Entry`` gives a kind (or lists among its
student ``answers``). These tests make sure no argument is left out: the parameters of the
function (or method, or class) an entry calls are exactly its kinds, its answers and the few
opt-outs below, each with its reason. A public method may not hide behind a string entry:
strings are for the records and classes the library builds and returns.
"""

from __future__ import annotations

import inspect

import pytest
from contract_support import Entry
from test_api_contract import CONTRACT, _resolve

#: Parameters no kind probes, each with the reason: a bare name holds for every entry,
#: ``module.name:parameter`` for one.
OPT_OUTS = {
    "self": "the object a method is called on: the entry's factory builds a valid one",
    "scaling_lib.plotting.new_figure:kwargs": (
        "passed unchanged to matplotlib.pyplot.subplots (sharey, squeeze, gridspec_kw), "
        "which checks its own keywords"
    ),
}

#: Every entry of the contract: (module, public name, Entry or the string a class may have).
ENTRIES = [
    (module, name, entry)
    for module, table in CONTRACT.items()
    for name, entry in table.items()
]


def _target(module, name):
    """The function, method or class the entry ``module.name`` calls."""
    return _resolve(module, name)


def _parameters(obj) -> dict:
    """The parameters of ``obj`` (a class: of its constructor), by name."""
    return dict(inspect.signature(obj).parameters)


def _probed(params: dict, entry: Entry) -> set[str]:
    """The parameters the entry probes: its kinds and answers; ``*`` stands for the
    ``*parts`` parameter, and a ``**filters`` parameter is probed by any kind that names a
    keyword it collects."""
    probed = set(entry.kinds) | set(entry.answers)
    for name, p in params.items():
        if p.kind is p.VAR_POSITIONAL and "*" in probed:
            probed = (probed - {"*"}) | {name}
        elif p.kind is p.VAR_KEYWORD and probed - set(params):
            probed = (probed & set(params)) | {name}
    return probed


def _is_method(module, name) -> bool:
    if "." not in name:
        return False
    owner = _resolve(module, name.rpartition(".")[0])
    return inspect.isclass(owner) and inspect.isfunction(
        vars(owner).get(name.rpartition(".")[2])
    )


CALLED = [
    (m, n, e)
    for m, n, e in ENTRIES
    if isinstance(e, Entry) and callable(_target(m, n))
]


@pytest.mark.parametrize(
    "module, name, entry",
    CALLED,
    ids=[f"{m.removeprefix('scaling_lib.')}:{n}" for m, n, _ in CALLED],
)
def test_every_argument_has_a_kind(module, name, entry):
    params = _parameters(_target(module, name))
    probed = _probed(params, entry)
    opted = {
        p
        for p in params
        if p in OPT_OUTS or f"{module}.{name}:{p}" in OPT_OUTS
    }
    unprobed = set(params) - probed - opted
    assert not unprobed, (
        f"{module}.{name}: arguments without a kind: {sorted(unprobed)}"
    )
    unknown = probed - set(params)
    assert not unknown, (
        f"{module}.{name}: kinds for no argument: {sorted(unknown)}"
    )


def test_every_public_method_has_an_entry():
    """A string entry is for a record or class the library returns, never for a method."""
    hidden = sorted(
        f"{m}.{n}"
        for m, n, e in ENTRIES
        if isinstance(e, str) and _is_method(m, n)
    )
    assert not hidden, f"public methods without an entry: {hidden}"


def test_a_string_entry_stands_for_a_record_or_an_exception():
    """Functions are called by their entry; only classes the library builds and returns (its
    result records) and its exceptions may be named by a string."""
    called = sorted(
        f"{m}.{n}"
        for m, n, e in ENTRIES
        if isinstance(e, str) and not inspect.isclass(_target(m, n))
    )
    assert not called, f"functions with a string for an entry: {called}"


def test_opt_outs_say_why_and_exist():
    assert all(isinstance(r, str) and len(r) > 20 for r in OPT_OUTS.values())
    for key in OPT_OUTS:
        if ":" in key:
            dotted, param = key.split(":")
            module, _, name = dotted.rpartition(".")
            assert param in _parameters(_target(module, name)), key
