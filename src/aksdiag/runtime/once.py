"""Work done once per process, even when threads ask for it at the same moment."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def once(fn: F) -> F:
    """`functools.lru_cache`, but a value is computed by one thread while the others wait for it.

    With `lru_cache` alone, the worker threads that a batch or a MkDocs build starts together
    each compute it: every thread hashed the 40 MB d2 binary and compiled the templates.
    """
    cached = functools.lru_cache(maxsize=8)(fn)
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        with lock:
            return cached(*args)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
