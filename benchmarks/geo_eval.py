#!/usr/bin/env python3
"""Measure Tocsin's place recognition and resolution on the geoparsing gold sets in ../shared/data/geo/.

usage: geo_eval.py [--tocsin PATH] [--model FILE | --data DIR] [--shared DIR] [--corpus tr|gwn|both]
                   [--limit N] [--json FILE] [--pairs N] [--keep DIR]

Corpora (see ../shared/data/geo/README.md):
  TR-News.xml         118 articles, 1,319 toponyms, each with a GeoNames gaztag (id, feature code, lat/lon).
  GeoWebNews_GWN.xml  200 articles, 6,612 annotations of which only the toponym types count (see GWN_TYPES);
                      coordinates where the annotators found them, GeoNames id where set.

The articles are written as Tocsin input JSON Lines (FORMAT.md), coded with
`tocsin code INPUT --docs DOCS -o /dev/null`, and the `places` of each document record are compared with the
gold toponyms. Place spans are UTF-8 byte offsets into the document record's `text` (the coded text, which may
differ from the input: NFC, whitespace tidied, boilerplate removed); gold spans are character offsets into the
article text. Both are brought to input character offsets: bytes -> characters of the coded text, then coded
text -> input text through difflib.SequenceMatcher opcodes (identity when the texts are equal).

Measures, per corpus:
  recall     gold toponyms overlapped by a system place span
  precision  system places overlapping a gold toponym (GWN annotates more kinds of toponyms than TR-News)
  exact      matched toponyms with gold coordinates whose system GeoNames id equals the gold id
  within161  ... resolved within 161 km (haversine; an exact id counts as within)
  resolved   exact or within 161 km (the same as within161 by construction; kept as the headline name)
  median_km  median error over matched toponyms where both sides have coordinates (exact id = 0 km)
Gold toponyms without coordinates count for recall only. A matched system place with neither a GeoNames id nor
coordinates (e.g. a country Tocsin knows only by its code) is counted as not resolved ("unscorable").
Auxiliary, TR-News only: country_ok = matched toponyms whose system country (ISO3) equals the gold country.

Gold data quirks handled here (reported on stdout under "gold notes"):
  * TR-News: 117 toponyms in 18 articles have start/end offsets that drift 1-10 characters past the phrase (the
    distributed text lost some characters the annotators counted). They are re-anchored on the nearest occurrence
    of the phrase, keeping the drift of the article monotone; any that cannot be re-anchored are dropped.
  * GWN: 5 annotations have negative offsets; they are dropped.

Exit status: 0 (also when the gold data is absent: prints "SKIP: ... not found"); 2 when tocsin cannot run.
"""
import argparse
import collections
import difflib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TR_FILE = "TR-News.xml"
GWN_FILE = "GeoWebNews_GWN.xml"
KM = 161.0  # 100 miles, the usual "accuracy@161km"

# GeoWebNews annotation types (Gritta et al. 2019). Toponyms: literal (Literal, Mixed, Coercion, Embedded_Literal,
# Literal_Modifier) and associative (Metonymic, Non_Literal_Modifier, Embedded_Non_Lit, Demonym). Not counted:
# location-like common nouns (Literal_Expression "the city", Non_Lit_Expression "residents"), Non_Toponym
# ("Louisiana Purchase"), Homonym (a house model called "Jamison", "The Irish" as a team) and Language ("English").
GWN_TYPES = {"Literal", "Mixed", "Coercion", "Embedded_Literal", "Literal_Modifier",
             "Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit", "Demonym"}

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

COUNTRY_ALIASES = {"macao": "MAC", "macau": "MAC", "bonaire": "BES", "hong kong": "HKG", "taiwan": "TWN",
                   "russian federation": "RUS", "czechia": "CZE", "ivory coast": "CIV", "myanmar": "MMR",
                   "burma": "MMR", "vatican": "VAT", "palestinian territory": "PSE", "congo": "COG",
                   "democratic republic of the congo": "COD", "south korea": "KOR", "north korea": "PRK"}


# ---------------------------------------------------------------------------------------------- gold data
class Toponym:
    __slots__ = ("start", "end", "phrase", "gid", "name", "country", "fcode", "lat", "lon", "kind")

    def __init__(self, start, end, phrase, gid=None, name=None, country=None, fcode=None, lat=None, lon=None,
                 kind=None):
        self.start, self.end, self.phrase = start, end, phrase
        self.gid, self.name, self.country, self.fcode = gid, name, country, fcode
        self.lat, self.lon, self.kind = lat, lon, kind

    @property
    def has_coords(self):
        return self.lat is not None and self.lon is not None


class Article:
    def __init__(self, doc_id, text, title=None, published=None, url=None):
        self.id, self.text, self.title, self.published, self.url = doc_id, text, title, published, url
        self.toponyms = []


def parse_date(s):
    """YYYY-MM-DD from the many date styles of TR-News <dltime>, or None."""
    if not s:
        return None
    m = re.search(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", s)
    if m:
        return m.group(0)
    m = re.search(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b", s)  # US style M/D/YYYY
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    toks = re.findall(r"[A-Za-z]+|\d+", s)
    year = next((t for t in toks if re.fullmatch(r"(19|20)\d\d", t)), None)
    names = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "sept"}
    mi = next((i for i, t in enumerate(toks)
               if t.isalpha() and (t.lower() in names or (len(t) == 3 and t.lower() in MONTHS))), None)
    if year is None or mi is None:
        return None

    def day_at(i):
        if 0 <= i < len(toks) and toks[i].isdigit() and toks[i] != year and 1 <= int(toks[i]) <= 31:
            # not a clock time: "9:55 AM" leaves "9" followed by "55"
            return int(toks[i])
        return None

    day = day_at(mi + 1)
    if day is None:
        day = day_at(mi - 1)
    if day is None:
        return None
    return f"{year}-{MONTHS[toks[mi][:3].lower()]:02d}-{day:02d}"


def url_date(url):
    m = re.search(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/", url or "")
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def reanchor(article, notes):
    """Fix gold spans whose text is not the phrase: nearest occurrence, keeping the article's drift monotone."""
    text = article.text
    kept, drift = [], 0
    for t in sorted(article.toponyms, key=lambda t: t.start):
        if 0 <= t.start < t.end <= len(text) and text[t.start:t.end] == t.phrase:
            kept.append(t)
            continue
        if t.start < 0 or not t.phrase:
            notes["dropped (bad offsets)"] += 1
            continue
        lo, hi = max(0, t.start - 60), min(len(text), t.end + 60)
        occ = [m.start() for m in re.finditer(re.escape(t.phrase), text[lo:hi])]
        occ = [lo + o for o in occ]
        if not occ:
            notes["dropped (phrase not near its offsets)"] += 1
            continue
        best = min(occ, key=lambda o: (abs((o - t.start) - drift), abs(o - t.start)))
        drift = best - t.start
        t.start, t.end = best, best + len(t.phrase)
        notes["re-anchored (offsets drifted)"] += 1
        kept.append(t)
    article.toponyms = kept


def load_trnews(path, notes):
    root = ET.parse(path).getroot()
    out = []
    for a in root.iter("article"):
        text = a.findtext("text") or ""
        art = Article("tr-" + (a.get("docid") or str(len(out))), text, (a.findtext("title") or "").strip(),
                      parse_date((a.findtext("dltime") or "").strip()), (a.findtext("url") or "").strip())
        for tp in a.iter("toponym"):
            t = Toponym(int(tp.findtext("start")), int(tp.findtext("end")), tp.findtext("phrase") or "")
            gz = tp.find("gaztag")
            if gz is not None:
                gid = gz.get("geonameid")
                t.gid = int(gid) if gid and gid.strip().isdigit() else None
                t.name = gz.findtext("name")
                t.fcode = gz.findtext("fcode")
                t.country = gz.findtext("country")
                t.lat, t.lon = fnum(gz.findtext("lat")), fnum(gz.findtext("lon"))
            else:
                notes["toponyms without gaztag (recall only)"] += 1
            art.toponyms.append(t)
        reanchor(art, notes)
        out.append(art)
    return out


def load_gwn(path, notes):
    root = ET.parse(path).getroot()
    out = []
    for a in root.iter("article"):
        text = a.findtext("text") or ""
        link = (a.findtext("link") or "").strip()
        art = Article("gwn-" + (a.get("file") or str(len(out))), text, (a.findtext("title") or "").strip(),
                      url_date(link), link)
        art.others = []  # annotations that are not toponyms (for the notes only)
        for tp in a.iter("toponym"):
            kind = tp.findtext("type") or ""
            t = Toponym(int(tp.findtext("start")), int(tp.findtext("end")), tp.findtext("extractedName") or "",
                        kind=kind)
            if kind not in GWN_TYPES:
                notes[f"annotations not counted as toponyms ({kind})"] += 1
                continue
            gid = (tp.findtext("geonamesID") or "").strip()
            t.gid = int(gid) if gid.isdigit() else None
            t.name = (tp.findtext("normalisedName") or "").strip() or t.phrase
            t.lat, t.lon = fnum(tp.findtext("latitude")), fnum(tp.findtext("longitude"))
            if not t.has_coords:
                notes["toponyms without coordinates (recall only)"] += 1
            art.toponyms.append(t)
        reanchor(art, notes)
        out.append(art)
    return out


# ---------------------------------------------------------------------------------------------- alignment
def byte_to_char_map(text):
    """m[b] = character index of byte offset b (for every b in 0..len(bytes)); mid-character bytes round down."""
    m = []
    for i, ch in enumerate(text):
        m.extend([i] * len(ch.encode("utf-8")))
    m.append(len(text))
    return m


def coded_to_input_map(coded, source):
    """m[i] = offset in `source` of character i of `coded` (i in 0..len(coded))."""
    if coded == source:
        return list(range(len(coded) + 1)), True
    m = [0] * (len(coded) + 1)
    sm = difflib.SequenceMatcher(None, coded, source, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(i2 - i1):
            if op == "equal":
                m[i1 + k] = j1 + k
            else:  # replace/delete: spread over the replaced stretch of the source
                m[i1 + k] = j1 + (k * (j2 - j1)) // max(1, i2 - i1)
    m[len(coded)] = len(source)
    return m, False


class SysPlace:
    __slots__ = ("start", "end", "text", "name", "country", "lat", "lon", "gid", "precision")


def system_places(doc, source):
    coded = doc.get("text") or ""
    b2c = byte_to_char_map(coded)
    c2i, identical = coded_to_input_map(coded, source)
    nbytes = len(b2c) - 1
    out, seen = [], set()
    for p in doc.get("places") or []:
        span = p.get("span") or [0, 0]
        b, e = max(0, min(int(span[0]), nbytes)), max(0, min(int(span[1]), nbytes))
        if e <= b:
            continue
        cb, ce = b2c[b], b2c[e - 1] + 1
        s, t = c2i[cb], c2i[ce - 1] + 1
        if (s, t) in seen:
            continue
        seen.add((s, t))
        sp = SysPlace()
        sp.start, sp.end, sp.text = s, t, p.get("text")
        sp.name, sp.country = p.get("name"), p.get("country")
        sp.lat, sp.lon = fnum(p.get("lat")), fnum(p.get("lon"))
        g = p.get("geonames")
        sp.gid = int(g) if isinstance(g, (int, float)) and g else None
        sp.precision = p.get("precision")
        out.append(sp)
    return out, identical


# ---------------------------------------------------------------------------------------------- scoring
def haversine(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def fclass(t):
    c = t.fcode
    if t.gid is None and not t.has_coords:
        return "(no gaztag)"
    if not c:
        return "other"
    if c.startswith("PCL"):
        return "PCLI/country"
    if c in ("ADM1", "ADM2", "CONT"):
        return c
    if c.startswith("PPL"):
        return "PPL*"
    return "other"


def load_countries():
    out = dict(COUNTRY_ALIASES)
    path = os.path.join(REPO, "data", "world", "countries.tsv")
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 3:
                    out.setdefault(cols[2].strip().lower(), cols[0].strip())
    except OSError:
        pass
    return out


def ratio(a, b):
    return round(a / b, 4) if b else None


def score(name, articles, docs, countries, pairs=0):
    r = {"articles": len(articles), "gold": 0, "found": 0, "system": 0, "system_correct": 0, "gold_with_coords": 0,
         "scored": 0, "exact_n": 0, "within161_n": 0, "unscorable": 0, "country_ok_n": 0, "country_n": 0,
         "docs_missing": 0, "texts_differ": 0}
    dists = []
    by_class = collections.defaultdict(lambda: [0, 0, 0, 0])  # gold, found, scored, within
    by_type = collections.defaultdict(lambda: [0, 0, 0, 0])
    misses = collections.Counter()
    false_pos = collections.Counter()
    wrong = collections.defaultdict(list)
    shown = []
    for art in articles:
        doc = docs.get(art.id)
        if doc is None:
            r["docs_missing"] += 1
            sys_places = []
        else:
            sys_places, identical = system_places(doc, art.text)
            if not identical:
                r["texts_differ"] += 1
        r["system"] += len(sys_places)
        for sp in sys_places:
            if any(overlap(sp.start, sp.end, t.start, t.end) for t in art.toponyms):
                r["system_correct"] += 1
            else:
                false_pos[(sp.text, f"{sp.name} ({sp.country})")] += 1
        for t in art.toponyms:
            r["gold"] += 1
            cls = fclass(t) if name == "TR-News" else (t.kind or "?")
            bucket = by_class[cls] if name == "TR-News" else by_type[cls]
            bucket[0] += 1
            best = max(sys_places, key=lambda sp: overlap(sp.start, sp.end, t.start, t.end), default=None)
            if best is None or overlap(best.start, best.end, t.start, t.end) == 0:
                gname = t.name or ""
                misses[(t.phrase, gname + (f" ({t.country})" if t.country else ""))] += 1
                continue
            r["found"] += 1
            bucket[1] += 1
            if len(shown) < pairs:
                shown.append((art.id, t.phrase, art.text[best.start:best.end], best.text, best.name))
            if not t.has_coords and t.gid is None:
                continue
            r["gold_with_coords"] += 1
            if t.country and name == "TR-News":
                iso = countries.get(t.country.lower())
                if iso:
                    r["country_n"] += 1
                    r["country_ok_n"] += int(best.country == iso)
            exact = t.gid is not None and best.gid is not None and t.gid == best.gid
            km = None
            if exact:
                km = 0.0
            elif t.has_coords and best.lat is not None and best.lon is not None:
                km = haversine(t.lat, t.lon, best.lat, best.lon)
            if km is not None:
                dists.append(km)
            elif best.gid is None and best.lat is None:
                r["unscorable"] += 1
            r["scored"] += 1
            bucket[2] += 1
            within = exact or (km is not None and km <= KM)
            r["exact_n"] += int(exact)
            r["within161_n"] += int(within)
            bucket[3] += int(within)
            if not within:
                key = (t.phrase, (t.name or "") + (f" ({t.country})" if t.country else ""),
                       f"{best.name} ({best.country})")
                wrong[key].append(km)
    r["recall"] = ratio(r["found"], r["gold"])
    r["precision"] = ratio(r["system_correct"], r["system"])
    r["exact"] = ratio(r["exact_n"], r["scored"])
    r["within161"] = ratio(r["within161_n"], r["scored"])
    r["resolved"] = r["within161"]
    # resolved right among the found toponyms the system gave an id or coordinates to (unscorable left out)
    r["within161_scorable"] = ratio(r["within161_n"], r["scored"] - r["unscorable"])
    r["median_km"] = round(statistics.median(dists), 1) if dists else None
    r["country_ok"] = ratio(r["country_ok_n"], r["country_n"])
    if by_class:
        r["by_class"] = {k: {"gold": v[0], "found": v[1], "recall": ratio(v[1], v[0]), "scored": v[2],
                             "within161": ratio(v[3], v[2])} for k, v in sorted(by_class.items())}
    if by_type:
        r["by_type"] = {k: {"gold": v[0], "found": v[1], "recall": ratio(v[1], v[0]), "scored": v[2],
                            "within161": ratio(v[3], v[2])} for k, v in sorted(by_type.items())}
    r["top_misses"] = [{"phrase": p, "gold": g, "count": n} for (p, g), n in misses.most_common(20)]
    r["top_false_positives"] = [{"text": t, "system": n, "count": c} for (t, n), c in false_pos.most_common(20)]
    wl = sorted(wrong.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:20]
    r["top_wrong"] = [{"phrase": p, "gold": g, "system": s, "count": len(v),
                       "km": (round(statistics.median([x for x in v if x is not None]))
                              if any(x is not None for x in v) else None)} for (p, g, s), v in wl]
    return r, shown


# ---------------------------------------------------------------------------------------------- running tocsin
def write_input(articles, path):
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            rec = {"id": a.id, "text": a.text, "lang": "en"}
            if a.published:
                rec["published"] = a.published
            if a.title:
                rec["title"] = a.title
            if a.url:
                rec["url"] = a.url
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def run_tocsin(args, inp, docs_path):
    cmd = [args.tocsin, "code", inp, "--docs", docs_path, "-o", os.devnull, "--progress", "never"]
    if args.model:
        cmd += ["--model", args.model]
    if args.data:
        cmd += ["--data", args.data]
    if args.threads:
        cmd += ["-j", str(args.threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"geo_eval: `{' '.join(cmd)}` did not finish within {args.timeout} s")
    if proc.returncode not in (0, 1) or not os.path.isfile(docs_path):
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-3000:])
        print(f"geo_eval: `{' '.join(cmd)}` failed with exit status {proc.returncode}", file=sys.stderr)
        sys.exit(2)
    docs = {}
    with open(docs_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs[d.get("id")] = d
    return docs


# ---------------------------------------------------------------------------------------------- report
def pct(x):
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def print_report(results, notes):
    print()
    hdr = f"{'corpus':<12} {'arts':>5} {'gold':>6} {'found':>6} {'recall':>7} {'sys':>6} {'prec':>7} " \
          f"{'scored':>6} {'exact':>7} {'<=161km':>7} {'median':>8} {'unscor':>6} {'ctry_ok':>7}"
    print(hdr)
    print("-" * len(hdr))
    for name, r in results.items():
        med = "-" if r["median_km"] is None else f"{r['median_km']:.0f} km"
        print(f"{name:<12} {r['articles']:>5} {r['gold']:>6} {r['found']:>6} {pct(r['recall']):>7} {r['system']:>6} "
              f"{pct(r['precision']):>7} {r['scored']:>6} {pct(r['exact']):>7} {pct(r['within161']):>7} "
              f"{med:>8} {r['unscorable']:>6} {pct(r['country_ok']):>7}")
    for name, r in results.items():
        print(f"  {name}: resolved right among found places the system gave an id or coordinates: "
              f"{pct(r['within161_scorable']).strip()} of {r['scored'] - r['unscorable']}; "
              f"input texts changed by coding: {r['texts_differ']} of {r['articles']}"
              + (f"; NO DOCUMENT RECORD for {r['docs_missing']}" if r["docs_missing"] else ""))
    print("  recall/prec: span overlap; scored = found toponyms with gold coordinates; exact = same GeoNames id;\n"
          "  <=161km = resolved right (exact or within 161 km); unscor = scored but the system place has neither\n"
          "  GeoNames id nor coordinates; ctry_ok = system country equals gold country (TR-News only)")
    for name, r in results.items():
        for key, label in (("by_class", "gold feature class"), ("by_type", "GWN toponym type")):
            if key not in r:
                continue
            print(f"\n{name} by {label}:")
            print(f"  {'class':<22} {'gold':>5} {'found':>5} {'recall':>7} {'scored':>6} {'<=161km':>7}")
            for k, v in r[key].items():
                print(f"  {k:<22} {v['gold']:>5} {v['found']:>5} {pct(v['recall']):>7} {v['scored']:>6} "
                      f"{pct(v['within161']):>7}")
        print(f"\n{name}: 20 most frequent misses (phrase -> gold):")
        for m in r["top_misses"]:
            print(f"  {m['count']:>4}  {m['phrase']!r:<28} {m['gold']}")
        print(f"\n{name}: 20 most frequent wrong resolutions (phrase: gold vs system, median km):")
        for w in r["top_wrong"]:
            km = "no coords" if w["km"] is None else f"{w['km']} km"
            print(f"  {w['count']:>4}  {w['phrase']!r:<24} gold {w['gold']:<32} system {w['system']:<32} {km}")
        print(f"\n{name}: 20 most frequent system places overlapping no gold toponym:")
        for fp in r["top_false_positives"]:
            print(f"  {fp['count']:>4}  {fp['text']!r:<28} {fp['system']}")
    if notes:
        print("\ngold notes:")
        for name, n in notes.items():
            for k, v in sorted(n.items()):
                print(f"  {name}: {k}: {v}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tocsin", default=os.path.join(REPO, "build", "tocsin"), help="tocsin binary")
    ap.add_argument("--model", help="model file passed to tocsin code --model")
    ap.add_argument("--data", help="data/ directory passed to tocsin code --data")
    ap.add_argument("--shared", default=os.path.normpath(os.path.join(REPO, "..", "shared")),
                    help="the shared directory (default: ../shared beside the repo)")
    ap.add_argument("--corpus", choices=["tr", "gwn", "both"], default="both")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles of each corpus")
    ap.add_argument("--json", help="write the figures here as JSON")
    ap.add_argument("--pairs", type=int, default=0, help="print N matched (gold, system) pairs per corpus")
    ap.add_argument("--keep", help="keep the input and document JSONL files in this directory")
    ap.add_argument("-j", "--threads", type=int, default=0, help="tocsin worker threads")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds allowed per tocsin run")
    args = ap.parse_args()

    geo = os.path.join(args.shared, "data", "geo")
    if not os.path.isdir(args.shared):
        print(f"SKIP: shared directory {args.shared} not found")
        return 0
    wanted = [("TR-News", TR_FILE, load_trnews, "tr"), ("GeoWebNews", GWN_FILE, load_gwn, "gwn")]
    wanted = [w for w in wanted if args.corpus in (w[3], "both")]
    missing = [os.path.join(geo, w[1]) for w in wanted if not os.path.isfile(os.path.join(geo, w[1]))]
    if missing:
        print(f"SKIP: {', '.join(missing)} not found")
        return 0
    if not (os.path.isfile(args.tocsin) and os.access(args.tocsin, os.X_OK)):
        print(f"geo_eval: tocsin binary {args.tocsin} not found or not executable (--tocsin)", file=sys.stderr)
        return 2

    countries = load_countries()
    results, all_notes = {}, {}
    with tempfile.TemporaryDirectory(prefix="tocsin_geo_") as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        for name, fname, loader, short in wanted:
            notes = collections.Counter()
            articles = loader(os.path.join(geo, fname), notes)
            if args.limit:
                articles = articles[:args.limit]
            inp = os.path.join(work, f"{short}-input.jsonl")
            docs_path = os.path.join(work, f"{short}-docs.jsonl")
            write_input(articles, inp)
            docs = run_tocsin(args, inp, docs_path)
            r, shown = score(name, articles, docs, countries, args.pairs)
            results[name] = r
            all_notes[name] = notes
            if shown:
                print(f"{name}: matched pairs (doc, gold phrase, input text at system span, system text, name):")
                for s in shown:
                    print("  " + " | ".join(repr(x) for x in s))
    print_report(results, all_notes)
    if args.json:
        out = {k: {kk: vv for kk, vv in v.items()} for k, v in results.items()}
        for k in out:
            out[k]["gold_notes"] = dict(all_notes.get(k, {}))
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
