"""The Social Impact Bond: DUO cohorts in Brussels and the aggregate control group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import contract as C
from ..stats.fitting import Target, by
from .assumptions import SIB_CONTROL_N
from .draw import exact, frac, prior_from, pub


def sib(draw, m, outcomes):
    last = outcomes.sort_values("followup_months").groupby("mentee_id")["status"].last()
    eligible = m[(m["antenna"] == "brussels") & (m["nationality_status"] == "foreign")
                 & m["mentee_id"].isin(last.index)]
    picks = []
    for cohort in C.SIB_COHORTS:
        pool = eligible[eligible["intake_year"] == cohort]
        size = int(pub(f"imp_sib_{cohort}_n"))
        if len(pool) < size:
            raise RuntimeError(f"only {len(pool)} eligible mentees for SIB cohort {cohort}, need {size}")
        chosen = pool.iloc[np.sort(draw.rng.choice(len(pool), size, replace=False))]
        picks.append(pd.DataFrame({"mentee_id": chosen["mentee_id"], "cohort": cohort}))
    sib = pd.concat(picks, ignore_index=True)
    sib["working"] = sib["mentee_id"].map(last) == "work"
    targets = {}
    for cohort in C.SIB_COHORTS:
        size = int(pub(f"imp_sib_{cohort}_n"))
        k = round(frac(f"imp_sib_{cohort}_duo") * size)
        targets[cohort] = exact({True: k, False: size - k})
    sib["employed_within_1y"] = draw.allocate(
        sib, ["cohort", "working"], "employed", [True, False], [Target(by("cohort"), targets)],
        prior=lambda s: prior_from(s, [True, False], lambda r, c: (0.6 if r.working else 0.25) if c else 1.0))
    control = pd.DataFrame({"cohort": list(C.SIB_COHORTS)})
    control["n"] = [SIB_CONTROL_N[c] for c in C.SIB_COHORTS]
    control["employed_within_1y"] = [round(frac(f"imp_sib_{c}_control") * SIB_CONTROL_N[c]) for c in C.SIB_COHORTS]
    return {"sib_participants": sib.drop(columns="working"), "sib_control": control}
