"""Contract entries of the chapter figure and check modules, one file per module.

Each file defines ``ENTRIES = {module name: {public name: Entry, ...}}`` with the kinds of
``contract_support``. ``test_api_contract`` loads every file here, enforces its modules, and
fails when one of their public functions has no entry.
"""

import importlib
import pkgutil


def load() -> dict:
    """Every ``ENTRIES`` of this package, merged by module name."""
    entries: dict = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, table in module.ENTRIES.items():
            entries.setdefault(name, {}).update(table)
    return entries
