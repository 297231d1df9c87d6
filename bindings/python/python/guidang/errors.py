"""Exceptions raised by guidang: the library *could not run* what was asked.

Problems found in a record are never exceptions: they are findings in the returned report.
Every exception carries ``code``, the stable machine-readable code of the Rust ``guidang::Error``
variant (``io``, ``invalid_input``, ``schema``, ``config``, ``limit``, ``conflict``, ``duplicate``,
``refused``, ``crypto``, or ``internal`` for a defect inside guidang), and ``path`` when a file is
concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover - typing only
    from guidang._native import Report

__all__ = [
    "GuidangError",
    "InputError",
    "SchemaError",
    "ConfigError",
    "LimitError",
    "ConflictError",
    "DuplicateError",
    "RefusedError",
    "CryptoError",
    "InternalError",
]


class GuidangError(Exception):
    """Base class of every guidang exception (归档错误)."""

    code: str
    """Stable machine-readable code of the failure (e.g. ``io``, ``duplicate``)."""
    path: Optional[str]
    """The file concerned, when there is one."""

    def __init__(self, message: str, *, code: str = "error", path: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.path = path

    @property
    def message(self) -> str:
        """The human-readable message (English, naming the file and the problem)."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _rebuild(cls: "type[GuidangError]", message: str, state: "dict[str, Any]") -> GuidangError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class InputError(GuidangError):
    """An input could not be read (missing, unreadable) or is not what it claims to be (输入不可读)."""


class SchemaError(GuidangError):
    """A metadata schema, scheme file or catalogue is invalid (元数据方案无效); ``line`` is 1-based when known."""

    line: Optional[int]

    def __init__(
        self,
        message: str,
        *,
        code: str = "schema",
        path: Optional[str] = None,
        line: Optional[int] = None,
    ) -> None:
        super().__init__(message, code=code, path=path)
        self.line = line


class ConfigError(GuidangError):
    """A 检测方案 (scheme) or other configuration is wrong or names something unknown (配置错误)."""


class LimitError(InputError):
    """A resource limit (size, entries, depth…) was exceeded while reading an input (超出限制)."""


class ConflictError(GuidangError):
    """The record id was captured before with different content (冲突)."""


class DuplicateError(GuidangError):
    """The record or invoice was captured before (重复)."""


class RefusedError(GuidangError):
    """Capture refused because a blocking check failed (拒绝归档); ``report`` says which."""

    report: Optional["Report"]

    def __init__(
        self,
        message: str,
        *,
        code: str = "refused",
        path: Optional[str] = None,
        report: Optional["Report"] = None,
    ) -> None:
        super().__init__(message, code=code, path=path)
        self.report = report

    def __reduce__(self) -> Tuple[Any, ...]:
        state = self.__dict__.copy()
        # Reports are native objects: pickle them as their JSON form.
        if state.get("report") is not None:
            state["report"] = None
        return (_rebuild, (type(self), self.message, state))


class CryptoError(GuidangError):
    """A cryptographic or encoding operation failed in a way that is not a finding (密码运算错误)."""


class InternalError(GuidangError):
    """A defect inside guidang (a Rust panic caught at the boundary). Please report it."""
