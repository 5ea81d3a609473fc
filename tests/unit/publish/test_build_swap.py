"""A failed build leaves the previous site (and its audit) untouched; a good one replaces it whole.

The expensive steps (papermill, Jupyter Book, chromium) are replaced by stand-ins that write
small files, or fail on demand: what is tested is where the build writes and when it swaps.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from duoreport.publish import book
from duoreport.settings import SYNTHETIC_DIR


@pytest.fixture
def fake_steps(monkeypatch):
    state = {"fail": None, "version": "new"}

    def run_editions(specs, out, data_hash, progress=False):
        return [SimpleNamespace(status="skipped", spec=s, seconds=0.0, message="") for s in specs]

    def stage(lang, edition_dir, stage_dir, data_dir, **kwargs):
        stage_dir.mkdir(parents=True, exist_ok=True)
        (stage_dir / "page.md").write_text(f"{lang} {state['version']}", encoding="utf-8")
        (stage_dir / "_config.yml").write_text(f"title: DUO for a JOB – {lang} {state['version']}\n", encoding="utf-8")
        return True

    def run_jupyter_book(stage_dir, out_dir, builder="html"):
        if state["fail"] == (stage_dir.name, builder):
            raise RuntimeError(f"Jupyter Book ({builder}) failed for {stage_dir.name}")
        target = out_dir / "_build" / builder
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text((stage_dir / "page.md").read_text(encoding="utf-8"), encoding="utf-8")
        return target

    def build_pdf(site_lang, lang, edition_dir, stage_dir, work_dir, target, browser, log=print, previous=None):
        if state["fail"] == (lang, "pdf"):
            raise RuntimeError(f"the print edition failed for {lang}")
        target.write_bytes(b"%PDF " + (site_lang / "index.html").read_bytes())

    monkeypatch.setattr(book, "run_editions", run_editions)
    monkeypatch.setattr(book, "stage", stage)
    monkeypatch.setattr(book, "run_jupyter_book", run_jupyter_book)
    monkeypatch.setattr(book, "build_pdf", build_pdf)
    monkeypatch.setattr(book, "find_browser", lambda: "/usr/bin/a-browser")
    return state


def build(build_dir, audit_text):
    def write_audit(folder):
        (folder / "audit.csv").write_text(audit_text, encoding="utf-8")

    book.build_book(SYNTHETIC_DIR, build_dir, pdf=True, log=lambda *a: None, before_swap=write_audit)


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_good_build_replaces_the_site_whole(fake_steps, tmp_path):
    fake_steps["version"] = "old"
    build(tmp_path, "old audit")
    (tmp_path / "site" / "nl" / "stale.html").write_text("left by hand", encoding="utf-8")
    fake_steps["version"] = "new"
    build(tmp_path, "new audit")
    site = snapshot(tmp_path / "site")
    assert site["nl/index.html"] == b"nl new" and site["fr/index.html"] == b"fr new"
    assert site["fr/duo-for-a-job-fr.pdf"] == b"%PDF fr new"
    assert "nl/stale.html" not in site
    assert (tmp_path / "audit.csv").read_text() == "new audit"
    assert not (tmp_path / ".next").exists() and not (tmp_path / ".site-old").exists()


@pytest.mark.parametrize("failing", [("fr", "html"), ("fr", "pdf"), ("nl", "html")])
def test_a_failed_build_leaves_the_previous_site_and_audit_untouched(fake_steps, tmp_path, failing):
    fake_steps["version"] = "old"
    build(tmp_path, "old audit")
    before = snapshot(tmp_path / "site")
    fake_steps.update(version="new", fail=failing)
    with pytest.raises(RuntimeError):
        build(tmp_path, "new audit")
    assert snapshot(tmp_path / "site") == before
    assert (tmp_path / "audit.csv").read_text() == "old audit"
    assert not (tmp_path / ".next").exists()


def test_after_a_failure_the_next_build_does_not_reuse_the_failed_sources(fake_steps, tmp_path):
    fake_steps.update(version="v1")
    build(tmp_path, "a")
    fake_steps.update(version="v2", fail=("fr", "html"))
    with pytest.raises(RuntimeError):
        build(tmp_path, "b")
    fake_steps.update(fail=None)
    build(tmp_path, "c")
    assert (tmp_path / "site" / "fr" / "index.html").read_text() == "fr v2"
