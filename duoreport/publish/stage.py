"""Stage one language's Jupyter Book source: pages with their figures, tables, numbers and boxes.

For each language the build stages a source folder ``build/stage/<lang>/`` from

- the root ``_config.yml`` and ``_toc.yml`` (merged with ``book/<lang>/lang.yml``),
- the narrative pages ``book/<lang>/*.md`` (chart markers replaced by numbered figures,
  tables, captions and CSV links; a provenance box on each chapter),
- the chapter notebooks executed by papermill for the whole population in that language
  (their glued numbers are pasted into the prose),
- the bibliography, templates and static files.

Files are rewritten only when their content changes, so a second build with nothing
changed is incremental.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from .. import i18n
from ..audit import run_audit, compare_exports
from ..data import contract as C
from ..data import reference
from ..data.loading import load_dataset
from ..data.programme import default_programme
from ..data.views import build_views
from ..explorer.cube import build_cube, chart_permalink, cube_json
from ..report.claims import Facts, apply_claims, load_claims
from ..report.edition import restrict
from ..report.inventory import CHAPTERS
from ..report.render import pipe_table
from ..settings import BOOK_DIR, DEFAULT_THRESHOLD, LANGUAGES, REPO_ROOT
from .editions import code_hash
from .webbook import image_alts, write_cube

LANGS = LANGUAGES
PLAIN_NUMREF = re.compile(r"\{numref\}`(fig-[A-Za-z0-9_]+)`")
CHART_MARKER = re.compile(r"^<!-- chart: ([a-z0-9_]+) -->\s*$", re.M)
AUDIT_MARKER = "<!-- audit-table -->"
CONTRACT_MARKER = "<!-- contract-tables -->"
EXPLORE_NOTE_MARKER = "<!-- explore-data-note -->"


def write_if_changed(path: Path, data) -> bool:
    """Write text or bytes only when different: unchanged files keep their time stamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == raw:
        return False
    path.write_bytes(raw)
    return True


def deep_merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def book_config(lang: str) -> dict:
    base = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((BOOK_DIR / lang / "lang.yml").read_text(encoding="utf-8"))
    return deep_merge(base, extra)


# --- pieces of pages ------------------------------------------------------------

def chart_block(meta: dict, lang: str) -> str:
    cid = meta["id"]
    if meta.get("empty"):  # a numbered slot, so that references to the figure hold in every edition
        return "\n".join([f":::{{figure}} figures/{cid}.png", f":name: fig-{cid}",
                          f":alt: {meta['title']}. {i18n.text('no_data', lang)}", ":width: 100%", "",
                          f"{meta['title']}. {i18n.text('no_data', lang)}", ":::", ""])
    alt = meta["alt"].replace("\n", " ").replace('"', "'")
    csv = f"{{download}}`{i18n.text('download_csv', lang)} <data/{cid}.csv>`"
    parts = [
        f":::{{figure}} figures/{cid}.png",
        f":name: fig-{cid}",
        f":alt: {alt}",
        ":width: 100%",
        "",
        f"{meta['title']}. {meta['caption']} {csv}",
        ":::",
        "",
        meta["table"],
        "",
    ]
    if meta.get("extra_table"):
        parts += [meta["extra_table"], ""]
    link = chart_permalink(cid) if meta.get("chapter") in ("impact", "profile") else None
    if link:  # raw HTML: a plain relative link, which Sphinx would not try to resolve
        href = "explore.html#" + link.replace("&", "&amp;")
        parts += [f'<p class="duo-explore-link"><a href="{href}">{i18n.text("explore_link", lang)}</a></p>', ""]
    return "\n".join(parts)


def explore_note(synthetic: bool, lang: str) -> str:
    """The box above the explorer: where its numbers come from."""
    if synthetic:
        return "\n".join([":::{admonition} " + i18n.text("provenance_title", lang), ":class: duo-synthetic", "",
                          f"**{i18n.text('synthetic_banner', lang)}**", ":::", ""])
    return "\n".join([":::{note}", i18n.text("source_duo", lang), ":::", ""])


def provenance_block(info: dict, lang: str) -> str:
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    source = t("synthetic_data") if info["synthetic"] else t("real_data")
    params = edition_label(info["parameters"], lang)
    lines = [":::{admonition} " + t("provenance_title"), ":class: " + ("duo-synthetic" if info["synthetic"] else "note"), ""]
    if info["synthetic"]:
        lines += [f"**{t('synthetic_banner')}**", ""]
    rows = [(t("data_source"), source), (t("data_hash"), f"`{info['data_hash'][:16]}`"),
            (t("parameters"), params), (t("code_version"), f"`{info['code_version']}`"),
            (t("build_date"), info["build_date"])]
    for term, value in rows:
        lines += [term, f": {value}", ""]
    lines += [":::", ""]
    return "\n".join(lines)


def _short_number(x, lang: str, decimals: int) -> str:
    """A number with at most ``decimals`` decimals and no trailing zeros after the decimal comma
    (420 stays 420; 12,50 becomes 12,5)."""
    text = i18n.format_number(x, lang, decimals)
    return text.rstrip("0").rstrip(",") if decimals > 0 else text


def _precision(published) -> int:
    """The report's precision: as many decimals as the report printed (49 -> 0, 65.77 -> 2)."""
    text = repr(float(published)).rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def audit_markdown(audit: pd.DataFrame, decisions: pd.DataFrame, lang: str, compare: pd.DataFrame | None = None,
                   periods: dict | None = None) -> str:
    """The audit appendix's tables.

    On the synthetic default (``audit["data"] == "synthetic"``) a reproduction check: published,
    recomputed, difference, tolerance, base n, within tolerance. On any other export a comparison:
    published, this export's value, difference, base n and a note, after a paragraph that says
    in words that differences are expected and why. ``compare`` (:func:`duoreport.audit.compare_exports`)
    adds what changed since an earlier export; ``periods`` gives the intake periods compared
    (``export``, ``report``, ``old``: (start, end) dates) for the notes."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    hidden = i18n.text("suppressed", lang, threshold=DEFAULT_THRESHOLD)

    def num(x, decimals=2, missing=""):
        return missing if pd.isna(x) else _short_number(x, lang, decimals)

    def count(n):
        return hidden if pd.isna(n) else i18n.format_count(int(n), lang)

    digits = [_precision(v) for v in audit["published"]]
    synthetic = bool((audit["data"] == "synthetic").all())
    reproduce = audit["status"] == "reproduce"
    held = int(audit.loc[reproduce, "within_tolerance"].sum())
    audited = int(reproduce.sum())
    inconsistent = i18n.format_count(int((audit["status"] == "inconsistent").sum()), lang)
    if synthetic:
        table = pd.DataFrame({
            "id": [f"`{i}`" for i in audit["id"]],
            t("published"): [num(v) for v in audit["published"]],
            t("recomputed"): [num(v, d, hidden) for v, d in zip(audit["recomputed"], digits)],
            t("difference"): [num(v, d) for v, d in zip(audit["difference"], digits)],
            t("tolerance"): [num(v) for v in audit["tolerance"]],
            t("base_n"): [count(n) for n in audit["base_n"]],
            t("within_tolerance"): [t("yes") if ok else t("no") for ok in audit["within_tolerance"]],
            t("status"): [t("status_" + s) for s in audit["status"]],
        })
        summary = t("audit_summary", figures=i18n.format_count(len(audit), lang),
                    audited=i18n.format_count(audited, lang), held=i18n.format_count(held, lang),
                    inconsistent=inconsistent)
        title = t("audit_table_title")
    else:
        note = period_words(audit["period_note"].iloc[0] if len(audit) else "", (periods or {}).get("export"),
                            (periods or {}).get("report"), lang)
        table = pd.DataFrame({
            "id": [f"`{i}`" for i in audit["id"]],
            t("published"): [num(v) for v in audit["published"]],
            t("this_export"): [num(v, d, hidden) for v, d in zip(audit["recomputed"], digits)],
            t("difference"): [num(v, d) for v, d in zip(audit["difference"], digits)],
            t("base_n"): [count(n) for n in audit["base_n"]],
            t("note"): [_row_note(r, t) for r in audit.to_dict("records")],
        })
        summary = " ".join([t("audit_summary_real", figures=i18n.format_count(len(audit), lang),
                              audited=i18n.format_count(audited, lang), held=i18n.format_count(held, lang),
                              differ=i18n.format_count(audited - held, lang), inconsistent=inconsistent), note])
        title = t("audit_table_title_real")
    issue = f"issue_{lang}" if f"issue_{lang}" in decisions else "issue"
    rule = f"rule_{lang}" if f"rule_{lang}" in decisions else "rule"
    rules = decisions[rule]
    note = f"synthetic_{lang}" if f"synthetic_{lang}" in decisions else "synthetic"
    if synthetic and note in decisions:  # how the synthetic default follows the rule: said of it only
        rules = [f"{r} {n}".strip() for r, n in zip(rules, decisions[note].fillna(""))]
    dec = pd.DataFrame({"id": [f"`{i}`" for i in decisions["id"]],
                        t("figures"): [", ".join(f"`{f}`" for f in cell.split(";") if f) for cell in decisions["figures"]],
                        t("issue"): decisions[issue], t("rule"): rules})
    parts = [summary, f"## {title}", pipe_table(table)]
    if compare is not None:
        parts += compare_markdown(compare, lang, (periods or {}).get("export"), (periods or {}).get("old"))
    parts += [f"## {t('decisions_title')}", t("decisions_language_note"), pipe_table(dec), ""]
    return "\n\n".join(parts)


def _row_note(row: dict, t) -> str:
    if row["status"] == "inconsistent":
        return t("status_inconsistent")
    return ""


def period_words(code: str, period, reference_period, lang: str) -> str:
    """The sentence that says how an export's intake period relates to another one (a note of the audit)."""
    if not code or period is None or reference_period is None:
        return ""
    day = lambda d: i18n.format_date(d, lang)  # noqa: E731
    return i18n.text(f"audit_note_{code}", lang, start=day(period[0]), end=day(period[1]),
                     ref_start=day(reference_period[0]), ref_end=day(reference_period[1]))


def compare_markdown(compare: pd.DataFrame, lang: str, period=None, old_period=None) -> list:
    """What changed since an earlier export: the report's figures on both, the difference, both base n."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    hidden = i18n.text("suppressed", lang, threshold=DEFAULT_THRESHOLD)

    def num(x, missing=""):
        return missing if pd.isna(x) else _short_number(x, lang, 2)

    def count(n):
        return hidden if pd.isna(n) else i18n.format_count(int(n), lang)

    changed = int((compare["difference"].abs() > 1e-9).sum())
    intro = t("compare_summary", figures=i18n.format_count(len(compare), lang), changed=i18n.format_count(changed, lang))
    if period is not None and old_period is not None:
        intro += " " + t("compare_periods", start=i18n.format_date(period[0], lang),
                         end=i18n.format_date(period[1], lang), ref_start=i18n.format_date(old_period[0], lang),
                         ref_end=i18n.format_date(old_period[1], lang))
    table = pd.DataFrame({
        "id": [f"`{i}`" for i in compare["id"]],
        t("previous_export"): [num(v, hidden) for v in compare["old"]],
        t("this_export"): [num(v, hidden) for v in compare["new"]],
        t("difference"): [num(v) for v in compare["difference"]],
        t("base_n") + " (" + t("previous_export").lower() + ")": [count(n) for n in compare["old_base_n"]],
        t("base_n") + " (" + t("this_export").lower() + ")": [count(n) for n in compare["new_base_n"]],
    })
    return [f"## {t('compare_title')}", intro, pipe_table(table)]


def contract_markdown(lang: str, programme=None) -> str:
    """The contract's tables for the appendix, after the export's settings (``dataset.yml``, with the
    antennas of ``programme``: the export being published, by default the synthetic default) and
    its import mapping (``mapping.yml``)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    programme = programme or default_programme()

    antennas = pd.DataFrame({t("code"): [f"`{a.code}`" for a in programme.antennas],
                             t("name_nl"): [a.name_nl for a in programme.antennas],
                             t("name_fr"): [a.name_fr for a in programme.antennas],
                             t("antenna_opened"): [i18n.format_date(a.opened, lang) if a.opened else ""
                                                   for a in programme.antennas]})
    declarations = [f"## {t('contract_settings_title')}", "", t("contract_settings_text"), "", pipe_table(antennas), "",
                    f"## {t('contract_mapping_title')}", "", t("contract_mapping_text"), ""]
    out = []
    for table in C.TABLES:
        req = t("required") if table.required else t("optional")
        out += [f"### `{table.name}` ({req})", "", f"{t('primary_key')}: `{', '.join(table.primary_key)}`", ""]
        rows = []
        for f in table.fields:
            codes = C.codes_of(f)
            if f.reference == C.ANTENNAS_REFERENCE:
                allowed = i18n.text("antenna_codes_allowed", lang, codes="; ".join(
                    f"`{a.code}` {a.name(lang)}" for a in programme.antennas))
            elif f.reference:
                allowed = i18n.text("see_reference", lang, name=f"data/reference/{f.reference}.csv")
            elif codes is not None:
                code_list = i18n.code_list_of(f.name, table.name)
                allowed = "; ".join(f"`{c}` {i18n.label(code_list, c, lang)}" for c in codes)
            elif f.minimum is not None or f.maximum is not None:
                allowed = f"{'' if f.minimum is None else f.minimum} … {'' if f.maximum is None else f.maximum}"
            else:
                allowed = ""
            rows.append({t("column"): f"`{f.name}`", t("type"): t("type_" + f.type),
                         t("required"): t("yes") if f.required else t("no"), t("allowed_values"): allowed,
                         t("meaning"): i18n.variable_label(f.name, lang, table.name)})
        out += [pipe_table(pd.DataFrame(rows)), ""]
    return "\n".join(out + declarations)


# --- staging -------------------------------------------------------------------------

def bibliography_for_book() -> str:
    """references.bib without the curators' notes (written in one language) and keywords."""
    text = (BOOK_DIR / "references.bib").read_text(encoding="utf-8")
    return re.sub(r"^\s*(note|keywords|langid)\s*=\s*\{.*?\},?\s*$\n", "", text, flags=re.M)


def edition_label(parameters: dict, lang: str) -> str:
    """The edition in words: "alle intakejaren, alle antennes; drempel 10"."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    year, antenna = str(parameters.get("year", "all")), str(parameters.get("antenna", "all"))
    scope = ", ".join([t("scope_all_years") if year == "all" else t("scope_year", year=year),
                       t("scope_all_antennas") if antenna == "all" else
                       t("scope_antenna", antenna=i18n.label("antenna", antenna, lang))])
    separator = "\u202f; " if lang == "fr" else "; "
    return f"{scope}{separator}{t('scope_threshold', threshold=parameters.get('threshold', DEFAULT_THRESHOLD))}"


def substitutions(scope: dict, lang: str) -> dict:
    """The MyST substitutions of the pages ({{ period_start }}...): what the edition covers, in words."""
    t = lambda key, **fmt: i18n.text(key, lang, **fmt)  # noqa: E731
    years = scope.get("years") or []
    antennas = scope.get("antennas") or []
    names = [i18n.label("antenna", a, lang) for a in antennas]
    start, end = scope.get("period_start"), scope.get("period_end")
    edition = edition_label({"year": scope.get("year", "all"), "antenna": scope.get("antenna", "all")},
                            lang).split(";")[0].rstrip("\u202f")
    return {
        "period_start": i18n.format_date(date.fromisoformat(start), lang) if start else "",
        "period_end": i18n.format_date(date.fromisoformat(end), lang) if end else "",
        "period_years": i18n.spell_number(max(years) - min(years) + 1, lang) if years else "",
        "first_year": str(min(years)) if years else "",
        "last_year": str(max(years)) if years else "",
        "antenna_count": i18n.spell_number(len(antennas), lang),
        "antenna_list": i18n.join_words(names, lang),
        "organisation": scope.get("organisation") or default_programme().organisation,
        "edition_scope": edition,
        "data_kind": t("synthetic_data") if scope.get("synthetic") else t("real_data"),
    }


def figure_reference(match: re.Match, lang: str) -> str:
    """A figure reference in running text: "figuur 2.3", capitalised at the start of a sentence."""
    before = match.string[: match.start()]
    while True:  # look past the claim markers to the text a reader sees before the reference
        trimmed = re.sub(r"<!--[^>]*-->\s*$", "", before.rstrip(" \u00a0("))
        if trimmed == before:
            break
        before = trimmed
    start = not before.strip() or before.rstrip()[-1] in ".!?\n" or before.endswith("\n")
    word = i18n.text("figure", lang) if start else i18n.text("figure", lang).lower()
    return f"{{numref}}`{word} %s <{match.group(1)}>`"


def page_title_line(text: str) -> int:
    """The index of the page's title line (after its ``(label)=`` target, if any)."""
    lines = text.split("\n")
    return next(i for i, line in enumerate(lines) if line.startswith("# "))


def stage(lang: str, edition_dir: Path, stage_dir: Path, data_dir: Path, pages_dir: Path | None = None,
          mapping=None, compare_with=None) -> bool:
    """Write the language's Jupyter Book source; return True if any file changed.

    ``mapping`` is the export's import mapping (if not beside it); ``compare_with`` an earlier
    export (a Dataset) whose differences the audit appendix shows.

    The pages' narrative claims are resolved on this edition's published numbers (a claim that
    fails without another wording stops here, naming page, sentence and claim) and the choices
    are written to ``claims.json`` beside the staged book.
    """

    stage_dir.mkdir(parents=True, exist_ok=True)
    changed = False
    config = book_config(lang)
    notebook_title = config.pop("notebook_title")
    ds = load_dataset(data_dir, mapping)
    i18n.use_programme(ds.programme)  # the antennas' names are settings of the dataset
    facts = Facts.from_edition(edition_dir, lang)
    claims = load_claims(BOOK_DIR / "claims")
    parse = config.setdefault("parse", {})
    extensions = parse.setdefault("myst_enable_extensions", [])
    if "substitution" not in extensions:
        extensions.append("substitution")
    parse["myst_substitutions"] = substitutions(facts.scope, lang)
    config["title"] = config["title"].format_map(parse["myst_substitutions"])  # "… na {period_years} jaar"
    config.setdefault("sphinx", {}).setdefault("config", {})["duo_synthetic"] = bool(ds.synthetic)
    changed |= write_if_changed(stage_dir / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    changed |= write_if_changed(stage_dir / "_toc.yml", (REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    changed |= write_if_changed(stage_dir / "references.bib", bibliography_for_book())
    for src, dst in ((BOOK_DIR / "static", stage_dir / "_static"), (BOOK_DIR / "templates", stage_dir / "_templates")):
        for f in src.iterdir():
            changed |= write_if_changed(dst / f.name, f.read_bytes())
    for sub in ("figures", "data"):
        for f in sorted((edition_dir / sub).glob("*")):
            changed |= write_if_changed(stage_dir / sub / f.name, f.read_bytes())
    for chapter in CHAPTERS:
        nb = json.loads((edition_dir / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":  # the notebook's heading and introduction, in the book's language
                cell["source"] = (f"# {notebook_title}: {i18n.text('chapter_' + chapter, lang)}\n\n"
                                  + i18n.text("notebook_intro", lang))
                break
        image_alts(nb)  # the chart images say what they show, not their file name
        changed |= write_if_changed(stage_dir / "notebooks" / f"{chapter}.ipynb", json.dumps(nb, ensure_ascii=False, indent=1))

    charts = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (edition_dir / "charts").glob("*.json")}
    audit = run_audit(ds, threshold=DEFAULT_THRESHOLD)  # protected values only, like every page
    compare = compare_exports(compare_with, ds, threshold=DEFAULT_THRESHOLD) if compare_with is not None else None
    periods = {"export": ds.period, "report": reference.report_period(),
               "old": compare_with.period if compare_with is not None else None}
    # the explorer page's data: suppressed views only (duoreport.explorer.cube), never microdata
    # rebuilt only when the data or the code changed (the cube takes several seconds)
    key = f"{ds.data_hash}:{code_hash()}"
    cube_file, key_file = stage_dir / "_static" / f"explore-{lang}.json", stage_dir / f".explore-{lang}.key"
    if not (cube_file.exists() and key_file.exists() and key_file.read_text() == key):
        edition = (facts.scope.get("year", "all"), facts.scope.get("antenna", "all"))
        views = build_views(ds) if edition == ("all", "all") else restrict(build_views(ds), *edition)
        cube = build_cube(views, lang, synthetic=ds.synthetic)
        # an index and one part per measure: the page loads only what the reader looks at
        changed |= write_cube(cube_file.parent, lang, cube_json(cube), write_if_changed)
        key_file.write_text(key)
    decisions = reference.decisions()
    claim_report = []
    for page in sorted((pages_dir or BOOK_DIR / lang).glob("*.md")):
        text = page.read_text(encoding="utf-8")
        text, taken = apply_claims(text, f"book/{lang}/{page.name}", claims, facts)
        # a caption reads "Figuur 2.3. Title"; a reference in a sentence "figuur 2.3", without the period
        text = PLAIN_NUMREF.sub(lambda m: figure_reference(m, lang), text)
        claim_report += taken
        used = CHART_MARKER.findall(text)
        missing = [c for c in used if c not in charts]
        if missing:
            raise RuntimeError(f"{page}: no chart output for {missing} (run the editions first)")
        text = CHART_MARKER.sub(lambda m: chart_block(charts[m.group(1)], lang), text)
        if page.stem in CHAPTERS:
            info = json.loads((edition_dir / f"{page.stem}_provenance.json").read_text(encoding="utf-8"))
            lines = text.split("\n")
            at = page_title_line(text) + 1
            text = "\n".join(lines[:at] + ["", provenance_block(info, lang)] + lines[at:])
        if AUDIT_MARKER in text:
            text = text.replace(AUDIT_MARKER, audit_markdown(audit, decisions, lang, compare, periods))
        if CONTRACT_MARKER in text:
            text = text.replace(CONTRACT_MARKER, contract_markdown(lang, ds.programme))
        if EXPLORE_NOTE_MARKER in text:
            text = text.replace(EXPLORE_NOTE_MARKER, explore_note(ds.synthetic, lang))
        changed |= write_if_changed(stage_dir / page.name, text)
    report = [{"page": d.page, "claim": d.claim, "holds": d.holds, "published": d.published, "sentence": d.sentence}
              for d in claim_report]
    write_if_changed(stage_dir.parent / f"claims-{lang}.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return changed
