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

Capture into an outbox (即时归档)::

    with guidang.Capturer("/srv/outbox") as cap:
        receipt = cap.capture(record)                 # guidang.Record or a path
        print(receipt.package_path, receipt.package_sm3)
"""

from guidang._native import (
    Capturer,
    CatalogueItem,
    Checker,
    Component,
    Finding,
    Receipt,
    Record,
    Report,
    __version__,
    catalogue,
    check,
    check_record,
    extract_invoice,
    schemas,
    schemes,
    verify_package,
    verify_signatures,
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
    "Capturer",
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
    "Receipt",
    "Record",
    "RefusedError",
    "Report",
    "SchemaError",
    "__version__",
    "catalogue",
    "check",
    "check_record",
    "extract_invoice",
    "schemas",
    "schemes",
    "verify_package",
    "verify_signatures",
]
