"""Issue 14, part 4: how fast. Days from reply to publication for every reply; days from the session
(sessions vocabulary, with its source) to the reply; the 答复时效 page per agency (median, slowest)
as chart and table; the answer periods as data with their rule, marked unverified."""

from __future__ import annotations

import csv
import json

from conftest import copy_inputs

from build_scripts import records, speed
from build_scripts.paths import Paths


def _rows(paths: Paths, name: str) -> list[dict[str, str]]:
    with open(paths.site / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_days_for_seed_001(built: Paths) -> None:
    rows = {r["id"]: r for r in _rows(built, "replies")}
    seed = rows["530000-2021-tian-0079"]  # signed 2021-05-28, published 2021-06-04; the session opened 2021-01-25
    assert (seed["days_to_publication"], seed["session_id"], seed["days_from_session"]) == ("7", "yunnan-cppcc-12-4", "123")
    xishan = rows["530112-2020-yian-001"]  # its session's dates are not in the vocabulary
    assert xishan["session_id"] == "" and xishan["days_from_session"] == ""
    sessions = {r["id"]: r for r in _rows(built, "sessions")}
    assert sessions["yunnan-cppcc-12-4"]["start_date"] == "2021-01-25" and sessions["yunnan-cppcc-12-4"]["source"]
    periods = _rows(built, "answer_periods")
    assert periods and all(p["rule"] and p["verified"] == "unverified" for p in periods)
    package = json.loads((built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    replies = next(r for r in package["resources"] if r["name"] == "replies")
    assert {"fields": ["session_id"], "reference": {"resource": "sessions", "fields": ["id"]}} in replies["schema"]["foreignKeys"]


def test_summary() -> None:
    assert speed.summary([7, 30, 2, 11]) == (4, 9.0, 30)
    assert speed.summary([]) is None
    assert speed.days({"reply_date": "2021-05-28", "published_date": None}, None) == {
        "days_to_publication": None, "session_id": None, "days_from_session": None}


def test_speed_page(built: Paths) -> None:
    html = (built.site / "speed" / "index.html").read_text(encoding="utf-8")
    session = html.split('id="session"')[1].split('id="publication"')[0]
    assert "<svg" in session and "云南省民政厅" in session and ">123<" in session
    publication = html.split('id="publication"')[1].split('id="rules"')[0]
    assert "<svg" in publication and "昆明市官渡区民政局" in publication  # seed 102114: 16 days
    rules = html.split('id="rules"')[1]
    assert "待核实" in rules and "代表法" in rules
    assert 'href="../speed/"' in (built.site / "stats" / "index.html").read_text(encoding="utf-8")  # in the navigation


def test_a_session_no_record_uses_is_a_warning(scratch: Paths) -> None:
    path = scratch.vocab / "sessions.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "- id: kunming-cppcc-14-2\n  assembly: 政协昆明市委员会\n  term: 14\n  session_no: 2\n"
        "  start_date: '2023-01-01'\n  end_date: null\n  source: 测试\n  verified: unverified\n"), encoding="utf-8")
    found = [p for p in records.load(scratch).report.problems if p.code == "unused-vocab" and "sessions" in p.file]
    assert [(p.field, p.severity) for p in found] == [("[1].id", "warning")]


def test_a_bad_session_date_is_an_error(tmp_path: object) -> None:
    paths = copy_inputs(tmp_path / "repo")  # type: ignore[operator]
    path = paths.vocab / "sessions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("'2021-01-25'", "'2021-02-30'"), encoding="utf-8")
    found = [p for p in records.load(paths).report.problems if p.file.endswith("sessions.yaml")]
    assert found and found[0].severity == "error" and "start_date" in found[0].field
