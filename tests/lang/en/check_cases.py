#!/usr/bin/env python3
"""Sanity checks for tests/lang/en/cases.jsonl: every line parses, fields are valid, coverage of the
16 PLOVER categories (asserted) and of the 7 modalities, and relative dates agree with `published`.
Usage: python3 check_cases.py [cases.jsonl]"""
import datetime as dt, json, re, sys
from collections import Counter
from pathlib import Path

CATS = "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT".split()
MODS = "asserted negated requested promised threatened predicted hypothetical".split()
SECTORS = set("GOV MIL COP SEC JUD LEG OPP PTY REB CVL PRO LAB BUS MED EDU REL ELI NGO IGO CRM REF HLH UAF".split())
QUALS = {"exact", "at_least", "at_most", "about", "range"}
EVKEYS = {"type", "modality", "mode", "type_alt", "source", "target", "place", "date", "dead", "injured", "arrested",
          "size", "qualifier", "dead_qualifier", "injured_qualifier", "arrested_qualifier", "size_qualifier"}
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

def main(path):
    errs, ids = [], set()
    cat, mod, cases = Counter(), Counter(), []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        try:
            c = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"line {n}: {e}"); continue
        cases.append(c)
        where = f"line {n} ({c.get('id')})"
        if set(c) != {"id", "text", "published", "events", "note"}: errs.append(f"{where}: keys {sorted(c)}")
        if c.get("id") in ids: errs.append(f"{where}: duplicate id")
        ids.add(c.get("id"))
        pub = dt.date.fromisoformat(c["published"])
        for e in c["events"]:
            if set(e) - EVKEYS: errs.append(f"{where}: unknown keys {set(e) - EVKEYS}")
            if e["type"] not in CATS: errs.append(f"{where}: type {e['type']}")
            for t in e.get("type_alt", []):
                if t not in CATS: errs.append(f"{where}: type_alt {t}")
            if e["modality"] not in MODS: errs.append(f"{where}: modality {e['modality']}")
            for r in ("source", "target"):
                if r in e:
                    if not set(e[r].get("sector", [])) <= SECTORS: errs.append(f"{where}: sector {e[r]}")
                    if "country" in e[r] and not re.fullmatch(r"[A-Z]{2,4}", e[r]["country"]): errs.append(f"{where}: country {e[r]}")
            if "place" in e and not {"name", "country"} <= set(e["place"]): errs.append(f"{where}: place {e['place']}")
            if "date" in e and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", e["date"]): errs.append(f"{where}: date {e['date']}")
            for k in ("dead", "injured", "arrested", "size"):
                if k in e and not isinstance(e[k], int): errs.append(f"{where}: {k} not int")
            for k in [k for k in e if k.endswith("qualifier")]:
                if e[k] not in QUALS: errs.append(f"{where}: {k}={e[k]}")
            if "qualifier" in e and sum(k in e for k in ("dead", "injured", "arrested", "size")) != 1:
                errs.append(f"{where}: bare 'qualifier' needs exactly one count")
            # relative dates
            text = c["text"].lower()
            if "date" in e and len(e["date"]) == 10:
                d = dt.date.fromisoformat(e["date"])
                m = re.search(r"\b(?:on|late on|until noon on) (" + "|".join(DAYS) + r")\b|\b(" + "|".join(DAYS) + r")'s\b", text)
                if m:
                    wd = DAYS.index(m.group(1) or m.group(2))
                    if d.weekday() != wd or abs((d - pub).days) > 7:
                        errs.append(f"{where}: {e['date']} is not the {DAYS[wd]} nearest {pub}")
                    fut = e["modality"] in ("predicted", "promised")
                    if fut != (d > pub): errs.append(f"{where}: {e['date']} vs published {pub}, modality {e['modality']}")
                if "yesterday" in text and d != pub - dt.timedelta(days=1): errs.append(f"{where}: yesterday")
            if "date" in e and len(e["date"]) == 7 and ("last week" in text or "next week" in text or "this week" in text):
                start = pub - dt.timedelta(days=pub.weekday())
                wk = start + dt.timedelta(days={"last week": -7, "this week": 0, "next week": 7}[
                    next(w for w in ("last week", "this week", "next week") if w in text)])
                if {wk.strftime("%Y-%m"), (wk + dt.timedelta(days=6)).strftime("%Y-%m")} != {e["date"]}:
                    errs.append(f"{where}: week {wk} not inside {e['date']}")
            if e["modality"] == "asserted": cat[e["type"]] += 1
            mod[e["modality"]] += 1
    empty = sum(1 for c in cases if not c["events"])
    print(f"{len(cases)} cases, {sum(len(c['events']) for c in cases)} expected events, {empty} no-event cases\n")
    print(f"{'category':<10} asserted  (all modalities)")
    allcat = Counter(e["type"] for c in cases for e in c["events"])
    for k in CATS: print(f"{k:<10} {cat[k]:>8}  ({allcat[k]})")
    print(f"\n{'modality':<13} events")
    for k in MODS: print(f"{k:<13} {mod[k]:>6}")
    if len(cases) < 70: errs.append("fewer than 70 cases")
    errs += [f"category {k} asserted only {cat[k]} times" for k in CATS if cat[k] < 3]
    errs += [f"modality {k} only {mod[k]} times" for k in MODS if mod[k] < 3]
    print("\n" + ("\n".join("ERROR " + e for e in errs) if errs else "OK: all checks pass"))
    return 1 if errs else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("cases.jsonl")))
