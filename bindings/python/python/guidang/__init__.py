"""归档 guidang — capture electronic records for single-track and instant archiving.

Check records against DA/T 70-2018 (四性检测) and DA/T 46 metadata::

    import guidang
    report = guidang.check("records/2026-0001")      # str, bytes or os.PathLike
    print(report.verdict)                             # "pass" | "warn" | "fail"
    for f in report.findings:
        if f.outcome == "fail":
            print(f.code, f.rule, f.message_zh)

Problems found in a record are findings (data). Exceptions (``guidang.GuidangError`` and its
subclasses in :mod:`guidang.errors`) mean guidang could not run what was asked. Every call
releases the GIL, so a thread pool checks records in parallel.
"""

from guidang._native import (
    CatalogueItem,
    Checker,
    Component,
    Finding,
    Record,
    Report,
    __version__,
    catalogue,
    check,
    check_record,
    schemas,
    schemes,
)
from guidang.errors import (
    ConfigError,
    ConflictError,
    CryptoError,
    DuplicateError,
    GuidangError,
    InputError,
    InternalError,
    LimitError,
    RefusedError,
    SchemaError,
)

__all__ = [
    "CatalogueItem",
    "Checker",
    "Component",
    "ConfigError",
    "ConflictError",
    "CryptoError",
    "DuplicateError",
    "Finding",
    "GuidangError",
    "InputError",
    "InternalError",
    "LimitError",
    "Record",
    "RefusedError",
    "Report",
    "SchemaError",
    "__version__",
    "catalogue",
    "check",
    "check_record",
    "schemas",
    "schemes",
]
