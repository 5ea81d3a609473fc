"""Permanent record keys: the part of disclosure control that belongs to the records themselves.

Every record (a mentee, a mentor, a duo, a survey answer) gets a pseudo-random key 0..4095 from
its identifier by a keyed hash (SipHash, :func:`pandas.util.hash_pandas_object`), so the same
record has the same key in every view, edition and later export. The cell-key method of
:mod:`duoreport.stats.disclosure` adds up these keys per published cell. Keys are never published.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd

KEY_SPACE = 4096
SECRET_VARIABLE = "DUOREPORT_CELL_KEY_SECRET"
DEFAULT_SECRET = "duoreport cell-key method, version 1"


def _hash_key() -> str:
    secret = os.environ.get(SECRET_VARIABLE) or DEFAULT_SECRET
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def record_keys(ids, namespace: str) -> np.ndarray:
    """The permanent record key (0..4095) of each identifier, by a keyed hash of ``namespace:id``.

    ``namespace`` names the kind of record ("mentee", "mentor", ...), so that two records of
    different kinds with the same identifier get unrelated keys.
    """
    labels = pd.Series([f"{namespace}:{i}" for i in ids], dtype=object) if not isinstance(ids, pd.Series) \
        else namespace + ":" + ids.astype(str)
    hashed = pd.util.hash_pandas_object(labels.reset_index(drop=True), index=False, hash_key=_hash_key())
    return (hashed.to_numpy(dtype=np.uint64) % np.uint64(KEY_SPACE)).astype(np.int64)
