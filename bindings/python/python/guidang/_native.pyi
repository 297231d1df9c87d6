"""Type stubs of the native module ``guidang._native`` (checked by ``mypy.stubtest``)."""

import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union, final

_StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_Verdict = Literal["pass", "warn", "fail"]
_Outcome = Literal["pass", "fail", "warn", "manual", "not_applicable"]
_Stage = Literal["GD", "YJ", "BC"]
_Property = Literal["authenticity", "integrity", "usability", "security"]

__version__: str
__all__ = [
    "CatalogueItem",
    "Checker",
    "Component",
    "Finding",
    "Record",
    "Report",
    "__version__",
    "catalogue",
    "check",
    "check_record",
    "schemas",
    "schemes",
]

@final
class Finding:
    """One result of one check item on one subject."""

    @property
    def code(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def outcome(self) -> _Outcome: ...
    @property
    def stage(self) -> _Stage: ...
    @property
    def blocking(self) -> bool: ...
    @property
    def clause(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def message_zh(self) -> str: ...
    @property
    def message_en(self) -> str: ...
    @property
    def evidence(self) -> Dict[str, Any]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    # Last: inside the class body the name `property` shadows the builtin decorator.
    @property
    def property(self) -> _Property: ...

@final
class Report:
    """The result of checking one record (or batch)."""

    @property
    def verdict(self) -> _Verdict: ...
    @property
    def kind(self) -> Literal["record", "batch"]: ...
    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def stage(self) -> _Stage: ...
    @property
    def schema(self) -> str: ...
    @property
    def scheme(self) -> str: ...
    @property
    def created(self) -> str: ...
    @property
    def findings(self) -> List[Finding]: ...
    @property
    def summary(self) -> Dict[str, int]: ...
    def failed_codes(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self, indent: bool = False) -> str: ...
    def render(self, lang: str = "zh") -> str: ...

@final
class Component:
    """One component (正文, 附件 …) of a record."""

    @staticmethod
    def from_bytes(
        data: bytes,
        name: str,
        *,
        role: str = "正文",
        title: Optional[str] = None,
        declared: Optional[Mapping[str, Union[str, int]]] = None,
        digests: Optional[Mapping[str, str]] = None,
    ) -> "Component": ...
    @staticmethod
    def from_path(
        path: _StrPath,
        *,
        role: str = "正文",
        name: Optional[str] = None,
        title: Optional[str] = None,
        declared: Optional[Mapping[str, Union[str, int]]] = None,
        digests: Optional[Mapping[str, str]] = None,
    ) -> "Component": ...
    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def size(self) -> int: ...

@final
class Record:
    """A record (件): id, DA/T 46 metadata and components."""

    def __new__(
        cls,
        id: str,
        *,
        metadata: Optional[Mapping[str, Any]] = None,
        components: Sequence[Component] = ...,
        schema: Optional[str] = None,
    ) -> "Record": ...
    @staticmethod
    def load(path: _StrPath) -> "Record": ...
    @property
    def id(self) -> str: ...
    @property
    def components(self) -> List[Component]: ...
    def meta(self, path: str) -> Optional[str]: ...

@final
class Checker:
    """Runs checks with one schema, scheme and options; safe to share between threads."""

    def __new__(
        cls,
        *,
        schema: Optional[_StrPath] = None,
        scheme: Optional[_StrPath] = None,
        trust_dir: Optional[_StrPath] = None,
        clamd: Optional[str] = None,
        signer_certs: Sequence[_StrPath] = ...,
        now: Optional[str] = None,
    ) -> "Checker": ...
    @property
    def scheme(self) -> str: ...
    def check(self, path: _StrPath) -> Report: ...
    def check_record(self, record: Record) -> Report: ...
    def check_batch(self, path: _StrPath) -> Tuple[List[Report], Report]: ...

@final
class CatalogueItem:
    """One DA/T 70-2018 catalogue item in one stage."""

    @property
    def code(self) -> str: ...
    @property
    def seq(self) -> str: ...
    @property
    def stage(self) -> _Stage: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def clause(self) -> str: ...
    @property
    def automatable(self) -> Literal["yes", "partial", "no"]: ...
    # Last: inside the class body the name `property` shadows the builtin decorator.
    @property
    def property(self) -> _Property: ...

def check(path: _StrPath) -> Report: ...
def check_record(record: Record) -> Report: ...
def catalogue() -> List[CatalogueItem]: ...
def schemas() -> List[str]: ...
def schemes() -> List[str]: ...
