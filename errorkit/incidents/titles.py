"""An incident's title: what failed, and where, in a few words."""

from __future__ import annotations


def title_of(
    exc: BaseException | None, code: str, view: str, frames: list[tuple[str, str]]
) -> str:
    where = view.rsplit(".", 1)[-1] if view else "?"
    if exc is None:
        return f"{code} in {where}"[:255]
    function = frames[-1][1] if frames else where
    return f"{type(exc).__name__} in {function}"[:255]
