"""Multi-answer tables of the intake: obstacles named, top-3 expectations, housing problems."""

from __future__ import annotations

from ..data import contract as C
from ..stats.fitting import largest_remainder
from .assumptions import EXPECTATION_SHARES, INTAKE_OBSTACLE_SHARES
from .draw import frac


def intake_answers(draw, m) -> dict:
    n = len(m)
    obstacles = draw.deal(
        m["mentee_id"], dict(zip(C.OBSTACLES, largest_remainder(INTAKE_OBSTACLE_SHARES,
                                                                round(sum(INTAKE_OBSTACLE_SHARES) * n / 100)))),
        "mentee_id", "obstacle")
    exp = draw.deal(m["mentee_id"], dict(zip(C.EXPECTATIONS, largest_remainder(EXPECTATION_SHARES, 3 * n))),
                    "mentee_id", "expectation")
    exp["rank"] = exp.groupby("mentee_id").cumcount() + 1
    exp["rank"] = exp.groupby("mentee_id")["rank"].transform(lambda r: draw.rng.permutation(r.to_numpy()))
    housed = m.loc[m["housing_situation"] == "stable_with_problems", "mentee_id"]
    hp = {p: round(frac(f"obs_housing_problem_{p}") * len(housed)) for p in C.HOUSING_PROBLEMS}
    housing = draw.deal(housed, hp, "mentee_id", "problem")
    return {"intake_obstacles": obstacles, "expectations": exp, "housing_problems": housing}
