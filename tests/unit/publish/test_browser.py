"""The browser for the PDFs is found on its own (or named in $DUOREPORT_BROWSER); without one the
book says in one line that the PDFs were skipped, and the landing page links no missing PDF.

Each test builds a small fake system in a temporary folder (program files that are, or are not,
executable) and checks which one is found."""

import os
import sys
from pathlib import Path

import pytest

from duoreport.publish import pdf
from duoreport.publish.book import landing_page

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="executable bits are a POSIX notion")


def fake_program(path: Path, executable: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755 if executable else 0o644)
    return path


@pytest.fixture
def no_debian_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "absent" / "chromium"))


def test_the_variable_names_the_browser(tmp_path):
    edge = fake_program(tmp_path / "opt" / "edge" / "msedge")
    env = {pdf.BROWSER_VARIABLE: str(edge), "PATH": str(tmp_path / "empty")}
    assert pdf.find_browser("linux", env) == edge


@posix_only
def test_a_variable_that_names_no_program_finds_nothing_and_says_why(tmp_path):
    other = fake_program(tmp_path / "bin" / "chromium")  # would be found without the variable
    not_a_program = fake_program(tmp_path / "notes.txt", executable=False)
    for chosen in (tmp_path / "no-such-browser", not_a_program):
        env = {pdf.BROWSER_VARIABLE: str(chosen), "PATH": str(other.parent)}
        assert pdf.find_browser("linux", env) is None
        message = pdf.no_browser_message(env)
        assert f"{pdf.BROWSER_VARIABLE}={chosen} is not a program file" in message


@posix_only
def test_linux_finds_a_chrome_on_the_path(tmp_path, no_debian_chromium):
    fake_program(tmp_path / "bin" / "google-chrome", executable=False)  # not runnable: skipped
    edge = fake_program(tmp_path / "bin2" / "microsoft-edge")
    env = {"PATH": os.pathsep.join([str(tmp_path / "bin"), str(tmp_path / "bin2")])}
    assert pdf.find_browser("linux", env) == edge


@posix_only
def test_debian_chromium_comes_first(tmp_path, monkeypatch):
    debian = fake_program(tmp_path / "usr" / "lib" / "chromium" / "chromium")
    monkeypatch.setattr(pdf, "CHROMIUM", str(debian))
    fake_program(tmp_path / "bin" / "google-chrome")
    assert pdf.find_browser("linux", {"PATH": str(tmp_path / "bin")}) == debian


def test_windows_finds_edge_in_program_files(tmp_path):
    edge = fake_program(tmp_path / "Program Files (x86)" / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    env = {"PROGRAMFILES": str(tmp_path / "Program Files"), "PROGRAMFILES(X86)": str(tmp_path / "Program Files (x86)"),
           "LOCALAPPDATA": str(tmp_path / "AppData" / "Local")}
    found = pdf.find_browser("win32", env)
    assert found is not None and found.parts[-4:] == ("Microsoft", "Edge", "Application", "msedge.exe")
    assert found.samefile(edge)


def test_windows_finds_chrome_installed_for_one_user(tmp_path):
    chrome = fake_program(tmp_path / "Local" / "Google" / "Chrome" / "Application" / "chrome.exe")
    found = pdf.find_browser("win32", {"LOCALAPPDATA": str(tmp_path / "Local")})
    assert found is not None and found.samefile(chrome)


@pytest.mark.skipif(Path("/Applications").exists(), reason="a real macOS /Applications folder would answer first")
def test_macos_finds_chromium_in_the_users_applications(tmp_path):
    app = fake_program(tmp_path / "Applications" / "Chromium.app" / "Contents" / "MacOS" / "Chromium")
    assert pdf.find_browser("darwin", {"HOME": str(tmp_path)}) == app


def test_without_any_browser_nothing_is_found_and_the_message_says_how_to_get_pdfs(tmp_path, no_debian_chromium):
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path), "LOCALAPPDATA": str(tmp_path)}
    for platform in ("linux", "win32") + (() if Path("/Applications").exists() else ("darwin",)):
        assert pdf.find_browser(platform, env) is None, platform
    message = pdf.no_browser_message(env)
    assert "\n" not in message
    assert message.startswith("PDFs skipped")
    assert pdf.BROWSER_VARIABLE in message and "duoreport build" in message


def test_print_pdf_without_a_browser_raises_the_message(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_browser", lambda: None)
    with pytest.raises(RuntimeError, match="PDFs skipped"):
        pdf.print_pdf(tmp_path / "index.html", tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_the_landing_page_links_only_the_printed_pdfs():
    both = landing_page(False, ["nl", "fr"])
    assert 'href="nl/duo-for-a-job-nl.pdf"' in both and 'href="fr/duo-for-a-job-fr.pdf"' in both
    none = landing_page(True, [])
    assert ".pdf" not in none
    assert 'href="nl/index.html"' in none and 'href="fr/index.html"' in none


def test_the_landing_page_words_the_books_titles_as_staged():
    """Six intake years: the language choice says so, as the books' titles do (no typed "five")."""
    titles = {"nl": "DUO for a JOB – ervaringsverslag na zes jaar werking",
              "fr": "DUO for a JOB – rapport d’expérience après six ans d’activité"}
    page = landing_page(False, [], titles)
    assert "<p lang=\"nl\">Ervaringsverslag na zes jaar werking — kies uw taal.</p>" in page
    assert "<p lang=\"fr\">Rapport d’expérience après six ans d’activité — choisissez votre langue.</p>" in page
    assert "vijf" not in page and "cinq" not in page
