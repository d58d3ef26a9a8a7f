"""Each CSS/script file gets a DOM id of its own, the same every time, so hot reload of one
file replaces its element and no other."""

from __future__ import annotations

import re
from pathlib import Path

from wry import HtmlContent, PyWry
from wry.hot_reload import wry_hot_reload
from wry.models import asset_id
from wry.widget import BaseWidget


def files(tmp_path: Path, *names: str) -> list[Path]:
    """Create ``names`` (folders included) below ``tmp_path``, each holding a rule."""
    paths = [tmp_path / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* {path.name} */")
    return paths


def shown(app: PyWry, css_files: list[Path]) -> tuple[BaseWidget, list[str]]:
    """A page showing ``css_files``, and the ids their elements have there."""
    handle = app.show("<p>x</p>")
    handle.update(HtmlContent(css_files=css_files))
    return handle, [css["id"] for css in handle.sent[-1]["data"]["css"]]  # type: ignore[attr-defined]


def test_files_whose_names_read_alike_get_their_own_ids(app: PyWry, tmp_path: Path) -> None:
    alike = files(tmp_path, "style.min.css", "style-min.css", "style_min.css")
    _, ids = shown(app, alike)
    assert len(set(ids)) == 3


def test_deep_paths_with_the_same_tail_get_their_own_ids(app: PyWry, tmp_path: Path) -> None:
    tail = "/".join(["shared"] * 20) + "/theme.css"
    deep = files(tmp_path, f"a/{tail}", f"b/{tail}")
    _, ids = shown(app, deep)
    assert len(set(ids)) == 2


def test_an_id_is_readable_and_the_same_however_the_path_is_written(tmp_path: Path) -> None:
    (css,) = files(tmp_path, "css/main.min.css")
    written = [css, str(css), tmp_path / "css" / ".." / "css" / "main.min.css"]
    assert len({asset_id(path) for path in written}) == 1
    assert re.fullmatch(r"wry-asset-main-min-css-[0-9a-f]{16}", asset_id(css))


def test_hot_reload_replaces_only_the_edited_files_element(app: PyWry, tmp_path: Path) -> None:
    first, second = files(tmp_path, "style.min.css", "style-min.css")
    handle, on_page = shown(app, [first, second])
    wry_hot_reload(widget=handle, path=str(second.resolve()), kind="css", text="p{}")
    assert handle.sent[-1] == {  # type: ignore[attr-defined]
        "type": "pywry:inject-css",
        "data": {"css": "p{}", "id": on_page[1]},
    }
    assert on_page[0] != on_page[1]
