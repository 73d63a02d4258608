"""`respin learn` says when its pairs look the wrong way round: a spinner reaches for rarer
synonyms, so a lexicon whose spun words are mostly the commoner ones was learned backwards
(and restore with it would write the spun words). Texts of our own."""

from __future__ import annotations

import json

# A spinner's choices of our own: each common word for a rarer synonym.
SWAPS = {"said": "stated", "help": "assist", "big": "sizeable", "start": "commence", "buy": "purchase",
         "show": "exhibit", "need": "require", "try": "endeavour", "end": "conclude", "use": "utilise",
         "get": "obtain", "near": "proximate", "fast": "expeditious", "job": "occupation", "plan": "scheme",
         "city": "metropolis", "car": "automobile", "money": "funds", "rich": "affluent", "house": "dwelling"}
SENTENCES = [
    "The mayor said the city would help people buy a house near the park.",
    "Officials said they need money to start a big plan and end the delay.",
    "Workers try to get a job fast, and many use a car to reach the city.",
    "The report will show how rich families buy a house and use the money.",
    "He said the plan would help the city start to end a big problem fast.",
]


def _pairs(n: int = 8) -> list[tuple[str, str]]:
    out = []
    for k in range(n):
        orig = " ".join(SENTENCES[(k + j) % len(SENTENCES)] for j in range(4))
        spun = " ".join(SWAPS.get(w.rstrip(".,").lower(), w.rstrip(".,")) + w[len(w.rstrip(".,")):]
                        for w in orig.split())
        out.append((spun, orig))
    return out


def test_pairs_the_wrong_way_round_are_named(cli, tmp_path):
    forward, backward = tmp_path / "forward.jsonl", tmp_path / "backward.jsonl"
    forward.write_text("".join(json.dumps({"spun": s, "original": o}) + "\n" for s, o in _pairs()), encoding="utf-8")
    backward.write_text("".join(json.dumps({"spun": o, "original": s}) + "\n" for s, o in _pairs()), encoding="utf-8")
    ok = cli("learn", forward, "-o", tmp_path / "f.tsv")
    assert ok.code == 0 and "wrong way round" not in ok.err
    bad = cli("learn", backward, "-o", tmp_path / "b.tsv")
    assert bad.code == 0 and "are the pairs the wrong way round?" in bad.err, bad.err
    assert "wrong way round" not in cli("learn", backward, "-o", tmp_path / "q.tsv", "-q").err
