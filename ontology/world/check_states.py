#!/usr/bin/env python3
"""Cross-check the Wikidata ids of ontology/world/states.tsv against public copies.

Standard library only. Give it local copies of the source files (they are third-party files and
are not committed here; ontology/world/README.md says where each one comes from and at which
commit), for example:

    python3 ontology/world/check_states.py \
        --owid CountriesRegions.ts --entitree countries.ts --conzept countries.js \
        --capitals capitales.js --ckg ontology/ENTITIES-SOURCES.md \
        --states ontology/world/states.tsv

Every source is optional; with fewer sources fewer ids can be confirmed. The rule is the one the
data follows: a state's QID (or its capital's QID) is *confirmed* when at least two independent
sources give the same id for it and no two sources agree on a different one. The report lists,
per ISO 3166-1 alpha-2 code, what each source says and whether it is confirmed, disagreed on or
single-sourced; with --states it also checks that every id in the TSV is confirmed and that its
`source` column names sources that agree. --emit prints the confirmed ids as TSV
(iso2, qid, qid_sources, capital_qid, capital_sources) so the columns can be regenerated.

Exit status: 0 when --states is given and every id in it is confirmed (or when --states is not
given), 1 otherwise.
"""

# ruff: noqa: T201  (a command-line report: print is its output)
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

QID = re.compile(r"^Q[1-9][0-9]*$")

# --------------------------------------------------------------------------------------------
# readers: each returns {iso2: {qid, ...}} for states and, where the source has capitals,
# {iso2: [(capital_qid, capital_name), ...]}
# --------------------------------------------------------------------------------------------


def read_owid(path: Path) -> dict[str, set[str]]:
    """owid/owid-grapher .../mapCharts/CountriesRegions.ts: a CSV in a template literal."""
    text = path.read_text(encoding="utf-8")
    start = text.index("`") + 1
    end = text.rindex("`")
    out: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(io.StringIO(text[start:end])):
        iso2 = (row.get("iso_alpha2") or "").strip().upper()
        uri = (row.get("wikidata_uri") or "").strip()
        if iso2 and uri:
            qid = uri.rsplit("/", 1)[-1]
            if QID.match(qid):
                out[iso2].add(qid)
    return out


def read_entitree(path: Path) -> dict[str, set[str]]:
    """codeledge/entitree src/constants/countries.ts, either of its two layouts:
    `{ item: "http://www.wikidata.org/entity/Q16", name: "Canada", code: "CA" }` (older) or
    `Q16: { name: "Canada", code: "CA", ... }` (newer)."""
    text = path.read_text(encoding="utf-8")
    out: dict[str, set[str]] = defaultdict(set)
    older = re.compile(r'item:\s*"http://www\.wikidata\.org/entity/(Q\d+)"[^}]*?code:\s*"([A-Za-z]{2})"', re.S)
    newer = re.compile(r'\b(Q\d+):\s*\{[^}]*?code:\s*"([A-Za-z]{2})"', re.S)
    for pattern in (older, newer):
        for qid, iso2 in pattern.findall(text):
            out[iso2.upper()].add(qid)
    return out


def _js_objects(text: str) -> list[str]:
    """The bodies of the flat `{ ... }` objects of a JS literal (no nesting in these files);
    // comments are dropped first."""
    text = re.sub(r"//[^\n]*", "", text)
    return re.findall(r"\{([^{}]*)\}", text)


def _field(body: str, name: str) -> str | None:
    m = re.search(rf'"{re.escape(name)}"\s*:\s*(?:"([^"]*)"|null)', body)
    return None if m is None else m.group(1)


def read_conzept(path: Path) -> tuple[dict[str, set[str]], dict[str, list[tuple[str, str]]]]:
    """waldenn/conzept app/explore2/src/data/countries.js: `"Q30": { "iso2": "US", ...,
    "capital": "Q61", "capitalName": "..." }`. Entries are taken as they are: a misspelt key
    ("capal") means no capital, a non-QID capital ("8808") is dropped."""
    text = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
    states: dict[str, set[str]] = defaultdict(set)
    capitals: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for qid, body in re.findall(r'"(Q\d+)"\s*:\s*\{([^{}]*)\}', text):
        iso2 = (_field(body, "iso2") or "").upper()
        if not iso2:
            continue
        states[iso2].add(qid)
        cap = _field(body, "capital") or ""
        if QID.match(cap):
            capitals[iso2].append((cap, _field(body, "capitalName") or ""))
    return states, capitals


def read_capitals(path: Path) -> list[tuple[str, str, str, str]]:
    """The capitals list read with read_file id 56639068600: objects with pais_codigo, pais,
    capital, wikidata. Returns (pais_codigo, pais, capital, wikidata) tuples, codes unchecked."""
    rows = []
    for body in _js_objects(path.read_text(encoding="utf-8")):
        qid = _field(body, "wikidata") or ""
        if QID.match(qid):
            rows.append(((_field(body, "pais_codigo") or "").upper(), _field(body, "pais") or "",
                         _field(body, "capital") or "", qid))
    return rows


def read_ckg(path: Path) -> dict[str, str]:
    """ontology/ENTITIES-SOURCES.md: the `Name Q123` pairs it lists -> {normalised name: qid}."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for name, qid in re.findall(r"([A-Z][A-Za-zÀ-ÿ.' -]*?)\s+(Q\d+)\b", text):
        out[norm(name)] = qid
    return out


def read_wikirepo(path: Path) -> dict[str, str]:
    """andrewtavis/wikirepo src/wikirepo/data/lctn_utils.py: the `"Name": "Q123"` pairs of its
    lctn_to_qid_dict -> {normalised name: qid}."""
    text = path.read_text(encoding="utf-8")
    start = text.index("def lctn_to_qid_dict")
    body = text[start:text.index("def qid_to_lctn_dict", start)]
    return {norm(name): qid for name, qid in re.findall(r'"([^"]+)":\s*"(Q\d+)"', body)}


def read_supraverden(path: Path) -> list[tuple[str, str]]:
    """confirmordeny/supraverden dist/ALL_BODIES.md: table rows `| Name | [Q123](...) | ...`
    -> [(name, qid)]."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*([^|]+?)\s*\|\s*\[(Q\d+)\]", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def read_extra(path: Path) -> list[dict[str, str]]:
    """ontology/world/extra-sources.tsv: kind, key, qid, source, evidence -- single facts found
    with find_string/read_file in files that are not whole lists (see README)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if not r["kind"].startswith("#")]
    for r in rows:
        if not QID.match(r["qid"]):
            raise SystemExit(f"{path}: bad qid {r['qid']!r} in {r}")
    return rows


# --------------------------------------------------------------------------------------------


def norm(name: str) -> str:
    """Lower-case ASCII letters only: 'N'Djaména' -> 'ndjamena', 'St. George's' -> 'stgeorges'."""
    folded = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z]", "", folded.encode("ascii", "ignore").decode().lower())


def same_place(a: str, b: str) -> bool:
    """Loose equality of two spellings of a city (English exonym vs. a sloppy transcription):
    one normalised name is a prefix of the other, at least 4 letters long."""
    x, y = norm(a), norm(b)
    if not x or not y:
        return False
    short, long_ = sorted((x, y), key=len)
    return len(short) >= 4 and long_.startswith(short)


def read_states_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--owid", type=Path, help="owid-grapher CountriesRegions.ts")
    ap.add_argument("--entitree", type=Path, help="entitree src/constants/countries.ts")
    ap.add_argument("--conzept", type=Path, help="conzept app/explore2/src/data/countries.js")
    ap.add_argument("--capitals", type=Path, help="capitals list (read_file id 56639068600)")
    ap.add_argument("--wikirepo", type=Path, help="wikirepo src/wikirepo/data/lctn_utils.py")
    ap.add_argument("--ckg", type=Path, help="ontology/ENTITIES-SOURCES.md")
    ap.add_argument("--extra", type=Path, help="ontology/world/extra-sources.tsv")
    ap.add_argument("--supraverden", type=Path, help="supraverden dist/ALL_BODIES.md")
    ap.add_argument("--states", type=Path, help="ontology/world/states.tsv to verify")
    ap.add_argument("--orgs", type=Path, help="ontology/world/organizations.tsv to verify")
    ap.add_argument("--write-orgs", action="store_true",
                    help="rewrite the qid and source columns of --orgs in place")
    ap.add_argument("--emit", action="store_true", help="print the confirmed ids as TSV")
    ap.add_argument("--write-states", action="store_true",
                    help="rewrite the qid, capital_qid and source columns of --states in place "
                         "from the confirmed ids (the other columns are kept as they are)")
    ap.add_argument("--quiet", action="store_true", help="report only problems and totals")
    args = ap.parse_args(argv)

    state_src: dict[str, dict[str, set[str]]] = {}
    cap_src: dict[str, dict[str, list[tuple[str, str]]]] = {}
    if args.owid:
        state_src["owid"] = read_owid(args.owid)
    if args.entitree:
        state_src["entitree"] = read_entitree(args.entitree)
    if args.conzept:
        state_src["conzept"], cap_src["conzept"] = read_conzept(args.conzept)
    capitals_rows = read_capitals(args.capitals) if args.capitals else []
    ckg = read_ckg(args.ckg) if args.ckg else {}
    wikirepo = read_wikirepo(args.wikirepo) if args.wikirepo else {}
    extra = read_extra(args.extra) if args.extra else []

    tsv_rows = read_states_tsv(args.states) if args.states else []
    labels = {r["iso2"]: [r["label"], *filter(None, r.get("alt_labels", "").split("|"))]
              for r in tsv_rows}

    # name-keyed sources -> iso2 through the TSV's label and alt_labels (needs --states)
    for key, by_name in (("wikirepo", wikirepo), ("ckg", ckg)):
        if by_name and labels:
            named: dict[str, set[str]] = defaultdict(set)
            for iso2, names in labels.items():
                for n in names:
                    if norm(n) in by_name:
                        named[iso2].add(by_name[norm(n)])
            state_src[key] = named
    for r in extra:
        if r["kind"] == "state":
            state_src.setdefault(r["source"], defaultdict(set))[r["key"]].add(r["qid"])

    isos = sorted(c for c in set().union(*[set(s) for s in state_src.values()], labels)
                  if re.fullmatch(r"[A-Z]{2}", c))
    if not (args.owid or args.entitree or args.conzept or args.states):
        isos = []  # organizations only
    confirmed_state: dict[str, tuple[str, list[str]]] = {}
    confirmed_cap: dict[str, tuple[str, list[str]]] = {}
    n_dis = n_single = 0
    lines = []

    for iso2 in isos:
        votes: dict[str, list[str]] = defaultdict(list)
        for name, src in state_src.items():
            for q in sorted(src.get(iso2, ())):
                votes[q].append(name)
        ranked = sorted(votes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        said = ", ".join(f"{n}={'/'.join(sorted(s.get(iso2, ()))) or '-'}" for n, s in state_src.items())
        top = ranked[0] if ranked else None
        runner = ranked[1] if len(ranked) > 1 else None
        if top and len(top[1]) >= 2 and (runner is None or len(runner[1]) < len(top[1])):
            q = top[0]
            others = [f"{q2} ({'+'.join(w)})" for q2, w in ranked[1:]]
            confirmed_state[iso2] = (q, sorted(votes[q]))
            status = "confirmed" + (f" by majority; also named: {', '.join(others)}" if others else "")
            if others:
                n_dis += 1
        elif top and len(top[1]) >= 2:
            status, n_dis = "DISAGREE (tie)", n_dis + 1
        elif votes:
            status, n_single = "single source", n_single + 1
        else:
            status = "no source"
        if not args.quiet or status != "confirmed":
            lines.append(f"{iso2}\tstate\t{status}\t{said}")

        # capitals: every id that conzept or an extra row gives, backed by the capitals list
        # (same QID and the same country code, capital name or country name), by the ckg
        # names and by extra rows
        country_names = [norm(n) for n in labels.get(iso2, [])]
        candidates: dict[str, str] = {}
        for cq, cname in cap_src.get("conzept", {}).get(iso2, []):
            candidates.setdefault(cq, cname)
        for r in extra:
            if r["kind"] == "capital" and r["key"] == iso2:
                candidates.setdefault(r["qid"], "")
        for code, _pais, capname, q in capitals_rows:
            if code == iso2:  # the list's own answer competes too
                candidates.setdefault(q, capname)
        backing: dict[str, list[str]] = {}
        for cq, cname in candidates.items():
            backers = []
            if any(q == cq for q, _n in cap_src.get("conzept", {}).get(iso2, [])):
                backers.append("conzept")
            for code, pais, capname, q in capitals_rows:
                if q == cq and (code == iso2 or same_place(capname, cname)
                                or (norm(pais) and norm(pais) in country_names)):
                    backers.append("capitals")
                    break
            if cname and ckg.get(norm(cname)) == cq:
                backers.append("ckg")
            for r in extra:
                if r["kind"] == "capital" and r["key"] == iso2 and r["qid"] == cq \
                        and r["source"] not in backers:
                    backers.append(r["source"])
            backing[cq] = backers
        strong = {q: b for q, b in backing.items() if len(b) >= 2}
        if len(strong) == 1:
            cq, backers = next(iter(strong.items()))
            confirmed_cap[iso2] = (cq, backers)
            others = [f"{q} {n} ({'+'.join(backing[q])})" for q, n in candidates.items() if q != cq]
            if others:
                lines.append(f"{iso2}\tcapital\tconfirmed over\t{cq} ({'+'.join(backers)}); "
                             + ", ".join(others))
            elif not args.quiet:
                lines.append(f"{iso2}\tcapital\tconfirmed\t{cq} {candidates[cq]} ({'+'.join(backers)})")
        elif len(strong) > 1:
            lines.append(f"{iso2}\tcapital\tDISAGREE\t" + ", ".join(
                f"{q} ({'+'.join(b)})" for q, b in sorted(strong.items())))
        elif candidates:
            other = sorted({f"{q} {capname}" for code, _p, capname, q in capitals_rows if code == iso2})
            lines.append(f"{iso2}\tcapital\tunconfirmed\t" + ", ".join(
                f"{q} {n} ({'+'.join(backing[q])})" for q, n in candidates.items())
                + f"; capitals list for {iso2}: {', '.join(other) or '-'}")

    problems = 0
    for r in tsv_rows:
        iso2 = r["iso2"]
        q, cq = r.get("qid", ""), r.get("capital_qid", "")
        named = dict(part.split(":", 1) for part in r.get("source", "").split(";") if ":" in part)
        for what, value, confirmed in (("qid", q, confirmed_state), ("capital", cq, confirmed_cap)):
            col = "qid" if what == "qid" else "capital_qid"
            if value:
                if iso2 not in confirmed or confirmed[iso2][0] != value:
                    problems += 1
                    lines.append(f"{iso2}\tTSV\t{col} {value} is not confirmed by two sources")
                    continue
                cited = set(filter(None, named.get(what, "").split("+")))
                if len(cited) < 2 or not cited <= set(confirmed[iso2][1]):
                    problems += 1
                    lines.append(f"{iso2}\tTSV\tsource {what}:{named.get(what, '')} should name two or "
                                 f"more of {'+'.join(confirmed[iso2][1])}")
            elif iso2 in confirmed:
                lines.append(f"{iso2}\tTSV\t{col} empty although {confirmed[iso2][0]} is confirmed")

    if args.write_states and args.states:
        fields = ["iso2", "qid", "label", "alt_labels", "demonyms", "capital_qid", "source"]
        out = []
        for r in tsv_rows:
            iso2 = r["iso2"]
            q, qs = confirmed_state.get(iso2, ("", []))
            c, cs = confirmed_cap.get(iso2, ("", []))
            src = ";".join(p for p in (f"qid:{'+'.join(qs)}" if q else "",
                                       f"capital:{'+'.join(cs)}" if c else "") if p)
            out.append({**r, "qid": q, "capital_qid": c, "source": src})
        with args.states.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, delimiter="\t", quoting=csv.QUOTE_NONE,
                               lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            w.writerows(out)
        problems = 0
    if args.orgs:
        problems += check_orgs(args, ckg, extra, lines)
    if args.emit:
        print("iso2\tqid\tqid_sources\tcapital_qid\tcapital_sources")
        for iso2 in isos:
            q, qs = confirmed_state.get(iso2, ("", []))
            c, cs = confirmed_cap.get(iso2, ("", []))
            print(f"{iso2}\t{q}\t{'+'.join(qs)}\t{c}\t{'+'.join(cs)}")
    else:
        print("\n".join(lines))
    if isos:
        print(f"# {len(isos)} codes; state QIDs confirmed {len(confirmed_state)}, disagreed {n_dis}, "
          f"single-sourced {n_single}; capital QIDs confirmed {len(confirmed_cap)}"
              + (f"; TSV rows {len(tsv_rows)}, problems {problems}" if tsv_rows else ""),
              file=sys.stderr)
    return 1 if problems else 0


def check_orgs(args: argparse.Namespace, ckg: dict[str, str], extra: list[dict[str, str]],
               lines: list[str]) -> int:
    """The same rule for ontology/world/organizations.tsv: votes from the ckg list and the
    supraverden table (both matched on the row's label and alt_labels) and from extra rows of
    kind `org` (matched on the slug)."""
    supra = read_supraverden(args.supraverden) if args.supraverden else []
    with args.orgs.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    problems = n_conf = n_dis = 0
    out = []
    for r in rows:
        names = {norm(n) for n in [r["label"], *r["alt_labels"].split("|")] if n}
        votes: dict[str, list[str]] = defaultdict(list)
        for n in names:
            if n in ckg and "ckg" not in votes[ckg[n]]:
                votes[ckg[n]].append("ckg")
        for name, q in supra:
            if norm(name) in names and "supraverden" not in votes[q]:
                votes[q].append("supraverden")
        for e in extra:
            if e["kind"] == "org" and e["key"] == r["slug"] and e["source"] not in votes[e["qid"]]:
                votes[e["qid"]].append(e["source"])
        ranked = sorted(votes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        said = "; ".join(f"{q} ({'+'.join(w)})" for q, w in ranked) or "-"
        top = ranked[0] if ranked else None
        runner = ranked[1] if len(ranked) > 1 else None
        q = ""
        if top and len(top[1]) >= 2 and (runner is None or len(runner[1]) < len(top[1])):
            q, who = top[0], sorted(top[1])
            n_conf += 1
            if runner:
                n_dis += 1
                lines.append(f"{r['slug']}\torg\tconfirmed by majority\t{said}")
            elif not args.quiet:
                lines.append(f"{r['slug']}\torg\tconfirmed\t{said}")
        else:
            if top and len(top[1]) >= 2:
                n_dis += 1
            lines.append(f"{r['slug']}\torg\t{'DISAGREE' if top and len(top[1]) >= 2 else 'unconfirmed'}\t{said}")
        src = f"qid:{'+'.join(who)}" if q else ""
        if not args.write_orgs:
            if r["qid"] and r["qid"] != q:
                problems += 1
                lines.append(f"{r['slug']}\tTSV\tqid {r['qid']} is not confirmed by two sources")
            elif r["qid"]:
                cited = set(filter(None, r["source"].removeprefix("qid:").split("+")))
                if len(cited) < 2 or not cited <= set(who):
                    problems += 1
                    lines.append(f"{r['slug']}\tTSV\tsource {r['source']!r} should name two or more of "
                                 f"{'+'.join(who)}")
            elif q:
                lines.append(f"{r['slug']}\tTSV\tqid empty although {q} is confirmed")
        out.append({**r, "qid": q, "source": src})
    if args.write_orgs:
        with args.orgs.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["slug", "label", "alt_labels", "type", "qid", "source"],
                               delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
            w.writeheader()
            w.writerows(out)
    print(f"# {len(rows)} organizations; QIDs confirmed {n_conf} (of which {n_dis} by majority over "
          f"a disagreeing source), empty {len(rows) - n_conf}", file=sys.stderr)
    return problems


if __name__ == "__main__":
    sys.exit(main())
