"""Benchmarks: `python -m fasciasite.bench` (builds, citations, page weight; see --help),
`python -m fasciasite.bench.links` (our link checker against lychee and LinkChecker) and
`python -m fasciasite.bench.lighthouse` (Lighthouse with Debian's Chromium).

Modules: common, runs, corpus, report, __main__; links; lighthouse.
"""
