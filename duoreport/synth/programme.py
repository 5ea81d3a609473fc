"""Mentors and duos: who coached whom, when, and how the duo ended."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from ..data import contract as C
from ..stats.fitting import Target, everyone, largest_remainder
from .assumptions import ANTENNAS, N_MENTORS, N_SECOND_DUOS, SECTOR_SHARES


def mentors_and_duos(draw, m):
    antenna_counts = m["antenna"].value_counts()
    mentor_counts = largest_remainder([antenna_counts.get(a, 0) for a in ANTENNAS], N_MENTORS)
    mentors = pd.DataFrame({"antenna": np.repeat(ANTENNAS, mentor_counts)})
    mentors.insert(0, "mentor_id", [f"T{i:05d}" for i in range(1, len(mentors) + 1)])
    mentors["gender"] = draw.allocate(mentors, [], "gender", ["male", "female"],
                                      [Target(everyone, {"all": {"male": .55, "female": .45}})])
    mentors["age_at_start"] = draw.rng.integers(50, 76, len(mentors))
    sectors = [s for s in C.SECTORS if s != "no_career_plan"]
    mentors["sector"] = draw.allocate(mentors, [], "sector", sectors,
                                      [Target(everyone, {"all": {s: SECTOR_SHARES.get(s, 3) for s in sectors}})])

    early = m[m["intake_year"] < 2017]
    rematched = set(early["mentee_id"].iloc[np.sort(draw.rng.choice(len(early), N_SECOND_DUOS, replace=False))])
    rows = []
    for r in m.itertuples(index=False):
        start = r.intake_date + timedelta(days=int(draw.rng.integers(14, 60)))
        if r.mentee_id in rematched:
            stop = start + timedelta(days=int(draw.rng.integers(30, 90)))
            rows.append((r.mentee_id, r.antenna, start, stop, "stopped_early"))
            start = stop + timedelta(days=int(draw.rng.integers(14, 45)))
        status = "completed" if draw.rng.random() < 0.85 else "stopped_early"
        length = 182 if status == "completed" else int(draw.rng.integers(30, 150))
        rows.append((r.mentee_id, r.antenna, start, start + timedelta(days=length), status))
    duos = pd.DataFrame(rows, columns=["mentee_id", "antenna", "start_date", "end_date", "status"])
    duos.insert(0, "duo_id", [f"D{i:05d}" for i in range(1, len(duos) + 1)])
    duos["mentor_id"] = None
    for a in ANTENNAS:
        idx = duos.index[duos["antenna"] == a]
        pool = mentors.loc[mentors["antenna"] == a, "mentor_id"].to_numpy()
        if len(idx):
            pool = pool[draw.rng.permutation(len(pool))]
            duos.loc[idx, "mentor_id"] = [pool[i % len(pool)] for i in range(len(idx))]
    return mentors, duos.drop(columns="antenna")
