"""Write the synthetic tables as an export: contract column order, sorted keys, fixed layout, atomically."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import contract as C
from ..data.loading import seal_synthetic
from ..data.programme import SETTINGS_FILE, Programme, settings_yaml


def _format(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def write_tables(tables: dict, out_dir: Path, programme: Programme, generator: str, seed=None) -> None:
    """Write every table in contract column order, sorted by primary key, and the settings file
    sealed with the tables' fingerprint, atomically (the folder is swapped in when complete)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir.parent))
    try:
        for t in C.TABLES:
            df = tables[t.name][list(t.column_names)].sort_values(list(t.primary_key), kind="stable")
            with open(tmp / f"{t.name}.csv", "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(t.column_names)
                for row in df.itertuples(index=False):
                    w.writerow([_format(v) for v in row])
        (tmp / SETTINGS_FILE).write_text(settings_yaml(programme), encoding="utf-8")
        seal_synthetic(tmp, generator, seed)
        readme = out_dir / "README.md"
        if readme.exists():
            shutil.copy2(readme, tmp / "README.md")
        if out_dir.exists():
            backup = out_dir.with_name(out_dir.name + ".old")
            if backup.exists():
                shutil.rmtree(backup)
            os.replace(out_dir, backup)
            os.replace(tmp, out_dir)
            shutil.rmtree(backup)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
