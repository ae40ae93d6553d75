"""fasciasite.references.bib (fasciasite bib): the .bib reader (every problem has a line), the rules, the citations."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fasciasite.references import bib as check_bib

ROOT = Path(__file__).resolve().parents[1]

GOOD_BIB = """\
% references for the tests (no at sign in this comment)
@string{jbmt = {Journal of Bodywork and Movement Therapies}}

@article{langevin2011shear,
  author  = {Langevin, Helene M. and Fox, James R.},
  title   = {Reduced thoracolumbar fascia shear strain in human chronic low back pain},
  journal = {BMC Musculoskeletal Disorders},
  year    = {2011},
  volume  = {12},
  pages   = {203},
  doi     = {10.1186/1471-2474-12-203}
}

@article{schleip2012strainhardening,
  author  = "Schleip, Robert",
  title   = "Strain hardening of {fascia}",
  journal = jbmt,
  year    = 2012,
  volume  = {16},
  pages   = {94--100},
  nodoi   = {the journal page shows none}
}

@online{nice2016ng59,
  title        = {Low back pain and sciatica in over 16s},
  organization = {NICE},
  year         = {2016},
  url          = {https://www.nice.org.uk/guidance/ng59},
  urldate      = {2026-11-24}
}

@comment{ kept for later }
"""
GOOD_DOC = "# Page\n\nA claim [@langevin2011shear; @schleip2012strainhardening].\n\nGuidance [@nice2016ng59].\n"


def write(tmp_path: Path, bib: str, docs: dict[str, str] | None = None) -> tuple[Path, Path]:
    bib_path = tmp_path / "references.bib"
    bib_path.write_text(textwrap.dedent(bib), encoding="utf-8")
    docs_dir = tmp_path / "docs"
    for name, text in (docs or {"a.md": GOOD_DOC}).items():
        (docs_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (docs_dir / name).write_text(text, encoding="utf-8")
    docs_dir.mkdir(exist_ok=True)
    return bib_path, docs_dir


def messages(problems, key=None) -> list[str]:
    return [p.message for p in problems if key is None or p.key == key]


def test_clean_bib_and_docs_have_no_problems(tmp_path):
    bib, docs = write(tmp_path, GOOD_BIB)
    assert check_bib.check(bib, docs) == []


def test_entries_have_types_fields_and_lines(tmp_path):
    bib, _ = write(tmp_path, GOOD_BIB)
    entries, problems = check_bib.parse_bib(bib)
    assert problems == []
    assert list(entries) == ["langevin2011shear", "schleip2012strainhardening", "nice2016ng59"]
    e = entries["schleip2012strainhardening"]
    assert (e.type, e.line, e.field_lines["journal"]) == ("article", 14, 17)
    assert e.fields["journal"] == "Journal of Bodywork and Movement Therapies"  # @string expanded
    assert e.fields["title"] == "Strain hardening of {fascia}"
    assert e.fields["year"] == "2012"


def test_problem_prints_as_file_line_entry_message():
    p = check_bib.Problem("references.bib", 41, "smith2020x", "doi has a URL prefix; write it bare: 10.1000/xyz")
    assert str(p) == "references.bib:41: entry 'smith2020x': doi has a URL prefix; write it bare: 10.1000/xyz"
    assert str(check_bib.Problem("docs/a.md", 3, None, "cites unknown key 'x'")) == "docs/a.md:3: cites unknown key 'x'"


def test_unclosed_field_brace_is_reported_where_the_field_starts(tmp_path):
    bib, _ = write(tmp_path, """\
        @article{first2020,
          author = {A, B},
          title  = {An unclosed {title,
          year   = {2020}
        }

        @article{second2021,
          title = {Fine},
          year  = {2021}
        }
        """)
    entries, problems = check_bib.parse_bib(bib)
    assert [p.line for p in problems] == [3]
    assert "field 'title'" in problems[0].message and "never closed" in problems[0].message
    assert entries["second2021"].fields["year"] == "2021"  # reading resumed at the next entry


def test_unclosed_entry_is_reported_at_its_first_line(tmp_path):
    bib, _ = write(tmp_path, """\
        @article{first2020,
          title = {One},
          year  = {2020},

        @article{second2021,
          title = {Two}
        }
        """)
    entries, problems = check_bib.parse_bib(bib)
    assert [(p.line, p.message) for p in problems] == [(1, "entry 'first2020' is not closed; add '}' after its last field")]
    assert "second2021" in entries


def test_missing_comma_between_fields_names_the_field(tmp_path):
    bib, _ = write(tmp_path, "@article{a2020,\n  title = {One}\n  year = {2020}\n}\n")
    _, problems = check_bib.parse_bib(bib)
    assert [p.line for p in problems] == [2]
    assert "field 'title' must be followed by ','" in problems[0].message


def test_duplicate_key_names_both_lines(tmp_path):
    bib, _ = write(tmp_path, "@misc{a2020,\n title = {x}}\n\n@misc{A2020,\n title = {y}}\n")
    _, problems = check_bib.parse_bib(bib)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].key) == (4, "A2020")
    assert "lines 1 and 4" in problems[0].message


def test_comments_that_pybtex_would_misread_are_reported(tmp_path):
    bib, _ = write(tmp_path, "% write to me@example.org\n@misc{a2020,\n % a note\n title = {x}}\n")
    _, problems = check_bib.parse_bib(bib)
    assert [p.line for p in problems] == [1, 3]
    assert "'@'" in problems[0].message and "inside an entry" in problems[1].message


def test_pybtex_failure_is_one_problem_with_the_file_name(tmp_path):
    # A non-ASCII field name: our reader accepts it, pybtex (and so mkdocs-bibtex) does not.
    bib, _ = write(tmp_path, "@misc{a2020,\n  t\u00eftle = {x}\n}\n")
    _, problems = check_bib.parse_bib(bib)
    assert [str(p) for p in problems] == [
        f"{bib}:2: pybtex (used by mkdocs-bibtex) cannot read the file: syntax error in line 2: '=' expected; fix it there"
    ]


def test_duplicate_doi_is_found_whatever_the_case(tmp_path):
    fields = "author = {A}, title = {T}, journal = {J}, year = {2012}, volume = {1}, pages = {2}, uncited = {test}"
    bib, docs = write(tmp_path, f"""\
        @article{{one2012, {fields},
          doi = {{10.1016/j.jbmt.2012.06.007}}}}
        @article{{two2012, {fields},
          doi = {{10.1016/J.JBMT.2012.06.007}}}}
        """, {"a.md": ""})
    problems = check_bib.check(bib, docs)
    assert [(p.line, p.key, p.message) for p in problems] == [
        (4, "two2012", "doi 10.1016/J.JBMT.2012.06.007 is also in entry 'one2012' (line 1); merge the two entries")
    ]


def test_required_fields_by_entry_type(tmp_path):
    bib, docs = write(tmp_path, """\
        @article{art2020, author = {A}, title = {T}, journal = {J}, year = {2020}, doi = {10.1000/x1}, uncited = {test}}
        @online{web2020, title = {T}, url = {https://example.org/}, year = {2020}, uncited = {test}}
        @techreport{rep2020, title = {T}, institution = {I}, year = {2020}, uncited = {test}}
        @book{book2020, title = {T}, year = {2020}, editor = {E}, uncited = {test}}
        @incollection{chap2020, author = {A}, title = {T}, publisher = {P}, year = {2020}, uncited = {test}}
        @phdthesis{thesis2020, author = {A}, title = {T}, year = {2020}, uncited = {test}}
        """)
    problems = check_bib.check(bib, docs)

    def need(kind: str, what: str, excuse: str) -> str:
        return (f"@{kind} needs {what}; copy it from the work's own page, "
                f"or write no{excuse} = {{reason}} if that page does not show it")

    assert messages(problems, "art2020") == [
        need("article", "volume", "volume"),
        need("article", "pages, or eid for an article number", "pages"),
    ]
    assert messages(problems, "web2020") == [
        need("online", "organization or author or institution", "organization"),
        need("online", "urldate", "urldate"),
    ]
    assert messages(problems, "rep2020") == [need("techreport", "url", "url")]
    assert messages(problems, "book2020") == [need("book", "publisher", "publisher")]
    assert messages(problems, "chap2020") == [need("incollection", "booktitle", "booktitle")]
    assert "type @phdthesis has no rules here" in messages(problems, "thesis2020")[0]


def test_article_without_doi_needs_nodoi_with_a_reason(tmp_path):
    fields = "author = {A}, title = {T}, journal = {J}, year = {2020}, volume = {1}, pages = {1}, uncited = {test}"
    bib, docs = write(tmp_path, f"@article{{none2020, {fields}}}\n@article{{empty2020, {fields}, nodoi = {{}}}}\n")
    problems = check_bib.check(bib, docs)
    assert "article has no doi; add doi = {10.xxxx/...}" in messages(problems, "none2020")[0]
    assert messages(problems, "empty2020") == ["nodoi needs a reason: nodoi = {why}"]


def test_doi_url_urldate_and_year_formats(tmp_path):
    bib, docs = write(tmp_path, """\
        @article{bad2020,
          author = {A}, title = {T}, journal = {J}, volume = {1}, pages = {1}, uncited = {test},
          year = {20x0},
          doi = {https://doi.org/10.1186/abc}
        }
        @online{web2020,
          title = {T}, organization = {O}, uncited = {test},
          url = {javascript:alert(1)},
          urldate = {24/11/2026}
        }
        @article{doi2020, author = {A}, title = {T}, journal = {J}, year = {2020}, volume = {1}, pages = {1}, uncited = {test},
          doi = {doi:10.1186/xyz}}
        """)
    problems = check_bib.check(bib, docs)
    assert [(p.line, p.message) for p in problems if p.key == "bad2020"] == [
        (3, "year '20x0' is not four digits; write e.g. year = {2019}"),
        (4, "doi has a URL prefix; write it bare: 10.1186/abc"),
    ]
    assert [(p.line, p.message.split(";")[0]) for p in problems if p.key == "web2020"] == [
        (8, "url must be an http(s):// address, found 'javascript:alert(1)'"),
        (9, "urldate '24/11/2026' is not an ISO date"),
    ]
    assert messages(problems, "doi2020") == ["doi has a URL prefix; write it bare: 10.1186/xyz"]


def test_key_convention_and_year_in_key(tmp_path):
    entry = "title = {T}, organization = {O}, url = {https://example.org/}, urldate = {2026-11-24}, uncited = {test}"
    bib, docs = write(tmp_path, f"""\
        @online{{Smith2020, {entry}, year = {{2020}}}}
        @online{{nice_shear, {entry}, year = {{2020}}}}
        @online{{nhs_page, {entry}}}
        """)
    problems = check_bib.check(bib, docs)
    assert "breaks the convention ^[a-z][a-z0-9_]*$" in messages(problems, "Smith2020")[0]
    assert messages(problems, "nice_shear") == ["key does not contain its year 2020; rename it (e.g. surname2020word) here and in the citations"]
    assert messages(problems, "nhs_page") == []


def test_every_entry_is_cited_or_says_why_not(tmp_path):
    bib, docs = write(tmp_path, GOOD_BIB, {"a.md": "Only one [@nice2016ng59].\n"})
    problems = check_bib.check(bib, docs)
    uncited = [p for p in problems if "is not cited" in p.message]
    assert [(p.key, p.line) for p in uncited] == [("langevin2011shear", 4), ("schleip2012strainhardening", 14)]
    assert "cite it as [@langevin2011shear] or add uncited = {reason}" in uncited[0].message
    tagged = GOOD_BIB.replace("pages   = {203},", "pages   = {203}, uncited = {background reading},")
    tagged = tagged.replace("nodoi   = {the journal page shows none}", "nodoi = {none shown}, uncited = {kept}")
    bib, docs = write(tmp_path, tagged, {"a.md": "Cites one [@langevin2011shear].\n"})
    problems = check_bib.check(bib, docs)
    assert [(p.key, p.message) for p in problems] == [
        ("langevin2011shear", "is cited at " + str(docs / "a.md") + ":1 but carries uncited; remove the uncited field"),
        ("nice2016ng59", f"is not cited in {docs}/; cite it as [@nice2016ng59] or add uncited = {{reason}}"),
    ]


def test_unknown_citation_names_markdown_line_and_closest_key(tmp_path):
    doc = GOOD_DOC + "\nSee also [@langevin2011shaer].\n"
    bib, docs = write(tmp_path, GOOD_BIB, {"fascia/page.md": doc})
    problems = check_bib.check(bib, docs)
    assert [str(p) for p in problems] == [
        f"{docs}/fascia/page.md:7: cites unknown key 'langevin2011shaer'; add it to {bib} or fix the key (did you mean langevin2011shear?)"
    ]


def test_citation_key_with_colon_is_an_error_with_the_fix(tmp_path):
    bib, docs = write(tmp_path, GOOD_BIB, {"a.md": GOOD_DOC + "Bad [@nice:2016ng59].\n"})
    (problem,) = check_bib.check(bib, docs)
    assert problem.line == 6 and problem.file == str(docs / "a.md")
    assert "citation key 'nice:2016ng59' has characters mkdocs-bibtex drops; keys may contain only letters, digits, '_' and '-'" in problem.message
    assert "did you mean nice2016ng59" in problem.message


def test_find_citations_skips_code_e_mail_and_prose():
    text = textwrap.dedent("""\
        Claim [@a2020; @b_2021].
        Mail someone@example.org or [write to team@example.org].
        Inline `[@code2020]` is code.
        ```
        [@fenced2020]
        ```
        !!! note

            ~~~ yaml
            [@indented2020]
            ~~~
        Bad [@smith:2020] and [@c-2019]
        [see @prose2020, p. 3]
        """)
    found = check_bib.find_citations(text)
    assert found == [(1, "a2020"), (1, "b_2021"), (12, "smith:2020"), (12, "c-2019")]
    assert [c.bad for c in found] == [False, False, True, False]


def test_cli_exit_codes_and_summary(tmp_path, monkeypatch, capsys):
    bib, docs = write(tmp_path, GOOD_BIB)
    monkeypatch.chdir(tmp_path)
    assert check_bib.main([]) == 0
    assert capsys.readouterr().out.strip() == "check_bib: 3 entries in references.bib, 0 problem(s)"
    (docs / "b.md").write_text("x [@nope2020]\n", encoding="utf-8")
    assert check_bib.main([]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("docs/b.md:1: cites unknown key 'nope2020'") and out[-1].endswith("1 problem(s)")
    assert check_bib.main(["--bib", "missing.bib"]) == 2
    assert "no such file: missing.bib" in capsys.readouterr().err


def test_real_references_bib_reads_like_pybtex():
    """Our reader and pybtex (mkdocs-bibtex's parser) agree on the project's own file."""
    from pybtex.database import parse_file

    entries, problems = check_bib.parse_bib(ROOT / "references.bib")
    assert [str(p) for p in problems] == []
    theirs = parse_file(str(ROOT / "references.bib")).entries
    assert list(entries) == list(theirs)
    for key, entry in entries.items():
        for name, value in theirs[key].fields.items():
            assert entry.fields[name.lower()] == " ".join(str(value).split()), (key, name)


@pytest.mark.parametrize("bib", ["@article{a2020,\n title = {x\n", '@misc{a2020,\n  title = "open\n}\n'])
def test_unterminated_value_at_end_of_file_points_at_the_field(tmp_path, bib):
    path, _ = write(tmp_path, bib)
    _, problems = check_bib.parse_bib(path)
    assert [p.line for p in problems] == [2]


def test_a_detail_the_page_did_not_show_is_excused_with_a_reason(tmp_path):
    fields = "author = {A}, title = {T}, journal = {J}, year = {2020}, volume = {1}, nodoi = {not shown}, uncited = {test}"
    bib, docs = write(tmp_path, f"@article{{ok2020, {fields}, nopages = {{not shown}}}}\n@article{{bad2020, {fields}, nopages = {{}}}}\n")
    problems = check_bib.check(bib, docs)
    assert messages(problems, "ok2020") == []
    assert messages(problems, "bad2020") == ["nopages needs a reason: nopages = {why}"]


def test_an_empty_findings_field_is_refused_until_the_author_writes_it(tmp_path):
    bib = tmp_path / "references.bib"
    bib.write_text("@online{nhs2020page,\n  author = {{NHS}},\n  title = {A page},\n  url = {https://www.nhs.uk/x/},\n"
                   "  urldate = {2026-12-01},\n  uncited = {test},\n  findings = {}\n}\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    problems = [str(p) for p in check_bib.check(bib, docs)]
    assert len(problems) == 1
    assert problems[0].startswith(f"{bib}:7: entry 'nhs2020page': findings is empty; read the source's published page")
