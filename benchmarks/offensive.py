"""How often does respin offer a word of :data:`respin.offensive.NEVER_OFFERED`?

    python benchmarks/offensive.py            # JSON on stdout (~1 min)

* ``table``: the suggestion candidates (``candidates.npz``) of the 20,000 commonest words of
  the model's table (CMU LM unigram order): listed candidates, and how many words offer one;
* ``check``: listed words among the suggestions of ``respin check`` and the edits of
  ``respin restore`` on seeds/*.txt and ../shared/dev-pairs/*.spun.txt;
* ``simulated``: 100 held-out Wikipedia leads spun by the simulator (rate 0.3, aggressive):
  listed words among the candidates of every spun word, the suggestions and the restore edits.

Run it with the tree to measure first on PYTHONPATH (the model is that tree's models/default).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "dev-pairs"

import respin  # noqa: E402
from respin.evidence import CandidateTable  # noqa: E402
from respin.lm import default_scorer  # noqa: E402
from respin.model import default_dir  # noqa: E402
from respin.offensive import NEVER_OFFERED  # noqa: E402

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def listed(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w in NEVER_OFFERED]


def table_scan(table: CandidateTable, n: int = 20000) -> dict:
    lm = default_scorer()
    heads = [w for w in table._words if table._entry(w, 1) is not None]
    heads.sort(key=lambda w: (-lm.logprob(w, ()), w))
    hits, offering = Counter(), 0
    for w in heads[:n]:
        bad = [c for c in table.suggestions(w)[0] if c in NEVER_OFFERED]
        hits.update(bad)
        offering += bool(bad)
    return {"heads": min(n, len(heads)), "heads_offering_one": offering, "listed_candidates": sum(hits.values()),
            "top": hits.most_common(15)}


def text_scan(texts: list[str], table: CandidateTable | None = None) -> dict:
    sugg, edits, cands = Counter(), Counter(), Counter()
    for text in texts:
        for f in respin.check(text).findings:
            for s in f.suggestions:
                sugg.update(listed(s))
        for e in respin.restore(text).edits:
            edits.update(listed(e.restored))
        if table is not None:
            for w in WORD.findall(text.lower()):
                e = table.suggestions(w)
                if e:
                    cands.update(c for c in e[0] if c in NEVER_OFFERED)
    out = {"texts": len(texts), "listed_in_suggestions": sum(sugg.values()), "listed_in_restore_edits": sum(edits.values()),
           "examples": (sugg + edits).most_common(10)}
    if table is not None:
        out["listed_in_candidates"] = sum(cands.values())
        out["candidate_examples"] = cands.most_common(10)
    return out


def main() -> int:
    from respin import corpora
    from respin.spin import spin
    table = CandidateTable.load(default_dir() / "candidates.npz")
    out = {"respin": respin.__file__, "listed_words": len(NEVER_OFFERED), "table": table_scan(table)}
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("[0-9]*.txt"))]
    dev = [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.spun.txt"))] if DEV.is_dir() else []
    out["check_seeds"] = text_scan(seeds)
    out["check_dev_pairs"] = text_scan(dev)
    leads = list(corpora.wikipedia_leads(limit_docs=9100))[9000:9100]
    spun = [spin(t, rate=0.3, style="aggressive", seed=i).text for i, t in enumerate(leads)]
    out["simulated"] = text_scan(spun, table)
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
