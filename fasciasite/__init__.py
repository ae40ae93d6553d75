"""The site's logic as one importable package (installed editable by the Makefile).

Layers: content (docs/, references.bib, includes/) -> MkDocs + Material + plugins ->
overrides/hooks/*.py (thin adapters: they only wire MkDocs events to this package) ->
the modules below. Commands are modules here too (`python -m fasciasite.X --help`);
scripts/*.py only call them. Nothing loads a file by path or edits sys.path.

BibTeX and citations   bib (reader), bibcheck (rules, `python -m fasciasite.bib`),
                       citations (the MkDocs events), citation_format (each entry once),
                       numbers (every cited figure is in its source's findings)
Safety                 tiers (the urgent-help data and rendering), urgent (its shortcode
                       lint and command)
Front matter, articles frontmatter (schema and rules), pagesource (each page read once),
                       articles (reading time, related, review state), articlecheck,
                       readability, review_status, new_article
Site furniture         cards (preview images), nav (sidebar), glossary, feed, newsletter
Links                  links/ (common, internal, external, __main__)
Tooling                check (make check), serve (the static server the browser tests and
                       Lighthouse use), bench/ (benchmarks)
"""
