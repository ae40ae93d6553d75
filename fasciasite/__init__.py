"""The site's logic as one installable package: a MkDocs plugin and the `fasciasite` command.

Layers: content (docs/, references.bib, includes/) -> MkDocs + Material + plugins -> the
`fasciasite` plugin (plugin.py, listed last under plugins: in mkdocs.yml) -> its steps and the
rules below. Commands are subcommands of `fasciasite` (cli.py), each a module with main(argv),
also `python -m fasciasite.MODULE`. Nothing loads a file by path or edits sys.path.

The plugin             plugin (SitePlugin: the event table), config (SiteConfig, ExtraConfig,
                       load_mkdocs_yml, find_root), pipeline (one page's order), shortcodes (one
                       dispatcher, the line map), problems (Problem, the build's one failure policy)
Build steps            authoring (author mistakes), frontmatter, pagesteps (urgent help and
                       numbers), citations (+ citation_format), glossary, articles, cards,
                       structured (JSON-LD), nav (sidebar), feed, search, sheet (take-home sheets)
References             bib (reader), bibcheck (rules), citesyntax (pandoc's [@key] syntax),
                       bibfields, bibtext, refs_online + add_reference + webapi + metadata (online)
Safety and evidence    tiers (urgent-help data and rendering), urgent (its lint and command),
                       safety (treatments' safety advice), numbers + figures, ratings + evidence
Pages and articles     pagesource (each page read once), pagelint, fmsyntax, articlecheck,
                       readability, review_status, review_pack, reviewers, new_article, newsletter
Published output       outputcheck, rawcites, published (URLs and redirects), schemaorg, imagefix
Links                  links/ (cli, common, internal, external, resolve)
Tooling                check (make check), markdown_lint, records, serve (the static server the
                       browser tests and Lighthouse use), searchqueries + searchbench, bench/
"""
