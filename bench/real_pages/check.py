"""Our HTML reader on ten real news pages that no one here wrote, and the whole pipeline on them.

The pages are article pages of a public main-text-extraction benchmark (manifest.json names the
repository, commit and files; they are the outlets' pages, so they are not copied into this
repository). For each page it checks what a reader sees:

- the text against the benchmark's human-made ``articleBody``: word-bag precision, recall, F1,
  and the paragraphs we keep that it does not (and the reverse);
- that no figure caption (``<figcaption>``) and no navigation link text (``<nav>``) is in our text,
  and no line of ours reads as a "read also"/share/subscribe line;
- the title against the headline on the page, the date against the page's visible dateline
  (both read by a person, in manifest.json).

Then ``--pipeline`` builds a store from the ten pages with the real ``kg build`` and prints what it
extracted from each. Usage (the benchmark checkout, or its bare git directory)::

    python bench/real_pages/check.py PATH-TO-article-extraction-benchmark [--pipeline]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from kg.reader import _NOT_STORY, parse_html  # noqa: E402


def _read(bench: Path, name: str) -> bytes:
    if (bench / name).is_file():
        return (bench / name).read_bytes()
    return subprocess.run(["git", "--git-dir", str(bench), "show", f"HEAD:{name}"], check=True,
                          capture_output=True).stdout


def _words(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def _norm(text: str) -> str:
    return " ".join(text.replace("\xad", "").split())


def _texts(html: str, selector: str, minimum: int) -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    return [t for t in (_norm(n.text(separator=" ")) for n in tree.css(selector)) if len(t) >= minimum]


def check(bench: Path) -> tuple[list[dict[str, object]], dict[str, bytes]]:
    manifest = json.loads((HERE / "manifest.json").read_text())
    truth = json.loads(_read(bench, "ground-truth.json"))
    rows: list[dict[str, object]] = []
    pages: dict[str, bytes] = {}
    for page in manifest["pages"]:
        raw = gzip.decompress(_read(bench, page["file"]))
        key = Path(page["file"]).name.split(".")[0]
        body = truth[key]["articleBody"]
        doc = parse_html(raw, url=page["url"], path=page["url"])
        pages[doc.doc_id] = raw
        story = doc.text.split("\n\n", 1)[-1] if doc.text.split("\n\n", 1)[0] == doc.title else doc.text
        ours, theirs = _words(story), _words(body)  # the benchmark leaves the headline out
        common = sum((ours & theirs).values())
        p, r = common / max(1, sum(ours.values())), common / max(1, sum(theirs.values()))
        html = raw.decode("utf-8", errors="replace")
        text = _norm(doc.text)
        captions = [c for c in _texts(html, "figcaption", 20) if c in text and c not in _norm(body)]
        nav = [n for n in _texts(html, "nav a", 15) if n in text and n not in _norm(body)]
        paragraphs = [_norm(x) for x in doc.text.split("\n\n")]
        rows.append({
            "url": page["url"], "id": doc.doc_id, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / max(1e-9, p + r), 3),
            "title_ok": doc.title == page["headline"], "title": doc.title,
            "date_ok": (doc.date.isoformat() if doc.date else None) == page["date"], "date": str(doc.date),
            "dateline": page["dateline"], "outlet": doc.outlet, "author": doc.author, "language": doc.language,
            "canonical": doc.canonical_url,
            "captions_leaked": captions, "nav_leaked": nav,
            "read_also_lines": [x for x in paragraphs if _NOT_STORY.match(x)],
            "extra_paragraphs": [x[:120] for x in paragraphs[1:] if x not in _norm(body)],
            "missing_paragraphs": [_norm(x)[:120] for x in body.split("\n") if x.strip() and _norm(x) not in text],
        })
    return rows, pages


def pipeline(pages: dict[str, bytes]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for doc_id, raw in pages.items():
            (folder / f"{doc_id}.html").write_bytes(raw)
        store = Path(tmp) / "store"
        kg = [sys.executable, "-m", "kg.cli"]
        subprocess.run([*kg, "build", "-q", str(folder), "--store", str(store)], check=True, cwd=ROOT)
        stats = json.loads(subprocess.run([*kg, "stats", "--json", "--store", str(store)], check=True, cwd=ROOT,
                                          capture_output=True, text=True).stdout)
        events = subprocess.run([*kg, "query", "--format", "csv", "--store", str(store), """
            PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?doc ?type ?evidence WHERE { ?e a ?type ; ckg:evidence/ckg:inDocument ?doc ;
              ckg:evidence/<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?evidence .
              ?type rdfs:subClassOf+ ckg:Event } ORDER BY ?doc ?type ?evidence"""],
                                check=True, cwd=ROOT, capture_output=True, text=True).stdout
        claims = subprocess.run([*kg, "query", "--format", "csv", "--store", str(store), """
            PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
            SELECT ?doc ?count ?kind ?population ?evidence WHERE { ?c a ckg:CasualtyClaim ; ckg:count ?count ;
              ckg:casualtyKind ?kind ; ckg:population ?population ; ckg:evidence ?m . ?m ckg:inDocument ?doc ;
              <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?evidence }
            ORDER BY ?doc ?count"""], check=True, cwd=ROOT, capture_output=True, text=True).stdout
        return {"per_document": stats["per_document"], "claims_csv": claims, "totals": {k: stats[k] for k in (
            "documents", "mentions", "entities", "statements", "events", "casualty_claims")}, "events_csv": events}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("benchmark", type=Path, help="article-extraction-benchmark checkout or bare git directory")
    parser.add_argument("--pipeline", action="store_true", help="also build a store from the pages and report it")
    args = parser.parse_args()
    rows, pages = check(args.benchmark)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    n = len(rows)
    print(f"{n} pages: mean P {sum(float(r['precision']) for r in rows) / n:.3f}, "  # type: ignore[arg-type]
          f"R {sum(float(r['recall']) for r in rows) / n:.3f}, "  # type: ignore[arg-type]
          f"F1 {sum(float(r['f1']) for r in rows) / n:.3f}; "  # type: ignore[arg-type]
          f"titles {sum(bool(r['title_ok']) for r in rows)}/{n}, dates {sum(bool(r['date_ok']) for r in rows)}/{n}, "
          f"captions leaked {sum(len(r['captions_leaked']) for r in rows)}, "  # type: ignore[arg-type]
          f"navigation leaked {sum(len(r['nav_leaked']) for r in rows)}, "  # type: ignore[arg-type]
          f"read-also lines {sum(len(r['read_also_lines']) for r in rows)}")  # type: ignore[arg-type]
    if args.pipeline:
        result = pipeline(pages)
        print(json.dumps({k: v for k, v in result.items() if not k.endswith("_csv")}, indent=1))
        print(result["events_csv"])
        print(result["claims_csv"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
