"""The plain Python route, without root and without Debian: a fresh virtual environment with only
`pip install -r requirements.txt -e .` validates the synthetic default and runs one small edition,
with the `duoreport` command of that environment and nothing borrowed from the one running the tests
(no PYTHONPATH, a home folder of its own). Binder's postBuild then makes Markdown open as notebooks.

pip takes the packages from its cache or the local index when it can; the install time is printed
(benchmarks/RESULTS.md keeps the measured times)."""

import csv
import json
import os
import subprocess
import sys
import time

from duoreport.settings import DEFAULT_DATA, REPO_ROOT

BIN = "Scripts" if os.name == "nt" else "bin"


def _isolated_env(tmp_path, venv) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("JUPYTER")}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), USERPROFILE=str(home), VIRTUAL_ENV=str(venv),
               PATH=os.pathsep.join([str(venv / BIN), os.environ.get("PATH", os.defpath)]))
    return env


def test_a_fresh_venv_with_the_requirements_validates_and_runs_one_edition(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _isolated_env(tmp_path, venv)
    python = venv / BIN / "python"

    t0 = time.perf_counter()
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check",
                              "-r", str(REPO_ROOT / "requirements.txt"), "-e", str(REPO_ROOT)],
                             env=env, capture_output=True, text=True, timeout=900)
    print(f"fresh venv: pip install -r requirements.txt -e . took {time.perf_counter() - t0:.0f} s")
    assert install.returncode == 0, install.stderr[-3000:]
    check = subprocess.run([str(python), "-m", "pip", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    # the jsonschema pin keeps rfc3987-syntax (a slow import in every papermill run) out
    probe = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('rfc3987_syntax'))"],
                           env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "None"

    duoreport = venv / BIN / "duoreport"
    where = subprocess.run([str(python), "-c", "import duoreport; print(duoreport.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(REPO_ROOT / "duoreport" / "__init__.py")

    validate = subprocess.run([str(duoreport), "validate", str(DEFAULT_DATA)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert validate.returncode == 0, validate.stderr
    assert "meets the data contract" in validate.stdout and "synthetic" in validate.stdout

    out = tmp_path / "editions"
    t0 = time.perf_counter()
    run = subprocess.run([str(duoreport), "run", "--year", "2017", "--antenna", "ghent", "--lang", "fr",
                          "--out", str(out)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    print(f"fresh venv: duoreport run (one edition) took {time.perf_counter() - t0:.0f} s")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "fr/2017-ghent: ran" in run.stdout
    edition = out / "fr" / "2017-ghent"
    for chapter in ("context", "profile", "obstacles", "impact"):
        executed = json.loads((edition / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (chapter, errors)
        assert (edition / f"{chapter}.html").stat().st_size > 0
    with open(DEFAULT_DATA / "mentees.csv", encoding="utf-8-sig", newline="") as fh:
        youths = sum(r["intake_date"].startswith("2017") and r["antenna"] == "ghent" for r in csv.DictReader(fh))
    provenance = json.loads((edition / "profile_provenance.json").read_text(encoding="utf-8"))
    assert provenance["n_mentees"] == youths > 0
    assert provenance["parameters"] == {"year": 2017, "antenna": "ghent", "lang": "fr", "threshold": 10}

    # Binder's postBuild: the package again (editable), and Markdown opening as notebooks for this user
    post = subprocess.run(["bash", str(REPO_ROOT / "binder" / "postBuild")], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert post.returncode == 0, post.stderr
    overrides = json.loads((tmp_path / "home" / ".jupyter" / "labconfig" / "default_setting_overrides.json")
                           .read_text(encoding="utf-8"))
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}  # .py files stay code
