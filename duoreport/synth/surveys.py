"""The mentor survey (social problems) and the alumni survey (obstacles named afterwards)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import contract as C
from ..stats.fitting import Target, everyone, largest_remainder
from .assumptions import ALUMNI_OBSTACLE_COUNTS, N_SOCIAL_MENTIONS
from .draw import exact, frac, pub


def surveys(draw, m, duos, outcomes):
    completed = duos[duos["status"] == "completed"]
    n_survey = int(pub("size_mentor_survey"))
    chosen = completed.iloc[np.sort(draw.rng.choice(len(completed), n_survey, replace=False))]
    survey = pd.DataFrame({"response_id": [f"S{i:04d}" for i in range(1, n_survey + 1)],
                           "duo_id": chosen["duo_id"].to_numpy()})
    yes = round(frac("obs_mentor_social_yes") * n_survey)
    survey["social_problems"] = draw.allocate(survey, [], "yes", [True, False],
                                              [Target(everyone, {"all": exact({True: yes, False: n_survey - yes})})])
    shares = [frac(f"obs_social_{p}") for p in C.SOCIAL_PROBLEMS]
    mentions = dict(zip(C.SOCIAL_PROBLEMS, largest_remainder(shares, N_SOCIAL_MENTIONS)))
    problems = draw.deal(survey.loc[survey["social_problems"], "response_id"], mentions, "response_id", "problem")

    followed = outcomes.loc[outcomes["followup_months"] == 18, "mentee_id"].to_numpy()
    n_alumni = int(pub("size_alumni_survey"))
    alumni_ids = np.sort(followed[draw.rng.choice(len(followed), n_alumni, replace=False)])
    alumni = pd.DataFrame({"response_id": [f"A{i:04d}" for i in range(1, n_alumni + 1)], "mentee_id": alumni_ids})
    alumni_obstacles = draw.deal(alumni["response_id"], ALUMNI_OBSTACLE_COUNTS, "response_id", "obstacle")
    return {"mentor_survey": survey, "mentor_survey_problems": problems,
            "alumni_survey": alumni, "alumni_obstacles": alumni_obstacles}
