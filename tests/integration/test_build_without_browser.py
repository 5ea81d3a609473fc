"""`duoreport build` on a machine without Chrome, Chromium or Edge: both web books are built, one line
says the PDFs were skipped and how to get them, the exit code is 0, and nothing links a missing PDF.

The build starts from a copy of the session's build (executed notebooks reused, web books rebuilt
from scratch) with every browser hidden from :func:`duoreport.publish.pdf.find_browser`."""

import shutil

from duoreport import cli
from duoreport.publish import pdf


def _files(folder, suffixes):
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes}


def test_build_without_a_browser_makes_both_web_books_and_says_the_pdfs_were_skipped(
        site, tmp_path, monkeypatch, capsys):
    build = tmp_path / "build"
    shutil.copytree(site.parent, build)
    shutil.rmtree(build / "site")
    # a stale PDF from an earlier build with a browser must not survive next to the new web book
    (build / "site" / "nl").mkdir(parents=True)
    (build / "site" / "nl" / "duo-for-a-job-nl.pdf").write_bytes(b"%PDF-1.7 stale")
    shutil.rmtree(build / "jb" / "nl" / "_build" / "html")  # so that the Dutch web book is built again

    monkeypatch.delenv(pdf.BROWSER_VARIABLE, raising=False)
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(pdf, "BROWSER_COMMANDS", ())
    assert pdf.find_browser() is None
    capsys.readouterr()

    assert cli.main(["build", "--build-dir", str(build)]) == 0

    out = capsys.readouterr().out
    skipped = [line for line in out.splitlines() if "PDFs skipped" in line]
    assert skipped == [pdf.no_browser_message()], out
    assert "install Chrome, Chromium or Edge" in skipped[0] and pdf.BROWSER_VARIABLE in skipped[0]

    new_site = build / "site"
    assert list(new_site.rglob("*.pdf")) == []
    # the same web pages, images and scripts as the session's build made with a browser
    kinds = {".html", ".png", ".svg", ".js", ".css", ".json", ".csv"}
    assert _files(new_site, kinds) == _files(site, kinds)
    for lang in ("nl", "fr"):
        page = (new_site / lang / "index.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in page
    landing = (new_site / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in landing and 'href="nl/index.html"' in landing and 'href="fr/index.html"' in landing
