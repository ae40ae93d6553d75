"""Page weights, the other benchmark commands, and the printed table."""
from __future__ import annotations

import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from fasciasite.bench.common import (
    GZIP_LEVEL,
    ROOT,
    SUBPROCESS_TIMEOUT,
    TARGETS,
    BuildFailed,
)
from fasciasite.bench.runs import (
    build_env,
)
from fasciasite.publishing.sheet import DIR as sheet_dir  # take-home sheets are not articles

# ── Page weight ──────────────────────────────────────────────────────────────


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def weight(paths: list[Path]) -> dict:
    data = [p.read_bytes() for p in paths]
    return {"files": len(paths), "raw_bytes": sum(map(len, data)), "gzip_bytes": sum(map(gz, data))}


INLINE_SCRIPT_URL = re.compile(r"""["']([^"'\s]+\.js)["']""")  # a script an inline script starts (the search worker)


def local_files(site: Path, page: Path, urls: list[str]) -> list[Path]:
    """The site's files that `page` links to by these URLs (another site's are left out: none
    are expected, no web fonts, no CDN)."""
    base = "/" + page.parent.relative_to(site).as_posix().lstrip(".") + "/"
    out = []
    for url in urls:
        parts = urlsplit(urljoin(base.replace("//", "/"), url))
        path = site / parts.path.lstrip("/")
        if not (parts.scheme or parts.netloc) and path.is_file() and path not in out:
            out.append(path)
    return out


def first_load_files(site: Path, page: Path) -> dict[str, list[Path]]:
    """What a first visit to `page` downloads before the reader searches, by kind: the page,
    its stylesheets, its scripts (by src, and those its inline scripts name: the search worker
    the page starts), its SVG images and icons, and the sitemap Material's instant navigation
    reads as it starts. Not the search index nor Material's search worker: they wait until the
    reader reaches for search (overrides/main.html, docs/javascripts/search-start.js)."""
    tree = lxml_html.fromstring(page.read_bytes())
    inline = [url for text in tree.xpath("//script[not(@src) and not(@type)]/text()")
              for url in INLINE_SCRIPT_URL.findall(text)]
    config = tree.xpath("//script[@id='__config']/text()")
    instant = config and "navigation.instant" in json.loads(config[0]).get("features", [])
    return {
        "html": [page],
        "css": local_files(site, page, tree.xpath("//link[@rel='stylesheet']/@href")),
        "js": local_files(site, page, tree.xpath("//script/@src") + inline),
        "svg": local_files(site, page, [u for u in tree.xpath("//img/@src | //link[contains(@rel, 'icon')]/@href")
                                        if u.endswith(".svg")]),
        "sitemap": local_files(site, page, [f"{'../' * (len(page.relative_to(site).parts) - 1)}sitemap.xml"] if instant else []),
    }


def first_load(site: Path, page: Path) -> dict:
    """The gzip and raw bytes of what a first visit to `page` downloads (first_load_files)."""
    return weight([f for kind in first_load_files(site, page).values() for f in kind])


def articles_of(site: Path, sections: list[str]) -> list[Path]:
    """Every article page of the built site (take-home sheets are not articles)."""
    return sorted(p for s in sections for p in (site / s).rglob("index.html") if sheet_dir not in p.relative_to(site).parts)


def page_weights(site: Path, sections: list[str]) -> dict:
    """Weights of the heaviest article and of what a first visit to it downloads."""
    articles = articles_of(site, sections)
    if not articles:
        raise BuildFailed(f"{site}: no article pages found under {', '.join(sections)}")
    page = max(articles, key=lambda p: first_load(site, p)["gzip_bytes"])
    files = first_load_files(site, page)
    config = lxml_html.fromstring(page.read_bytes()).xpath("//script[@id='__config']/text()")
    worker = local_files(site, page, [json.loads(config[0]).get("search") or ""]) if config else []  # Material's
    index = site / "search" / "search_index.json"
    first = first_load(site, page)
    return {
        "article": page.parent.relative_to(site).as_posix() + "/",
        "html": weight(files["html"]), "css": weight(files["css"]), "js": weight(files["js"]), "svg": weight(files["svg"]),
        "search_worker": weight(worker) if worker else None,
        "search_index": weight([index]) if index.is_file() else None,
        "first_load": first,
        "first_load_gzip_kb": round(first["gzip_bytes"] / 1024, 1),
    }


# ── Other benchmarks ─────────────────────────────────────────────────────────


def other_script(name: str, skip: bool, *args: str) -> dict:
    """Run `python -m fasciasite.bench.NAME --json [ARGS]`; its JSON, or why there is none."""
    if skip:
        return {"status": "skipped"}
    if importlib.util.find_spec(f"fasciasite.bench.{name}") is None:
        return {"status": "not available"}
    try:
        out = subprocess.run([sys.executable, "-m", f"fasciasite.bench.{name}", "--json", *args], cwd=ROOT,
                             capture_output=True, text=True,
                             env=build_env(), timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"status": f"timed out after {SUBPROCESS_TIMEOUT} s"}
    try:
        return {"status": "ok" if out.returncode == 0 else f"exit {out.returncode}", "result": json.loads(out.stdout)}
    except json.JSONDecodeError:
        return {"status": f"exit {out.returncode}, no JSON: {(out.stderr or out.stdout).strip()[-300:]}"}


def search_rates(site: Path, queries: Path = ROOT / "tests" / "search_queries.yml") -> dict:
    """Search hit rates (top 1, top 3, urgent first) and the index size, from
    `python -m fasciasite.bench.search_hits` on the real site just built; or why there are none."""
    with tempfile.TemporaryDirectory(prefix="bench_search_") as tmp:
        out = Path(tmp) / "search.json"
        try:
            done = subprocess.run([sys.executable, "-m", "fasciasite.bench.search_hits", str(queries), "--site-dir", str(site),
                                   "--json", str(out), "--quiet"], cwd=ROOT, capture_output=True, text=True,
                                  env=build_env(), timeout=SUBPROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            return {"status": f"timed out after {SUBPROCESS_TIMEOUT} s"}
        if not out.is_file():
            return {"status": f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"}
        data = json.loads(out.read_text(encoding="utf-8"))
    (score,) = [s["score"] for s in data["sets"].values()]
    return {"status": "ok" if done.returncode == 0 else "below target", "queries": str(queries.relative_to(ROOT)),
            "score": score, "index": data["index"]}


# ── Report ───────────────────────────────────────────────────────────────────


def all_cores(build: dict, cores: int) -> float:
    """The shortest wall time this machine's cores could build it in, however the work were shared
    among them: its CPU seconds (every process of the build) over the cores. A build whose bound
    is over a target cannot meet it on this machine by sharing the work better, only by doing less."""
    return build["cpu_seconds"] / max(1, cores)


def summarise(results: dict) -> None:
    builds = results["builds"]
    cores = int(results["machine"].get("nproc") or 1)
    for b in builds:
        cited, uncited, plain = b["with_citations"], b["without_citations"], b.get("plain_material")
        b["seconds_per_100"] = round(cited["seconds"] / b["articles"] * 100, 3)
        b["citation_overhead"] = round(cited["seconds"] / uncited["seconds"], 3)
        b["citation_overhead_cpu"] = round(cited["cpu_seconds"] / uncited["cpu_seconds"], 3)
        if b.get("checks_off"):  # the citations' cost with no check of ours paid on either side's cited pages:
            # what cheaper checks could bring the overhead down to at best
            b["citation_overhead_checks_off"] = round(b["checks_off"]["seconds"] / uncited["seconds"], 3)
        if plain:  # our cost as a ratio to the floor, wall and CPU
            for name, ours in (("cited", cited), ("uncited", uncited), ("checks_off", b.get("checks_off"))):
                if not ours:
                    continue
                b[f"{name}_vs_plain"] = round(ours["seconds"] / plain["seconds"], 3)
                b[f"{name}_vs_plain_cpu"] = round(ours["cpu_seconds"] / plain["cpu_seconds"], 3)
                b[f"{name}_vs_plain_all_cores"] = round(all_cores(ours, cores) / plain["seconds"], 3)
    real = results["real_site"]
    for key in ("build", "checks_off"):
        if real.get(key):
            real[key]["all_cores_seconds"] = round(all_cores(real[key], cores), 3)
    results["growth"] = None
    if len(builds) >= 2:
        small, large = builds[-2], builds[-1]
        per = lambda b: b["with_citations"]["seconds"] / b["articles"]  # noqa: E731
        results["growth"] = {"from": small["articles"], "to": large["articles"],
                             "per_article_ratio": round(per(large) / per(small), 3)}
    at = {b["articles"]: b for b in builds}
    inc = results.get("incremental", {})
    serve, fast, plain_serve = (inc.get(k, {}) for k in ("serve", "serve_fast", "plain_serve"))
    if "seconds_to_reload" in serve and "seconds_to_reload" in plain_serve:
        inc["serve_reload_ratio"] = round(serve["seconds_to_reload"] / plain_serve["seconds_to_reload"], 3)
    values = {
        "floor_ratio_300": at[300].get("cited_vs_plain") if 300 in at else None,
        "floor_ratio_1000": at[1000].get("cited_vs_plain") if 1000 in at else None,
        "citation_overhead_1000": at[1000]["citation_overhead"] if 1000 in at else None,
        "serve_fast_reload_s": fast.get("seconds_to_reload"),
        "serve_reload_ratio": inc.get("serve_reload_ratio"),
        "real_build_s": results["real_site"]["build"]["seconds"],
        "first_load_gzip_kb": results["real_site"]["page_weight"]["first_load_gzip_kb"],
    }
    results["targets"] = {
        name: {"limit": limit, "unit": unit, "what": what, "value": values[name],
               "met": None if values[name] is None else values[name] <= limit}
        for name, (limit, unit, what) in TARGETS.items()
    }


SECOND = "second core: "


def step_table(label: str, times: dict | None, top: int = 12) -> list[str]:
    """The slowest steps of one build (fasciasite.steptimes), with the total of every step."""
    if not times:
        return [f"Step times, {label}: not recorded"]
    # The second core's work (fasciasite.secondcore) is listed both as its kinds of work, "(N)"
    # items each, and as the pipeline steps it ran: the totals count the kinds only, apart.
    main = {n: t for n, t in times.items() if not n.startswith(SECOND)}
    second = {n: t for n, t in times.items() if n.startswith(SECOND) and n.endswith(")")}
    total = sum(t["seconds"] for t in main.values())
    cpu = sum(t.get("cpu_seconds", 0) for t in main.values())
    ahead = f"; on the second core {sum(t.get('cpu_seconds', 0) for t in second.values()):.2f} s CPU" if second else ""
    out = [f"Step times, {label} (our plugin's steps in the main process: {total:.2f} s wall, {cpu:.2f} s CPU in all{ahead}; "
           f"slowest {min(top, len(times))}, wall s / CPU s / calls):"]
    out += [f"  {t['seconds']:>8.3f} {t.get('cpu_seconds', 0):>8.3f} {t['calls']:>6} x  {name}"
            for name, t in list(times.items())[:top]]
    return out


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(results: dict) -> str:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    out = [f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB, Python {m['python']}, "
           f"load {m['load_average'][0]} at start, {m.get('load_average_end', ['?'])[0]} at end; {packages}", ""]
    out += [f"Strict builds, synthetic articles (corpus version {results.get('corpus_version', '?')}, median of "
            f"{results['runs']} runs taken in turn, cold card cache)",
            f"{'N':>6}  {'build':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'s/100 art':>10} {'/ floor':>8}"]
    for b in results["builds"]:
        for label, key, ratio in (("plain Material (floor)", "plain_material", None),
                                  ("ours, no citations", "without_citations", "uncited_vs_plain"),
                                  ("ours, cited (real config)", "with_citations", "cited_vs_plain"),
                                  ("ours, cited, checks off", "checks_off", "checks_off_vs_plain")):
            r = b.get(key)
            if not r:
                continue
            vs = f"{b[ratio]:.2f}x" if ratio and ratio in b else ""
            out.append(f"{b['articles']:>6}  {label:<24} {r['seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
                       f"{r['peak_mb']:>8.0f} {r['seconds'] / b['articles'] * 100:>10.2f} {vs:>8}")
    overheads = [f"N={b['articles']}: {b['citation_overhead']:.2f} [{b['citation_overhead_cpu']:.2f}]"
                 for b in results["builds"]]
    out.append("Citation overhead (with / without), wall [CPU]: " + "  ".join(overheads))
    bounds = [f"N={b['articles']}: {b['citation_overhead_checks_off']:.2f}" for b in results["builds"]
              if "citation_overhead_checks_off" in b]
    if bounds:
        out.append("  the same with the cited build's checks off (the best cheaper checks could do), wall: " + "  ".join(bounds))
    floors = [f"N={b['articles']}: {b['cited_vs_plain']:.2f} [{b['cited_vs_plain_cpu']:.2f}]"
              for b in results["builds"] if "cited_vs_plain" in b]
    if floors:
        out.append("Ours, cited / plain Material, wall [CPU]: " + "  ".join(floors))
    features = [f"N={b['articles']}: {b['checks_off_vs_plain']:.2f} [{b['checks_off_vs_plain_cpu']:.2f}]"
                for b in results["builds"] if "checks_off_vs_plain" in b]
    if features:
        out.append("Ours, cited, every check off / plain Material (what the features cost), wall [CPU]: "
                   + "  ".join(features))
    bound = [f"N={b['articles']}: cited {b['cited_vs_plain_all_cores']:.2f}"
             + (f", checks off {b['checks_off_vs_plain_all_cores']:.2f}" if "checks_off_vs_plain_all_cores" in b else "")
             for b in results["builds"] if "cited_vs_plain_all_cores" in b]
    if bound:
        out.append(f"Ours / plain Material if our CPU time were shared perfectly among the {m['nproc']} cores "
                   "(CPU s / cores / floor's wall s; over a target means no sharing of the work can meet it): "
                   + "  ".join(bound))
    g = results["growth"]
    out.append(f"Growth: per-article time at N={g['to']} / N={g['from']}: {g['per_article_ratio']:.2f} "
               "(1.00 = linear)" if g else "Growth: needs two sizes")
    inc = results["incremental"]

    def reload(serve: dict) -> str:
        return (f"{serve['seconds_to_reload']:.2f} s to reload (build {serve['build_seconds']:.2f} s)"
                if "seconds_to_reload" in serve else serve["error"])

    out += ["", f"N={inc['articles']}: full build with warm card cache {inc['warm_full_seconds']:.2f} s. "
                f"One page edited: build --dirty --no-strict {inc['dirty_seconds']:.2f} s; "
                f"make serve: {reload(inc['serve'])}; make serve-fast: {reload(inc.get('serve_fast', {'error': '-'}))}; "
                f"plain Material serve: {reload(inc.get('plain_serve', {'error': '-'}))}"
                + (f"; make serve / plain: {inc['serve_reload_ratio']:.2f}x" if "serve_reload_ratio" in inc else "")]
    real = results["real_site"]
    pw = real["page_weight"]
    beside = "".join(f"; {label} {real[key]['seconds']:.2f} s ({real[key]['cpu_seconds']:.2f} s CPU)"
                     for label, key in (("plain Material", "plain_material"), ("ours with every check off", "checks_off"))
                     if real.get(key))
    out += ["", f"Real site ({real['pages']} pages): strict build {real['build']['seconds']:.2f} s "
                f"({real['build']['cpu_seconds']:.2f} s CPU; median of {real['build']['runs']}, cold cards; runs "
                f"{real['build']['all_seconds']}), peak {real['build']['peak_mb']:.0f} MB{beside}",
            *([f"  shared perfectly among the {m['nproc']} cores: ours {real['build']['all_cores_seconds']:.2f} s"
               + (f", ours with every check off {real['checks_off']['all_cores_seconds']:.2f} s" if real.get("checks_off") else "")]
              if "all_cores_seconds" in real["build"] else []),
            f"Page weight, largest article {pw['article']} (KB, gzip -{GZIP_LEVEL}):",
            f"  {'':<22}{'files':>6} {'raw KB':>9} {'gzip KB':>9}"]
    for label, key in (("article HTML", "html"), ("CSS", "css"), ("JavaScript", "js"), ("SVG images + icons", "svg"),
                       ("first load", "first_load"), ("search worker (extra)", "search_worker"),
                       ("search index (extra)", "search_index")):
        w = pw[key]
        if w:
            out.append(f"  {label:<22}{w['files']:>6} {kb(w['raw_bytes']):>9} {kb(w['gzip_bytes']):>9}")
    largest = results["builds"][-1] if results["builds"] else {}
    for label, times in ((f"N={largest.get('articles')}, cited, cold build",
                          largest.get("with_citations", {}).get("step_times")),
                         (f"N={inc['articles']}, make serve rebuild after one saved page", inc["serve"].get("step_times")),
                         (f"N={inc['articles']}, make serve-fast rebuild", inc.get("serve_fast", {}).get("step_times")),
                         ("real site, strict build", real["build"].get("step_times"))):
        out += ["", *step_table(label, times)]
    search = results.get("search", {"status": "not run"})
    if "score" in search:
        sc, ix = search["score"], search["index"]
        out += [f"Search ({search['queries']}, {sc['queries']} queries, real search in Chromium): "
                f"top-1 {sc['top1_rate']:.1%}, top-3 {sc['top3_rate']:.1%}, urgent first {sc['urgent_first']}/{sc['urgent']}",
                f"  search index {kb(ix['raw_bytes'])} KB raw, {kb(ix['gzip_bytes'])} KB gzip, "
                f"{ix['gzip_bytes_per_article']} bytes gzip per article ({ix['articles']} articles)"]
    else:
        out.append(f"Search hit rates: {search['status']}")
    for name in ("links", "lighthouse"):
        r = results[name]
        out += ["", f"{name} (python -m fasciasite.bench.{name} --json): {r['status']}"]
        rows = r.get("result", {}).get("results") if isinstance(r.get("result"), dict) else None
        if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
            out += ["  " + "  ".join(f"{k}={v}" for k, v in row.items()) for row in rows]
        elif "result" in r:
            out.append("  " + json.dumps(r["result"])[:2000])
    out += ["", "Targets:"]
    for t in results["targets"].values():
        state = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        value = "-" if t["value"] is None else f"{t['value']:.2f} {t['unit']}"
        out.append(f"  {t['what']:<58} <= {t['limit']:g} {t['unit']:<3} {value:>10}  {state}")
    return "\n".join(out)


