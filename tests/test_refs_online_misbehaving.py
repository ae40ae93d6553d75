"""The reference checker (python -m fasciasite.references.refs_online) and `make ref` against a
local stand-in for Crossref and E-utilities that misbehaves (tests/misbehaving.py): whatever
one entry's answer does (cut short, reset, not HTTP, bad encodings, empty or malformed
JSON, an empty `message`, an E-utilities error body, 429/5xx after the retries, a trickle
of one byte a second), that entry is "not checked" with a plain reason, the answer is not
cached, and every other entry still gets its result. No test reaches the internet."""
from __future__ import annotations

import time

import pytest
from refs_checks import ARGUISUELAS, QUICK, WITNESS, WITNESS_FINDING, add, check  # noqa: F401 (fixtures)
from test_refs_online import entry

from fasciasite.references import refs_online

MISBEHAVIOURS = [  # (what the server does, what the finding must say)
    ("short-body", "the answer was cut short"),
    ("reset", "connection reset by the server"),
    ("hang-up", "closed the connection without an answer"),
    ("not-http", "not valid HTTP"),
    ("bad-status", "not valid HTTP"),
    ("bad-length", "not valid HTTP"),
    ("two-lengths", "not valid HTTP"),
    ("bad-chunks", "not valid HTTP"),
    ("huge-header", "not valid HTTP"),
    ("control-in-header", "not valid HTTP"),
    ("bad-gzip", "cannot be decoded"),
    ("invalid-utf8", "not valid UTF-8 JSON"),
    ("utf16-json", "an empty dict as its message"),  # UTF-16 JSON is read; its record is empty
    ("empty-200", "the answer is empty"),
    ("html-200", "the answer is an HTML page"),
    ("json-null", "not a JSON object"),
    ("json-list", "not a JSON object"),
    ("status-999", "HTTP 999"),
    ("trickle-body", "no answer within 1 s"),
    ("trickle-head", "no answer within 1 s"),
]


@pytest.mark.parametrize("behaviour, reason", MISBEHAVIOURS, ids=[m[0] for m in MISBEHAVIOURS])
def test_a_misbehaving_answer_is_not_checked_and_the_other_entries_are(check, apis, behaviour, reason):
    apis.script(ARGUISUELAS, [behaviour])
    started = time.monotonic()
    rc, findings, summary = check(entry("arguisuelas2017mfr") + "\n" + WITNESS)
    assert time.monotonic() - started < 4.0  # a whole-request deadline: a trickle is cut at 1 s
    assert rc == 3 and "1 not checked" in summary, findings
    mine = [f for f in findings if "arguisuelas2017mfr" in f]
    assert len(mine) == 1 and "entry 'arguisuelas2017mfr': not checked: " in mine[0] and reason in mine[0], mine
    assert any(WITNESS_FINDING in f for f in findings), findings


CROSSREF_BODIES = [  # (JSON body of a 200 answer, what the finding must say)
    ({"status": "ok", "message-type": "work", "message": ""}, "an empty str as its message"),
    ({"status": "ok", "message-type": "work", "message": {}}, "an empty dict as its message"),
    ({"status": "ok", "message-type": "work", "message": None}, "nothing as its message"),
    ({"status": "ok", "message-type": "work"}, "nothing as its message"),
    ({"status": "failed", "message-type": "validation-failure", "message": [{"message": "bad DOI"}]},
     "status 'failed'"),
    ({"status": "ok", "message-type": "work-list", "message": {"items": []}}, "a work-list record, not a work"),
]


@pytest.mark.parametrize("body, reason", CROSSREF_BODIES, ids=[r for _, r in CROSSREF_BODIES])
def test_an_empty_or_malformed_crossref_record_is_not_checked_never_a_crash(check, apis, body, reason):
    apis.script(ARGUISUELAS, [(200, body)])
    rc, findings, _ = check(entry("arguisuelas2017mfr") + "\n" + WITNESS)
    assert rc == 3 and "entry 'arguisuelas2017mfr': not checked: Crossref answered doi" in findings[0]
    assert reason in findings[0] and any(WITNESS_FINDING in f for f in findings)


def test_an_unforeseen_fault_while_reading_one_record_loses_no_other_result(check, apis, monkeypatch):
    real = refs_online.crossref_work

    def faulty(client, doi):
        if doi.lower().startswith("10.1097/"):
            raise KeyError("date-parts")  # a shape nobody foresaw
        return real(client, doi)

    monkeypatch.setattr(refs_online, "crossref_work", faulty)
    rc, findings, _ = check(entry("arguisuelas2017mfr") + "\n" + WITNESS)
    assert rc == 3 and "entry 'arguisuelas2017mfr': not checked: the answer could not be read (KeyError" in findings[0]
    assert any(WITNESS_FINDING in f for f in findings)


EUTILS_ERRORS = [  # (esummary answer, what the finding must say): never "is not in PubMed"
    ((200, {"error": "API rate limit exceeded", "api-key": "127.0.0.1", "count": "4", "limit": "3"}),
     "answered with an error: API rate limit exceeded"),
    ((200, {"header": {"type": "esummary", "version": "0.3"}, "esummaryresult": ["Database is not supported"]}),
     "answered with an error: Database is not supported"),
    ((200, {"header": {"type": "esummary", "version": "0.3"}, "result": {"uids": []}}),
     "no record for id 23294691"),
    ((200, {"result": {"uids": ["23294691"], "23294691": {"uid": "23294691", "error": "internal backend timeout"}}}),
     "answered id 23294691 with an error: internal backend timeout"),
    ((200, {"result": {"uids": ["23294691"], "23294691": {"uid": "23294691"}}}), "a record without a title"),
    ((429, {"Retry-After": "0"}, 0), "HTTP 429"),
    ((502, {}, 0), "HTTP 502"),
    ("empty-200", "the answer is empty"),
]


@pytest.mark.parametrize("answer, reason", EUTILS_ERRORS, ids=[r for _, r in EUTILS_ERRORS])
def test_an_eutilities_error_answer_is_not_checked_never_not_in_pubmed(check, apis, answer, reason):
    apis.script("/eutils/esummary.fcgi", [answer])
    bib = entry("schleip2013training") + "\n" + WITNESS
    rc, findings, _ = check(bib)
    mine = [f for f in findings if "schleip2013training" in f]
    assert rc == 3 and len(mine) == 1 and "entry 'schleip2013training': not checked: PubMed:" in mine[0], findings
    assert reason in mine[0] and "not in PubMed" not in " ".join(findings)
    assert any(WITNESS_FINDING in f for f in findings)


def test_429_and_503_after_every_retry_are_not_checked(check, apis):
    apis.script(ARGUISUELAS, [(429, {"Retry-After": "0"}, 0), (503, {}, 0)])
    rc, findings, _ = check(entry("arguisuelas2017mfr") + "\n" + WITNESS, config=QUICK.replace("retries = 0", "retries = 1"))
    assert rc == 3 and "entry 'arguisuelas2017mfr': not checked: " in findings[0] and "HTTP 503 (after 2 tries)" in findings[0]
    assert apis.count(ARGUISUELAS) == 2 and any(WITNESS_FINDING in f for f in findings)


def test_add_reference_reports_an_unusable_answer_as_not_checked_exit_3(add, apis):
    apis.script(ARGUISUELAS, [(200, {"status": "ok", "message-type": "work", "message": ""})])
    rc, out, err = add("10.1097/BRS.0000000000001897")
    assert (rc, out) == (3, "") and "add_reference: not checked: Crossref answered doi" in err
    apis.script(ARGUISUELAS, ["short-body"])
    rc, out, err = add("10.1097/BRS.0000000000001897")
    assert (rc, out) == (3, "") and "cut short" in err and "Traceback" not in err


def test_an_unusable_answer_is_never_cached(check, apis):
    apis.script(ARGUISUELAS, [(200, {"status": "ok", "message-type": "work", "message": ""})])
    rc, findings, _ = check(entry("arguisuelas2017mfr"))
    assert rc == 3 and "not checked" in findings[0]
    rc, findings, _ = check(entry("arguisuelas2017mfr"))  # asked again, not read from the cache
    assert (rc, findings) == (0, []) and apis.count(ARGUISUELAS) == 2


def test_an_unforeseen_fault_in_a_pubmed_batch_loses_no_other_result(check, apis, monkeypatch):
    def faulty(client, db, ids):
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(refs_online, "esummaries", faulty)
    rc, findings, _ = check(entry("schleip2013training") + "\n" + WITNESS)
    assert rc == 3 and "entry 'schleip2013training': not checked: PubMed: the answer could not be read (TypeError" in findings[0]
    assert any(WITNESS_FINDING in f for f in findings)
