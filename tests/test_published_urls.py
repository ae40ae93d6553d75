"""Links in newsletters and social posts never break: every URL in published-urls.txt
resolves in the built site (directly, or through a redirect page to a live page), and
every page of the site is in the list."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from test_site_build import doc_pages, html_for

from fasciasite.publishing import published as pub
from fasciasite.publishing.published import resolve  # the one reader of a published URL, shared with make check

LIST = ROOT / "published-urls.txt"


def published() -> list[str]:
    from fasciasite.publishing.published import published as listed  # BOM-, CR- and tab-safe, as make check reads it
    return [url for _line, url in listed(LIST)]


def test_every_published_url_resolves(built_site):
    broken = [u for u in published() if resolve(built_site, u) is None]
    assert not broken, f"published URLs that no longer work (add a redirect in mkdocs.yml redirect_maps): {broken}"


def test_urls_with_utm_query_strings_resolve(built_site):
    for url in published():
        assert resolve(built_site, url + "?utm_source=newsletter&utm_medium=email&utm_campaign=test") is not None


def test_every_page_is_in_the_published_list():
    listed = set(published())
    pages = {"/" + html_for(src)[: -len("index.html")] for src in doc_pages()}
    missing = sorted(pages - listed)
    assert not missing, f"pages missing from published-urls.txt (fasciasite new adds them): {missing}"


def test_published_list_is_sorted_and_has_no_duplicates():
    urls = published()
    assert urls == sorted(set(urls))


def test_a_redirect_keeps_a_moved_page_working(tmp_path):
    (tmp_path / "new" / "place").mkdir(parents=True)
    (tmp_path / "new" / "place" / "index.html").write_text("<html><body>moved here</body></html>")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=../new/place/"></head></html>'
    )
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=../nowhere/"></head></html>'
    )
    assert resolve(tmp_path, "/old/") == tmp_path / "new" / "place" / "index.html"
    assert resolve(tmp_path, "/gone/") is None
    assert resolve(tmp_path, "/never/") is None


# ── The list only grows (its git history), and redirects never replace a live page ──


def test_no_url_ever_published_was_dropped_from_the_list():
    problems = pub.removed_urls(ROOT, pub.published(LIST), ROOT / "mkdocs.yml")
    assert problems == [], "\n".join(problems)


def test_the_real_redirects_start_at_no_live_page_and_end_at_a_page():
    assert pub.redirect_problems(ROOT / "mkdocs.yml", ROOT / "docs") == []


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


def _repo(tmp_path, redirects: str = "{}"):
    (tmp_path / "docs" / "fascia").mkdir(parents=True)
    for page in ("index.md", "fascia/what-is-fascia.md", "fascia/myths.md"):
        (tmp_path / "docs" / page).write_text("# Page\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\nplugins:\n  - redirects:\n      redirect_maps: {redirects}\n", encoding="utf-8")
    (tmp_path / "published-urls.txt").write_text("# Every URL\n/\n/fascia/myths/\n/fascia/what-is-fascia/\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def _history(repo, *extra):
    return subprocess.run([sys.executable, "-m", "fasciasite.publishing.published", "--history-only", *extra], cwd=repo,
                          capture_output=True, text=True)


def test_a_url_replaced_in_the_list_without_a_redirect_fails_naming_it_and_its_commit(tmp_path):  # G-38
    repo = _repo(tmp_path)
    text = (repo / "published-urls.txt").read_text().replace("/fascia/myths/\n", "/fascia/fascia-myths/\n")
    (repo / "published-urls.txt").write_text(text)
    _git(repo, "commit", "-qam", "rename")
    result = _history(repo)
    assert result.returncode == 1
    assert "published-urls.txt:1: /fascia/myths/ (listed since " in result.stdout
    assert "was removed from the list and has no redirect" in result.stdout and "redirect_maps" in result.stdout


def test_an_uncommitted_removal_is_caught_too_and_a_kept_list_passes(tmp_path):
    repo = _repo(tmp_path)
    assert _history(repo).returncode == 0
    (repo / "published-urls.txt").write_text("/\n/fascia/what-is-fascia/\n")
    assert "/fascia/myths/" in _history(repo).stdout


def test_a_removed_url_with_a_redirect_still_asks_for_the_line_back(tmp_path):
    repo = _repo(tmp_path, "\n        fascia/myths.md: fascia/what-is-fascia.md\n")
    (repo / "docs" / "fascia" / "myths.md").unlink()
    (repo / "published-urls.txt").write_text("/\n/fascia/what-is-fascia/\n")
    result = _history(repo)
    assert result.returncode == 1 and "it has a redirect, so put the line back" in result.stdout


def test_the_base_branch_copy_counts_as_history(tmp_path):
    repo = _repo(tmp_path)
    _git(repo, "checkout", "-q", "--orphan", "feature")
    (repo / "published-urls.txt").write_text("/\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "orphan")
    assert "/fascia/myths/" in _history(repo, "--base", "main").stdout


def test_outside_git_the_history_check_passes_quietly(tmp_path):
    (tmp_path / "published-urls.txt").write_text("/\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    assert _history(tmp_path).returncode == 0


def test_a_redirect_from_a_live_page_fails_naming_both(tmp_path):  # G-23
    repo = _repo(tmp_path, "\n        fascia/what-is-fascia.md: fascia/myths.md\n")
    problems = pub.redirect_problems(repo / "mkdocs.yml", repo / "docs")
    assert len(problems) == 1 and problems[0].startswith("mkdocs.yml:5: redirect_maps 'fascia/what-is-fascia.md: fascia/myths.md'")
    assert "would replace docs/fascia/what-is-fascia.md" in problems[0]


def test_a_redirect_to_a_missing_page_or_another_redirect_fails_with_a_suggestion(tmp_path):  # P-11, G-22
    repo = _repo(tmp_path, "\n        fascia/old.md: fascia/myth.md\n        fascia/older.md: fascia/old.md\n")
    problems = "\n".join(pub.redirect_problems(repo / "mkdocs.yml", repo / "docs"))
    assert "mkdocs.yml:5: redirect_maps 'fascia/old.md: fascia/myth.md' points to fascia/myth.md, which is not a page" in problems
    assert "did you mean fascia/myths.md?" in problems
    assert "mkdocs.yml:6:" in problems and "points to another redirect" in problems


def test_a_byte_order_mark_or_tabs_in_the_list_are_not_urls(tmp_path):  # G-39
    path = tmp_path / "published-urls.txt"
    path.write_bytes("\ufeff# Every URL\r\n/\t\r\n  /fascia/  \r\n".encode())
    assert pub.published(path) == [(2, "/"), (3, "/fascia/")]
