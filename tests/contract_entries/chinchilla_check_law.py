"""Contract entry of ``scaling_lib.chinchilla.check_law``, the one validator of a law argument
(the rest of ``scaling_lib.chinchilla`` has its entries in ``test_api_contract``)."""

from __future__ import annotations

from contract_support import Entry, text, thing

from scaling_lib import chinchilla as ch

ENTRIES = {
    "scaling_lib.chinchilla": {
        "check_law": Entry(
            # a validator names the argument its caller gives as ``name``: here "value"
            lambda: {"value": ch.HOFFMANN_2022, "name": "value", "what": None},
            {"value": thing(), "name": text(), "what": text(optional=True)},
            result="none",
        ),
    }
}
