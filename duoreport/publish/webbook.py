"""Small transformations of the web book's sources and data for accessibility and speed.

- :func:`image_alts`: the chart images of the computational notebooks get the same alt text as
  in the chapters (the notebook glues it as ``alt_<chart>``; myst-nb reads it from the cell's
  ``mystnb.image.alt`` metadata), instead of the file path;
- :func:`split_cube`: the Explore page's data in parts, so that its first view loads one
  measure instead of every view of every measure.
"""

from __future__ import annotations

import json


def _glued_text(output: dict) -> str | None:
    data = output.get("data", {})
    for mime in ("application/papermill.record/text/markdown", "application/papermill.record/text/plain"):
        if mime in data:
            text = data[mime]
            text = "".join(text) if isinstance(text, list) else str(text)
            return text.strip().strip("'\"") if mime.endswith("plain") else text.strip()
    return None


def image_alts(nb: dict) -> int:
    """Give every chart image of an executed chapter notebook its alt text; return how many."""
    count = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        alts = [_glued_text(o) for o in outputs
                if str(o.get("metadata", {}).get("scrapbook", {}).get("name", "")).startswith("alt_")]
        shows_image = any("image/png" in o.get("data", {}) for o in outputs)
        if shows_image and alts and alts[0]:
            cell.setdefault("metadata", {}).setdefault("mystnb", {}).setdefault("image", {})["alt"] = alts[0]
            count += 1
    return count


def split_cube(cube_text: str, lang: str) -> tuple[str, dict[str, str]]:
    """The Explore page's data as an index (labels, texts, measures, dimensions; no view) and one
    part per measure with that measure's views (``explore-<lang>/<measure>.json``, a path relative
    to the index). The page loads the index and the part of the measure a reader looks at.

    Returns the index text and ``{part path: part text}``; the views of all parts together are
    exactly the cube's views."""
    cube = json.loads(cube_text)
    views = cube.pop("views")
    parts: dict[str, dict] = {m["id"]: {} for m in cube["measures"]}
    for key, view in views.items():
        measure = key.split("|", 1)[0]
        if measure not in parts:
            raise ValueError(f"explore cube: view {key!r} of an unknown measure")
        parts[measure][key] = view
    files = {}
    cube["parts"] = {}
    for measure, measure_views in parts.items():
        path = f"explore-{lang}/{measure}.json"
        cube["parts"][measure] = path
        files[path] = _compact({"format": cube.get("format"), "measure": measure, "views": measure_views})
    return _compact(cube), files


def _compact(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_cube(static_dir, lang: str, cube_text: str, write) -> bool:
    """Write the index and the parts of the Explore data with ``write(path, text) -> changed``."""
    index, files = split_cube(cube_text, lang)
    changed = write(static_dir / f"explore-{lang}.json", index)
    for path, text in files.items():
        changed |= write(static_dir / path, text)
    return changed
