#!/usr/bin/env python3
"""Cross-validate the trained event classifier on the tuning half (make cv-events).

The tuning half's documents are dealt into K folds. For each fold, a classifier is trained
(kg.nlp.train_events) on the other folds and the seeds, and the fold's documents are built
and scored (events: type, place, date) with the rules alone and with the classifier under
each decision setting (threshold; gate on or off). The counts are pooled over the folds. The
checking half is never read: the threshold is chosen here.

Usage: python corpus/cv_events.py [--texts DIR] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
SEEDS = (ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "gold")
# (threshold, gate, scope): see kg/nlp/event_classifier.py
CONFIGS: list[tuple[float, bool, str] | None] = [None, (0.5, False, "all"), (0.7, False, "all"), (0.9, False, "all"),
                                                 (0.9, True, "all"), (0.4, False, "generic"), (0.5, False, "generic"),
                                                 (0.7, False, "generic")]


def score(texts: Path, gold: Path, work: Path, env: dict[str, str]) -> dict[str, dict[str, float]]:
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    env = {**os.environ, "CKG_STORE": str(store), "CKG_PACKS": "", "SOURCE_DATE_EPOCH": "1700000000", **env}
    for var in ("CKG_EVENT_CLASSIFIER", "CKG_EVENT_CLASSIFIER_THRESHOLD", "CKG_EVENT_CLASSIFIER_GATE",
                "CKG_EVENT_CLASSIFIER_SCOPE"):
        if var not in env or not env[var]:
            env.pop(var, None)
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(texts), "-q"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "kg.cli", "dump", "--format", "nq", "-o", str(work / "dump.nq")],
                   check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, str(SCORER), "--graph", str(work / "dump.nq"), "--gold", str(gold), "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def sentences(texts: Path, tune: list[str], folds: int) -> int:
    """Held-out sentences of gold events: how often the classifier's likeliest event class is gold's."""
    import spacy

    from kg.nlp.train_events import collect, train

    right = total = none_right = none_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            held = {d for i, d in enumerate(tune) if i % folds == fold}
            data = collect([(texts, ROOT / "corpus" / "gold")], split="tune", only=set(tune) - held, verbose=False)
            data += collect([SEEDS], verbose=False)
            nlp = spacy.load(train(data, Path(tmp) / f"m{fold}", verbose=False))
            for text, label in collect([(texts, ROOT / "corpus" / "gold")], split="tune", only=held, verbose=False):
                cats = nlp(text).cats
                if label == "none":
                    none_total += 1
                    none_right += max(cats, key=lambda k: cats[k]) == "none"
                    continue
                kinds = {k: v for k, v in cats.items() if k != "none"}
                total += 1
                right += max(kinds, key=lambda k: kinds[k]) == label
    print(f"held-out event sentences, likeliest event class = gold: {right}/{total} = {right / total:.3f}")
    print(f"held-out other sentences, likeliest class none: {none_right}/{none_total} = {none_right / none_total:.3f}")
    return 0


def main() -> int:
    from kg.nlp.train_events import _manifest_splits, collect, train

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=Path(os.environ.get("CORPUS_TEXTS", ROOT / "corpus" / "texts")))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--sentences", action="store_true",
                    help="only the classifier on held-out sentences: is its likeliest class the gold one")
    args = ap.parse_args()
    splits = _manifest_splits()
    tune = sorted(d for d, s in splits.items() if s == "tune" and (args.texts / f"{d}.txt").is_file())
    if args.sentences:
        return sentences(args.texts, tune, args.folds)
    totals: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for fold in range(args.folds):
            held = [d for i, d in enumerate(tune) if i % args.folds == fold]
            rest = set(tune) - set(held)
            data = collect([(args.texts, ROOT / "corpus" / "gold")], split="tune", only=rest, verbose=False)
            data += collect([SEEDS], verbose=False)
            model = train(data, work / f"model-{fold}", verbose=False)
            texts, gold = work / f"texts-{fold}", work / f"gold-{fold}"
            texts.mkdir()
            gold.mkdir()
            for d in held:
                shutil.copy(args.texts / f"{d}.txt", texts)
                shutil.copy(ROOT / "corpus" / "gold" / f"{d}.json", gold)
            for config in CONFIGS:
                env = {} if config is None else {"CKG_EVENT_CLASSIFIER": str(model),
                                                 "CKG_EVENT_CLASSIFIER_THRESHOLD": str(config[0]),
                                                 "CKG_EVENT_CLASSIFIER_GATE": "1" if config[1] else "",
                                                 "CKG_EVENT_CLASSIFIER_SCOPE": config[2]}
                name = "rules" if config is None else \
                    f"t={config[0]} gate={'on' if config[1] else 'off'} scope={config[2]}"
                ev = score(texts, gold, work, env)["events"]
                row = totals.setdefault(name, [0, 0, 0])
                row[0] += int(ev["tp"])
                row[1] += int(ev["pred"])
                row[2] += int(ev["gold"])
                print(f"fold {fold} ({len(held)} docs) {name}: {ev['tp']}/{ev['pred']}/{ev['gold']}", file=sys.stderr)
    print(f"{'events, pooled over folds':28} {'P':>6} {'R':>6} {'F1':>6}   tp/pred/gold")
    for name, (tp, pred, gold_n) in totals.items():
        p = tp / pred if pred else 0.0
        r = tp / gold_n if gold_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:28} {p:6.3f} {r:6.3f} {f:6.3f}   {tp}/{pred}/{gold_n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
