"""The site's logic as one importable package.

MkDocs hooks in overrides/hooks/ and the commands in scripts/ are thin adapters to the
modules here; nothing loads a file by path or edits sys.path.

Modules so far:
  bib       the one reader of references.bib and of [@key] citations (check_bib)
  urgent    the urgent-help tiers (includes/urgent-help.yml): rendering and the lint
            that stops a page re-tiering a red-flag symptom
  numbers   every number in a cited sentence must appear in its sources' findings
"""
