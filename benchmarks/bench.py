"""respin benchmark: accuracy on real spinner pairs and the seeds, speed, start-up, memory.

    python benchmarks/bench.py                 # everything, JSON on stdout (~30 s)
    python benchmarks/bench.py --only restore  # one section: restore | detect | wrapped | length | speed | reliability | language | sections | pages | masked | technical

Metrics follow ../shared/METRICS.md (micro-averaged per paragraph line). Third-party text is
read from ../shared at run time, never copied into the repository; sections whose data is
absent are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
DEV = SHARED / "dev-pairs"
SEEDS = ROOT / "seeds"

import respin  # noqa: E402
from respin.metrics import TOKEN, auc, bootstrap_ci, levenshtein as lev, opcodes, substituted, token_spans  # noqa: E402
from respin.restore import apply_edits  # noqa: E402

toks = token_spans


def pairs(kind: str = "spinner"):
    if not DEV.is_dir():
        return []
    out = []
    for f in sorted(DEV.glob("*.spun.txt")):
        mt = "mt_roundtrip" in f.name
        if (kind == "spinner") == mt:
            continue
        out.append((f.name.replace(".spun.txt", ""), f.read_text(encoding="utf-8"),
                    f.with_name(f.name.replace(".spun.", ".orig.")).read_text(encoding="utf-8")))
    return out


# ---------------------------------------------------------------------------- restore
def restoration_scores(items, use_source=True, **kw) -> dict:
    """METRICS.md restoration figures over (spun, orig) texts."""
    edited = correct = correct_sub = subst = 0
    wer_num_r = wer_num_s = wer_den = 0
    residue = []
    for name, spun, orig in items:
        r = respin.restore(spun, source=orig if use_source else None, **kw)
        assert apply_edits(spun, r.edits) == r.text
        for ls, lr, lo in zip(spun.splitlines(), r.text.splitlines(), orig.splitlines()):
            S, R, O = ([t[0] for t in toks(x)] for x in (ls, lr, lo))
            sub = substituted(ls, lo)
            subst += sum(sub)
            ok_r = [False] * len(R)
            for op, i1, i2, j1, j2 in opcodes(R, O):
                if op == "equal":
                    for j in range(i1, i2):
                        ok_r[j] = True
            for op, i1, i2, j1, j2 in opcodes(S, R):
                if op == "equal":
                    continue
                good = all(ok_r[j1:j2])
                edited += i2 - i1
                if good:
                    correct += i2 - i1
                    correct_sub += sum(sub[i1:i2])
            wer_num_r += lev(R, O)
            wer_num_s += lev(S, O)
            wer_den += len(O)
            if use_source and R != O:
                for op, i1, i2, j1, j2 in opcodes(R, O):
                    if op != "equal":
                        residue.append(f"{name}: {' '.join(R[i1:i2])!r} vs original {' '.join(O[j1:j2])!r}")
    wer_r, wer_s = wer_num_r / max(wer_den, 1), wer_num_s / max(wer_den, 1)
    return {"files": len(items), "substituted_tokens": subst, "edited_tokens": edited,
            "precision": correct / edited if edited else None, "recall": correct_sub / max(subst, 1),
            "wer_spun": wer_s, "wer_restored": wer_r,
            "error_reduction": 1 - wer_r / wer_s if wer_s else 0.0, "residue": residue}


def partial_source_003() -> dict:
    """seeds/003 against a source holding only every other paragraph (made different by the
    simulator, so that there is something to restore)."""
    from respin.spin import spin
    text = (SEEDS / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    covered = set(range(0, len(lines), 2))
    source = "\n".join(spin(lines[i], rate=0.3, seed=i).text for i in sorted(covered)) + "\n"
    r = respin.restore(text, source=source)
    out = r.text.splitlines()
    changed = {i for i, (a, b) in enumerate(zip(lines, out)) if a != b}
    return {"lines": len(lines), "lines_out": len(out), "covered": len(covered),
            "changed": len(changed), "changed_outside_covered": len(changed - covered),
            "verdict": r.relation.verdict}


def seed_relations() -> dict:
    names = sorted(p.name for p in SEEDS.glob("0*.txt"))
    src = (SEEDS / names[0]).read_text(encoding="utf-8")
    out = {}
    for n in names:
        r = respin.restore((SEEDS / n).read_text(encoding="utf-8"), source=src)
        rel = r.relation
        out[n] = f"{rel.verdict} (coverage {rel.coverage:.2f}, swapped {rel.swapped:.3f})"
    return out


# ----------------------------------------------------------------------------- detect
def clean_documents() -> list[tuple[str, str]]:
    """Clean documents for the document-level negatives (METRICS.md: "original files plus
    clean documents"): the clean seeds (000, 001, 004; 002, an LLM paraphrase, is reported
    apart) and the project's own negative corpus (tests/negative: 49 texts of many registers)."""
    files = [f for f in sorted(SEEDS.glob("00[014]*.txt"))]
    files += sorted((ROOT / "tests" / "negative").glob("**/*.txt"))
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def detection_scores(items, min_confidence: float | None = None, check=None, clean_docs=(), ci=False) -> dict:
    """Document, paragraph and word level detection figures (METRICS.md).

    ``clean_docs``: (name, text) of clean documents, negatives of the document figures beside the
    originals (``doc_auc``; ``doc_auc_originals_only`` without them).

    Words are flagged by checking the whole document (as a user would, at ``check
    --min-confidence``, default the model's) and mapping findings onto each paragraph line;
    paragraph scores check each line alone. ``check``: what checks a text (default
    ``respin.check``; :func:`wrapped_check` reads it hard-wrapped). ``ci``: add 95% bootstrap
    intervals (``*_ci`` keys, :func:`detection_cis`).
    """
    check = check or respin.check
    tp = fp = fn = top_ok = top3_ok = 0
    n_found = n_sugg = 0  # findings of the spun copies and their suggestions: how long the lists are
    doc_pos, doc_neg, par_pos, par_neg, flags = [], [], [], [], []
    par_changed: list[bool] = []  # whether the spinner changed any token of the paragraph
    per_article: dict = {}  # article (the name before "__") -> [tp, fp, fn]
    doc_units, par_units = [], {}  # for the intervals: documents; paragraphs by article and original text
    for name, spun, orig in items:
        counts = per_article.setdefault(name.split("__")[0], [0, 0, 0])
        tp0, fp0, fn0 = tp, fp, fn
        rep, clean = check(spun, min_confidence=min_confidence), check(orig)
        n_found += len(rep.findings)
        n_sugg += sum(len(f.suggestions) for f in rep.findings)
        doc_pos.append(rep.score)
        doc_neg.append(clean.score)
        doc_units.append((name.split("__")[0], rep.score, clean.score))
        flags += [rep.spun, not clean.spun]
        offset = 0
        for ls, lo in zip(spun.splitlines(keepends=True), orig.splitlines()):
            line_start, offset = offset, offset + len(ls)
            ls = ls.rstrip("\r\n")
            if not ls.strip():
                continue
            par_pos.append(check(ls).score)
            par_neg.append(check(lo).score)
            sub = substituted(ls, lo)
            par_changed.append(any(sub))
            line0 = tp, fp, fn, top_ok
            found = [(f.start - line_start, f.end - line_start, f) for f in rep.findings
                     if line_start <= f.start < line_start + len(ls)]
            S = toks(ls)
            O = [t[0] for t in toks(lo)]
            right: dict = {}  # finding -> whether each suggestion restores the original
            for i, (w, a, b) in enumerate(S):
                hit = [f for fa, fb, f in found if fa < b and a < fb]
                if hit and sub[i]:
                    tp += 1
                    fa, fb, f = next(x for x in found if x[2] is hit[0])
                    if id(f) not in right:
                        right[id(f)] = [_suggestion_right(ls, fa, fb, s, O) for s in f.suggestions[:3]]
                    top_ok += right[id(f)][:1] == [True]
                    top3_ok += any(right[id(f)])
                elif hit:
                    fp += 1
                elif sub[i]:
                    fn += 1
            par_units.setdefault(name.split("__")[0], {}).setdefault(lo.strip(), []).append(
                (par_pos[-1], par_neg[-1], par_changed[-1],
                 *(x - x0 for x, x0 in zip((tp, fp, fn, top_ok), line0))))
        counts[0] += tp - tp0
        counts[1] += fp - fp0
        counts[2] += fn - fn0
    doc_auc_originals = auc(doc_pos, doc_neg)
    clean_scores = []
    for name, text in clean_docs:
        rep = check(text)
        clean_scores.append((round(rep.score, 3), name))
        doc_neg.append(rep.score)
        flags.append(not rep.spun)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = lambda a, b, c: 2 * a / max(2 * a + b + c, 1)  # noqa: E731
    # A spun copy's paragraph the spinner left unchanged is a positive in paragraph_auc (its
    # score ties its original's); the second figure counts only the changed ones as spun.
    above = sorted((x for x in clean_scores if doc_pos and x[0] > min(doc_pos)), reverse=True)
    out = {"files": len(items), "doc_auc": auc(doc_pos, doc_neg),
           **({"doc_auc_originals_only": doc_auc_originals, "clean_documents": len(clean_docs),
               "clean_documents_judged_spun": sum(1 for f in flags[2 * len(items):] if not f),
               "clean_documents_above_the_lowest_spun": above} if clean_docs else {}),
           "paragraph_auc": auc(par_pos, par_neg),
           "paragraph_auc_changed_only": auc([s for s, c in zip(par_pos, par_changed) if c], par_neg),
           "paragraphs": len(par_pos), "paragraphs_changed": sum(par_changed),
           "doc_spun_flag_accuracy": sum(flags) / max(len(flags), 1),
           "spun_docs_judged_spun": sum(flags[0:2 * len(items):2]),
           "clean_docs_judged_clean": sum(flags[1:2 * len(items):2]),
           "word_precision": p, "word_recall": r, "word_f1": 2 * p * r / max(p + r, 1e-9),
           "top_suggestion_correct": top_ok / max(tp, 1), "top3_suggestion_correct": top3_ok / max(tp, 1),
           "true_positive_words": tp, "suggestions_per_finding": n_sugg / max(n_found, 1),
           **({"word_f1_per_article": {k: round(f1(*v), 3) for k, v in per_article.items()}}
              if any("__" in name for name, _, _ in items) else {})}
    if ci:
        out |= detection_cis(doc_units, doc_neg[len(items):], par_units)
    return out


CI_RESAMPLES = 2000


def detection_cis(doc_units, clean_scores, par_units) -> dict:
    """95% intervals of :func:`detection_scores`' figures, by a stratified cluster bootstrap
    (``respin.metrics.bootstrap_ci``, 2000 resamples, seed 0: the same output every run).

    The dev pairs are 6 spinner copies of 3 articles, too few articles to resample (a
    bootstrap over 3 units has 10 distinct resamples), so each figure is resampled over the
    units that vary inside them, and the intervals hold these articles fixed: they say how
    much the figures move with other paragraphs and copies like these, not how much they
    would move on other articles (the per-article word F1 shows that spread).

    - Document AUC: the spun copies (positives) and the negatives are drawn apart, each as
      many as there are; a copy is a unit (the four copies of the CNN-2020 article score
      0.40 to 0.88 with the model 2026.12-5: their spinners differ more than the articles),
      the originals of one article are one unit (the same article's text), each clean
      document is one.
    - Paragraph AUC, word P/R/F1, top suggestion: within each article, its distinct original
      paragraphs are drawn with replacement, as many as it has; a drawn paragraph brings
      every copy's spun line of it and the original line (as counted in the figure), with
      their word counts. Words are counted from the whole document's findings, so the gate
      each copy opened or not is held fixed.
    """
    f1 = lambda p, r: 2 * p * r / max(p + r, 1e-9)  # noqa: E731
    originals: dict = {}
    for art, _, neg in doc_units:
        originals.setdefault(art, []).append(neg)
    doc = bootstrap_ci([[[pos] for _, pos, _ in doc_units], list(originals.values()) + [[x] for x in clean_scores]],
                       lambda s: auc([x for c in s[0] for x in c], [x for c in s[1] for x in c]), n=CI_RESAMPLES)

    def paragraph_figures(resample):
        # a row: (spun line's score, original's score, changed, tp, fp, fn, top suggestion right)
        rows = [row for stratum in resample for cluster in stratum for row in cluster]
        tp, fp, fn, top = (sum(row[k] for row in rows) for k in (3, 4, 5, 6))
        neg = [row[1] for row in rows]
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return {"paragraph_auc_ci": auc([row[0] for row in rows], neg),
                "paragraph_auc_changed_only_ci": auc([row[0] for row in rows if row[2]], neg),
                "word_precision_ci": p, "word_recall_ci": r, "word_f1_ci": f1(p, r),
                "top_suggestion_correct_ci": top / max(tp, 1)}

    par = bootstrap_ci([list(by_text.values()) for by_text in par_units.values()], paragraph_figures, n=CI_RESAMPLES)
    r3 = lambda ci: [round(x, 3) for x in ci] if ci else None  # noqa: E731
    return {"doc_auc_ci": r3(doc), **{k: r3(v) for k, v in par.items()},
            "ci": f"95% percentile intervals, {CI_RESAMPLES} stratified cluster-bootstrap resamples (seed 0) "
                  "holding the articles fixed: documents (copies; originals of one article together) for "
                  "doc_auc, each article's distinct original paragraphs (with every copy of them) for the rest"}


def hard_wrap(text: str, width: int) -> str:
    """``text`` hard-wrapped at ``width`` columns by turning single spaces into line breaks
    (as `fold -s` or a mail client does), so that every offset stays the same: findings on
    the wrapped text are scored against the unwrapped lines."""
    out = list(text)
    start = 0
    for line in text.split("\n"):
        last_break, col = 0, 0
        for i, ch in enumerate(line):
            if col >= width and last_break:
                out[start + last_break] = "\n"
                col = i - last_break - 1
                last_break = 0
            if ch == " " and line[i - 1:i] != " " and line[i + 1:i + 2] not in (" ", ""):
                last_break = i
            col += 1
        start += len(line) + 1
    return "".join(out)


def wrapped_check(width: int):
    """``respin.check`` of texts hard-wrapped at ``width`` (:func:`hard_wrap`)."""
    return lambda text, **kw: respin.check(hard_wrap(text, width), **kw)


def wrapped_scores(widths=(40, 72)) -> dict:
    """Detection of hard-wrapped text: the seeds' scores and findings, and the dev pairs'
    figures, each text wrapped at each width (a line break inside a sentence is read as a
    space: respin.tokenize.unwrap)."""
    out = {}
    for w in widths:
        seeds = {}
        for f in sorted(SEEDS.glob("0*.txt")):
            rep = respin.check(hard_wrap(f.read_text(encoding="utf-8"), w))
            seeds[f.name] = {"score": round(rep.score, 3), "spun": rep.spun, "findings": len(rep.findings)}
        d = detection_scores(pairs("spinner"), check=wrapped_check(w))
        out[f"width {w}"] = {"seeds": seeds, "dev_pairs_spinner": {k: d[k] for k in (
            "doc_auc", "paragraph_auc", "spun_docs_judged_spun", "clean_docs_judged_clean", "word_precision",
            "word_recall", "word_f1", "top_suggestion_correct", "true_positive_words")}}
    return out


# Cyrillic letters drawn as Latin ones: one in a word hides it from a filter (a red team's
# evasion, session 43; respin.tokenize.LOOKALIKE reads them made Latin).
_MASK = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440", "i": "\u0456"}


def mask(text: str) -> str:
    """``text`` with its first maskable letter made Cyrillic in each word of 3+ Latin letters."""
    def one(m):
        w = m.group()
        k = next((k for k, ch in enumerate(w) if ch in _MASK), None)
        return w if k is None else w[:k] + _MASK[w[k]] + w[k + 1:]
    return re.sub(r"\b[A-Za-z]{3,}\b", one, text)


# Other look-alikes of session 43's red team, one letter a word, a kind a word in turn: the
# first letter fullwidth or mathematical sans-serif, a small capital, an Armenian, IPA or
# letterlike letter (the same length as the text: the word figures map findings by offset;
# the marks and invisible characters that lengthen a word are tests/test_lookalike.py's).
_FORMS = [lambda c: chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else None,
          lambda c: chr((0x1D5A0 if c < "a" else 0x1D5BA) + ord(c.lower()) - 97) if c.isascii() and c.isalpha() else None,
          dict(zip("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ")).get,
          {"o": "\u0585", "u": "\u057d", "h": "\u0570", "n": "\u0578"}.get,
          {"a": "\u0251", "g": "\u0261"}.get,
          {"e": "\u212f", "h": "\u210e", "o": "\u2134", "l": "\u2113"}.get]


def mask_forms(text: str) -> str:
    """``text`` with one letter of each word of 3+ Latin letters in another form (:data:`_FORMS`,
    each word the next kind; the first letter fullwidth where the kind has none for it)."""
    n = iter(range(10 ** 9))

    def one(m):
        w, form = m.group(), _FORMS[next(n) % len(_FORMS)]
        k = next((k for k, ch in enumerate(w) if (k or form in _FORMS[:2]) and form(ch)), None)
        return w[:k] + form(w[k]) + w[k + 1:] if k is not None else _FORMS[0](w[0]) + w[1:]
    return re.sub(r"\b[A-Za-z]{3,}\b", one, text)


def masked_scores(masked=mask) -> dict:
    """Detection of text masked with look-alike letters (:func:`mask`, or ``masked``), spun and
    clean alike: the seeds' scores and findings, the dev pairs' and held-out simulator's figures."""
    check = lambda text, **kw: respin.check(masked(text), **kw)  # noqa: E731
    seeds = {}
    for f in sorted(SEEDS.glob("0*.txt")):
        rep = check(f.read_text(encoding="utf-8"))
        seeds[f.name] = {"score": round(rep.score, 3), "spun": rep.spun, "findings": len(rep.findings),
                         "words_lookalike": getattr(rep, "lookalike", None)}  # (None: a tree before them)
    keys = ("doc_auc", "paragraph_auc", "spun_docs_judged_spun", "clean_docs_judged_clean", "word_precision",
            "word_recall", "word_f1", "top_suggestion_correct", "true_positive_words")
    out = {"seeds": seeds}
    d = detection_scores(pairs("spinner"), check=check)
    out["dev_pairs_spinner"] = {k: d[k] for k in keys}
    from respin import corpora
    if corpora.wikipedia_summaries_path() is not None:
        d = detection_scores(simulated_items(), check=check)
        out["simulated_heldout"] = {k: d[k] for k in keys}
    return out


CURVE_BARS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def word_curve(items) -> list[dict]:
    """Word-level precision, recall, F1 and top suggestion at each ``check
    --min-confidence`` of CURVE_BARS (the default is the model's 0.5)."""
    out = []
    for bar in CURVE_BARS:
        d = detection_scores(items, min_confidence=bar)
        out.append({"min_confidence": bar, **{k: d[k] for k in (
            "word_precision", "word_recall", "word_f1", "top_suggestion_correct", "top3_suggestion_correct", "true_positive_words")},
            **({"word_f1_per_article": d["word_f1_per_article"]} if "word_f1_per_article" in d else {})})
    return out


def _suggestion_right(line: str, fa: int, fb: int, suggestion: str, orig_tokens: list[str]) -> bool:
    """Whether putting ``suggestion`` in place of a finding's span ``[fa, fb)`` gives the
    original there: every token the suggestion puts in the line lies in an equal opcode
    against the original line (METRICS.md's test of a correct edit). So "by no means" ==>
    "never" is right where the original says "never", and "White Home" ==> "White House"
    where it says "White House". The top suggestion is judged with the first; top-3 asks
    whether any of the (at most three) shown is right."""
    new = line[:fa] + suggestion + line[fb:]
    R = toks(new)
    mine = [k for k, (_, a, b) in enumerate(R) if fa <= a and b <= fa + len(suggestion)]
    equal = set()
    for op, i1, i2, _, _ in opcodes([t[0] for t in R], orig_tokens):
        if op == "equal":
            equal.update(range(i1, i2))
    return bool(mine) and all(k in equal for k in mine)


def seed_scores() -> dict:
    out = {}
    for f in sorted(SEEDS.glob("0*.txt")):
        rep = respin.check(f.read_text(encoding="utf-8"))
        out[f.name] = {"score": round(rep.score, 3), "spun": rep.spun, "findings": len(rep.findings),
                       "words": rep.words, "findings_per_1000": round(1000 * len(rep.findings) / max(rep.words, 1), 2)}
    return out


# 300 leads (298 spun): 60 gave 34 correctly flagged words, and a top-suggestion figure of
# 0.735 where 300 give 0.52 on 327 (document AUC 0.84 against 0.76): too few to report
# (session 51). About 5 s.
SIMULATED_DOCS = 300


def simulated_items(n_docs=SIMULATED_DOCS) -> list:
    """Held-out simulator output: texts and the style never used in training."""
    from respin.spin import spin
    from respin import corpora
    # Leads 6000+ are never used in training (respin train reads the first 3,000).
    texts = [t for t in list(corpora.wikipedia_leads())[6000:] if len(t.split()) >= 60][:n_docs]
    items = []
    for i, t in enumerate(texts):
        sp = spin(t, rate=0.3, style="conservative", seed=1000 + i, links="wordnet")
        if sp.swaps:
            items.append((f"sim{i}", sp.text, t))
    return items


def simulated_scores(n_docs=SIMULATED_DOCS) -> dict:
    return detection_scores(simulated_items(n_docs))


def length_scores(first: int = 9000, n: int = 600) -> dict:
    """Document scores by length: the first sentence, the first two and the whole lead of
    held-out Wikipedia leads (never trained on), each clean and spun by the simulator (rate
    0.3, aggressive and conservative alternating): mean clean score, the shares of clean and
    of spun texts judged spun at the model's threshold, ROC-AUC and Brier score."""
    import re
    import numpy as np
    from respin import corpora
    from respin.spin import spin
    leads = list(corpora.wikipedia_leads(limit_docs=first + n))[first:first + n]
    out = {}
    for kind in ("one_sentence", "two_sentences", "lead"):
        clean = []
        for t in leads:
            sents = re.split(r"(?<=[.!?])\s+", t.strip())
            x = sents[0] if kind == "one_sentence" else " ".join(sents[:2]) if kind == "two_sentences" else t
            if len(x.split()) >= 5:
                clean.append(x)
        spun = [spin(t, rate=0.3, style=("aggressive", "conservative")[i % 2], seed=i).text for i, t in enumerate(clean)]
        spun = [s for s, c in zip(spun, clean) if s != c]  # a snippet the simulator left alone is not spun
        reps_c, reps_s = respin.check_many(clean), respin.check_many(spun)
        sc, ss = np.array([r.score for r in reps_c]), np.array([r.score for r in reps_s])
        out[kind] = {"texts": len(clean), "spun_texts": len(spun), "mean_words": round(float(np.mean([len(c.split()) for c in clean])), 1),
                     "clean_mean_score": float(sc.mean()), "clean_judged_spun": float(np.mean([r.spun for r in reps_c])),
                     "spun_judged_spun": float(np.mean([r.spun for r in reps_s])),
                     "auc": auc(list(ss), list(sc)), "brier": float(((sc ** 2).mean() + ((1 - ss) ** 2).mean()) / 2)}
    return out


# Held-out technical prose: scipy's docstrings (installed with scikit-learn), a package whose
# docstrings training never reads (respin.corpora.DOCSTRING_PACKAGES), in documents of about
# 250 words, clean and spun by every simulator style.
TECHNICAL_PACKAGES = ("scipy",)
TECHNICAL_DOC_WORDS = 250


def technical_scores() -> dict:
    """Clean technical prose a news model misreads: the share of documents judged spun and
    findings per 1,000 words, clean; the share judged spun and the ROC-AUC, spun by the
    simulator (rate 0.25, aggressive, conservative and crude in turn)."""
    import numpy as np
    from respin import corpora
    from respin.spin import spin
    docs, buf, n = [], [], 0
    for text in corpora.docstring_prose(packages=TECHNICAL_PACKAGES):
        buf.append(text)
        n += len(text.split())
        if n >= TECHNICAL_DOC_WORDS:
            docs.append("\n".join(buf))
            buf, n = [], 0
    if not docs:
        return {"skipped": "no docstrings of " + ", ".join(TECHNICAL_PACKAGES) + " found"}
    # The same prose with each docstring's one-line summary ("Compute the weighted mean along
    # an axis."), read as an API reference's lists are: clean only.
    listed = [t for t in corpora.docstring_prose(packages=TECHNICAL_PACKAGES, summaries=True)]
    listed = ["\n".join(listed[k:k + 2]) for k in range(0, len(listed) - 1, 2)]  # (about 250 words each)
    rl = respin.check_many(listed)
    words_l = sum(r.words for r in rl)
    spins = [spin(t, rate=0.25, style=("aggressive", "conservative", "crude")[i % 3], seed=i) for i, t in enumerate(docs)]
    rc, rs = respin.check_many(docs), respin.check_many([s.text for s in spins])
    words = sum(r.words for r in rc)
    # the spun documents' findings against the simulator's truth: right where one overlaps a swap
    right = sum(any(w.start < f.end and f.start < w.end for w in s.swaps) for s, r in zip(spins, rs) for f in r.findings)
    found = sum(len(r.findings) for r in rs)
    return {"packages": list(TECHNICAL_PACKAGES), "documents": len(docs), "words": words,
            "clean_judged_spun": round(float(np.mean([r.spun for r in rc])), 3),
            "clean_findings_per_1000_words": round(1000 * sum(len(r.findings) for r in rc) / max(words, 1), 1),
            "clean_median_score": round(float(np.median([r.score for r in rc])), 3),
            "clean_documents_with_findings": sum(bool(r.findings) for r in rc),
            "spun_judged_spun": round(float(np.mean([r.spun for r in rs])), 3),
            "spun_findings": found, "spun_findings_right": right,
            "with_summaries": {"documents": len(listed), "words": words_l,
                               "clean_judged_spun": round(float(np.mean([r.spun for r in rl])), 3),
                               "clean_findings_per_1000_words": round(1000 * sum(len(r.findings) for r in rl) / max(words_l, 1), 1),
                               "clean_documents_with_findings": sum(bool(r.findings) for r in rl)},
            "auc": auc([r.score for r in rs], [r.score for r in rc])}


SCIENCE = ROOT / "benchmarks" / "clean_science"


def science_scores() -> dict:
    """Clean scientific prose of our own (benchmarks/clean_science: 36 passages of eighteen
    fields, evaluation only): documents judged spun and findings per 1,000 words, as a
    research-integrity screen would read papers; with the tortured lexicon, its phrases listed
    (every one a false alarm) and the words ``restore --only-lexicon --min-confidence 0.5``
    would change; spun by the simulator (rate 0.25, three styles in turn), judged spun and
    the ROC-AUC against the clean passages."""
    import numpy as np
    from respin.restore import within
    from respin.spin import spin
    files = sorted(SCIENCE.glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    rc = respin.check_many(texts)
    words = sum(r.words for r in rc)
    rl = respin.check_many(texts, lexicons=("tortured",))
    phrases = [(f.name, t[x.start:x.end], x.suggestions[0] if x.suggestions else "")
               for f, t, r in zip(files, texts, rl) for x in r.findings if x.kind == "lexicon phrase"]
    changed = 0
    for t, r in zip(texts, rl):
        spans = [(x.start, x.end) for x in r.findings if x.kind == "lexicon phrase"]
        if spans:
            res = within(respin.restore(t, min_confidence=0.5, lexicons=("tortured",)), spans)
            changed += sum(len(e.spun.split()) for e in res.edits)
    spins = [spin(t, rate=0.25, style=("aggressive", "conservative", "crude")[i % 3], seed=i) for i, t in enumerate(texts)]
    rs = respin.check_many([s.text for s in spins])
    return {"documents": len(texts), "words": words,
            "clean_judged_spun": sum(r.spun for r in rc),
            "clean_judged_spun_files": [f.name for f, r in zip(files, rc) if r.spun],
            "clean_median_score": round(float(np.median([r.score for r in rc])), 3),
            "clean_findings_per_1000_words": round(1000 * sum(len(r.findings) for r in rc) / max(words, 1), 2),
            "clean_documents_with_findings": sum(bool(r.findings) for r in rc),
            "tortured_lexicon_phrases": len(phrases), "tortured_lexicon_phrases_listed": phrases[:10],
            "restore_only_lexicon_words_changed": changed,
            "spun_judged_spun": sum(r.spun for r in rs),
            "auc": round(auc([r.score for r in rs], [r.score for r in rc]), 3)}


def _bins(pairs_: list, width: float = 0.1) -> tuple[list, float | None]:
    """Reliability bins of (predicted probability, outcome) pairs: per bin of ``width``,
    the count, mean prediction, observed share and its Wilson 95% interval; and the
    expected calibration error (count-weighted |mean prediction - observed|)."""
    out = []
    k = round(1 / width)
    at = [min(int(x * k + 1e-9), k - 1) for x, _ in pairs_]  # (each value in one bin: 0.6 * 10 is 5.999...)
    for b in range(k):
        lo = b * width
        got = [xy for xy, j in zip(pairs_, at) if j == b]
        if got:
            hits = sum(y for _, y in got)
            n, p = len(got), hits / len(got)
            z = 1.96
            mid, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
            out.append({"bin": [round(lo, 2), round(lo + width, 2)], "n": n, "mean_predicted": round(sum(x for x, _ in got) / n, 3),
                        "observed": round(p, 3), "observed_95": [round(mid - half, 2), round(mid + half, 2)]})
    n = len(pairs_)
    ece = sum(x["n"] / n * abs(x["mean_predicted"] - x["observed"]) for x in out) if n else None
    return out, None if ece is None else round(ece, 3)


def reliability_scores(first: int = 4000, n: int = 600) -> dict:
    """Whether the probabilities `check` prints mean what they say, on held-out Wikipedia
    leads (never trained on), each clean and spun (every simulator style in turn, rates
    0.15 and 0.35): the document score against "spun" on this 50/50 mix (the mix it was
    trained on; for a corpus where a share pi is spun, odds scale by pi / (1 - pi)), and the
    confidence of findings (checked at --min-confidence 0, every word with a posterior)
    against "the flagged token was substituted" (METRICS.md, per token: the confidence of
    the finding over it)."""
    from respin import corpora
    from respin.spin import spin
    leads = [t for t in list(corpora.wikipedia_leads(limit_docs=first + n))[first:first + n] if len(t.split()) >= 40]
    docs, words = [], []
    for i, t in enumerate(leads):
        sp = spin(t, rate=(0.15, 0.35)[i // 3 % 2], style=("aggressive", "conservative", "crude")[i % 3], seed=7000 + i).text
        if sp == t:
            continue
        docs += [(respin.check(t).score, 0), (respin.check(sp).score, 1)]
        rep = respin.check(sp, min_confidence=0.0)
        for ls, lo, start in zip(sp.splitlines(keepends=True), t.splitlines(), _line_starts(sp)):
            sub = substituted(ls.rstrip("\r\n"), lo)
            for (w, a, b), s in zip(toks(ls.rstrip("\r\n")), sub):
                c = [f.confidence for f in rep.findings if f.start < start + b and start + a < f.end]
                if c:
                    words.append((max(c), int(s)))
    doc_bins, doc_ece = _bins(docs)
    word_bins, word_ece = _bins(words)
    return {"leads": [first, first + n], "documents": len(docs), "document_score": {"ece": doc_ece, "bins": doc_bins},
            "flagged_tokens": len(words), "finding_confidence": {"ece": word_ece, "bins": word_bins}}


def language_scores(n_leads: int = 10000) -> dict:
    """English set aside as not English (respin.language), which would hide spun English:
    sentences and words of the seeds, the negative corpus, the test cases, the dev pairs
    (both sides) and the first ``n_leads`` Wikipedia leads; the cost of the language pass."""
    import glob
    import time as _t
    import respin.language as L
    from respin import corpora
    from respin.tokenize import Document
    files = sorted(glob.glob(str(ROOT / "seeds" / "*.txt")) + glob.glob(str(ROOT / "tests" / "negative" / "**" / "*.txt"), recursive=True)
                   + glob.glob(str(ROOT / "tests" / "cases" / "**" / "*.txt"), recursive=True)
                   + glob.glob(str(SHARED / "dev-pairs" / "**" / "*.txt"), recursive=True))
    texts = [Path(f).read_text(encoding="utf-8", errors="replace") for f in files]
    if corpora.wikipedia_summaries_path() is not None:
        texts += list(corpora.wikipedia_leads(limit_docs=n_leads))
    spent = [0.0]
    real = L.foreign_sentences

    def timed(*a, **k):
        t0 = _t.perf_counter()
        try:
            return real(*a, **k)
        finally:
            spent[0] += _t.perf_counter() - t0
    L.foreign_sentences = timed
    words = aside = sentences = 0
    examples = []
    try:
        t0 = _t.perf_counter()
        for t in texts:
            d = Document.from_text(t)
            words += d.n_words
            for a, b in d.foreign:
                sentences += 1
                aside += sum(d._word_mask[a:b])
                if len(examples) < 5:
                    examples.append(d.sentence_text((a, b))[:120])
        total = _t.perf_counter() - t0
    finally:
        L.foreign_sentences = real
    return {"texts": len(texts), "words": words, "english_sentences_set_aside": sentences, "english_words_set_aside": aside,
            "examples": examples, "language_pass_us_per_text": round(1e6 * spent[0] / max(1, len(texts)), 1),
            "share_of_tokenising": round(spent[0] / total, 3) if total else None}


def _line_starts(text: str) -> list[int]:
    out, at = [], 0
    for line in text.splitlines(keepends=True):
        out.append(at)
        at += len(line)
    return out


# ------------------------------------------------------------------------------ speed
def synthetic_pair(n_words: int) -> tuple[str, str]:
    from respin.spin import spin
    from respin import corpora
    paras, count = [], 0
    for t in corpora.wikipedia_leads():
        paras.append(t.replace("\n", " "))
        count += len(t.split())
        if count >= n_words:
            break
    orig = "\n".join(paras) + "\n"
    return spin(orig, rate=0.3, seed=7).text, orig


def speed() -> dict:
    out = {"restore_with_source": {}}
    for n in (1_000, 10_000, 100_000):
        spun, orig = synthetic_pair(n)
        t = time.perf_counter()
        respin.restore(spun, source=orig)
        out["restore_with_source"][f"{n:,} words"] = round(time.perf_counter() - t, 3)
    spun, _ = synthetic_pair(20_000)
    respin.check("warm up the model.")
    respin._model(None).warm()  # "once the model is loaded": the decoded LM table too
    words = len(TOKEN.findall(spun))
    # "Per core": this process's CPU time, so that other work on the machine does not count.
    clock = time.process_time
    t = clock()
    respin.check(spun)
    dt = clock() - t
    t = clock()  # again: word types now met, as in a long run over one kind of text
    respin.check(spun)
    dt_again = clock() - t
    t = clock()
    for _ in range(5):
        TOKEN.findall(spun)
    dt_re = (clock() - t) / 5
    out["check_words_per_second"] = round(words / dt)
    out["check_words_per_second_words_met_before"] = round(words / dt_again)
    out["regex_tokenise_words_per_second"] = round(words / dt_re)
    # Short records (corpus filtering): the same text cut into records of 20-80 words,
    # checked one call each and with check_many; other unseen leads, so that neither
    # profits from word types the other looked up.
    import random
    rng = random.Random(3)
    toks = synthetic_pair(40_000)[0].split()[20_000:]
    records, at = [], 0
    while at < len(toks):
        k = rng.randint(20, 80)
        records.append(" ".join(toks[at:at + k]))
        at += k
    half = len(records) // 2
    n1 = sum(len(TOKEN.findall(r)) for r in records[:half])
    n2 = sum(len(TOKEN.findall(r)) for r in records[half:])
    t = clock()
    for r in records[:half]:
        respin.check(r)
    d1 = clock() - t
    t = clock()
    respin.check_many(records[half:])
    d2 = clock() - t
    out["short_records_check_words_per_second"] = {"one_call_each": round(n1 / d1), "check_many": round(n2 / d2),
                                                   "records": len(records)}
    page = SEEDS / "000_e72a5ed2cbd8b2e3.txt"
    exe = [sys.executable, "-c",
           # VmHWM, not ru_maxrss: the latter survives exec and reports the (large) parent.
           "import re,sys;from respin.cli import main;rc=main(['check','-q',sys.argv[1]]);"
           "print(re.search(r'VmHWM:\\s+(\\d+)',open('/proc/self/status').read()).group(1),file=sys.stderr)",
           str(page)]
    # An installed package has its bytecode compiled (pip does it); a development shell with
    # PYTHONDONTWRITEBYTECODE would recompile respin's modules on every start (~0.08 s).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", "import respin.cli, respin.model, respin.evidence_vec"], env=env, cwd=ROOT)
    walls = []
    for _ in range(3):
        t = time.perf_counter()
        p = subprocess.run(exe, capture_output=True, text=True, cwd=ROOT, env=env)
        walls.append(time.perf_counter() - t)
    out["cold_start_check_one_page_s"] = round(min(walls), 3)
    out["peak_rss_mb_one_page"] = round(int(p.stderr.strip().splitlines()[-1]) / 1024, 1)
    # A long document (about 300k words, ~2 MB) to show how memory grows with length.
    import tempfile
    big, _ = synthetic_pair(300_000)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(big)
    t = time.perf_counter()
    p = subprocess.run(exe[:3] + [f.name], capture_output=True, text=True, cwd=ROOT, env=env)
    out["check_300k_words_s"] = round(time.perf_counter() - t, 1)
    out["peak_rss_mb_300k_words"] = round(int(p.stderr.strip().splitlines()[-1]) / 1024, 1)
    os.unlink(f.name)
    return out


def section_scores() -> dict:
    """Spun articles inside long clean documents (``check(sections=True)``): seeds joined as
    paragraphs, and pages of 12 held-out Wikipedia leads, clean or with k of them spun by the
    simulator (rate 0.3, aggressive and conservative alternating); clean pages of the
    negative corpus's technical and literary texts. Each figure: documents judged spun."""
    import random
    from respin import corpora
    from respin.spin import spin
    seeds = {f.name[:3]: f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("0*.txt"))}
    out: dict = {"seeds_joined": {}}
    for order in (("004", "003"), ("003", "000"), ("000", "003"), ("000", "001", "002", "003", "004"),
                  ("000", "001", "004")):
        parts = [seeds[k] for k in order]
        text = "\n\n".join(parts)
        rep = respin.check(text, sections=True)
        at = text.find(seeds["003"]) if "003" in order else -1
        inside = sum(at <= f.start < at + len(seeds["003"]) for f in rep.findings) if at >= 0 else 0
        out["seeds_joined"][" + ".join(order)] = {
            "score": round(rep.score, 3), "spun": rep.spun, "findings": len(rep.findings),
            "findings_outside_003": len(rep.findings) - inside,
            "parts_lines": [[p[3], p[4]] for p in rep.parts]}
    for first, last in ((6000, 9600), (3000, 6000)):
        leads = [t for t in list(corpora.wikipedia_leads(limit_docs=last))[first:last] if len(t.split()) >= 40]
        pages = [leads[i:i + 12] for i in range(0, len(leads) - 12, 12)]
        row = {"pages": len(pages), "words_per_page": sum(len(" ".join(p).split()) for p in pages) // max(len(pages), 1),
               "clean_judged_spun": sum(respin.check("\n\n".join(p), sections=True).spun for p in pages)}
        for k in (3, 4, 6):
            spun = 0
            for j, page in enumerate(pages):
                page = list(page)
                for q in range(4, 4 + k):
                    page[q] = spin(page[q], rate=0.3, seed=j, style="aggressive" if j % 2 else "conservative").text
                spun += respin.check("\n\n".join(page), sections=True).spun
            row[f"{k}_of_12_spun_judged_spun"] = spun
        out[f"wikipedia_leads_{first}_{last}"] = row
    neg = {f.name: f.read_text(encoding="utf-8") for f in sorted((ROOT / "tests" / "negative").glob("**/*.txt"))}
    tech = [n for n in neg if n.startswith(("sci_", "abstract_", "api_", "story", "poem", "weather", "indian", "legal"))]
    rng = random.Random(0)
    reps = [respin.check("\n\n".join(neg[n] for n in rng.sample(tech, rng.choice([4, 5, 6]))), sections=True)
            for _ in range(200)]
    out["technical_pages"] = {"pages": len(reps), "judged_spun": sum(r.spun for r in reps),
                              "findings": sum(len(r.findings) for r in reps)}
    # Real spinner excerpts (the dev pairs, ~250 words) put in the middle of 2,070 words of
    # clean news (seeds 000 and 001): shorter than a section, they are diluted in it too.
    carrier = (seeds["000"] + "\n\n" + seeds["001"]).split("\n")
    mid = len(carrier) // 2
    embedded = {"spun": [0, 0], "original": [0, 0]}  # judged spun: without, with sections
    for name, spun, orig in pairs("spinner"):
        for kind, part in (("spun", spun), ("original", orig)):
            text = "\n".join(carrier[:mid] + [part.strip()] + carrier[mid:])
            embedded[kind][0] += respin.check(text).spun
            embedded[kind][1] += respin.check(text, sections=True).spun
    out["dev_excerpts_in_clean_news"] = {"excerpts": len(pairs("spinner")), "judged_spun_without_with_sections": embedded}
    # Long clean text far from news, where this machine has it (why sections are opt-in):
    # licences and Vim's manual as the system installs them, the first 5,000 leads joined.
    import glob
    long_texts = []
    for f in sorted(glob.glob("/usr/share/common-licenses/*")) + sorted(glob.glob("/usr/share/vim/vim*/doc/*.txt")):
        try:
            t = Path(f).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(t.split()) >= 800:
            long_texts.append(t)
    leads = list(corpora.wikipedia_leads(limit_docs=5000))
    long_texts.append("\n\n".join(leads))
    # Technical prose held out from training (scipy's docstrings, as --only technical reads
    # them), 15 texts of ~135 words joined into each of ten texts of ~2,000 words.
    docs = list(corpora.docstring_prose(packages=TECHNICAL_PACKAGES))
    tech_long = ["\n\n".join(docs[k:k + 15]) for k in range(0, min(len(docs) - 14, 150), 15)]
    out["technical_long_texts"] = {"texts": len(tech_long), "words": sum(len(t.split()) for t in tech_long),
                                   "judged_spun_with_sections": sum(respin.check(t, sections=True).spun
                                                                    for t in tech_long)}
    # Clean scientific prose of our own (benchmarks/clean_science, evaluation only), 4-6
    # passages joined at random, 60 texts of ~3,700 words (as the technical pages above).
    sci = [f.read_text(encoding="utf-8") for f in sorted(SCIENCE.glob("*.txt"))]
    rng = random.Random(0)
    sci_texts = ["\n\n".join(rng.sample(sci, rng.choice([4, 5, 6]))) for _ in range(60)] if len(sci) >= 6 else []
    sci_reps = [respin.check(t, sections=True) for t in sci_texts]
    out["clean_science_joined"] = {"texts": len(sci_texts), "judged_spun_whole": sum(respin.check(t).spun for t in sci_texts),
                                   "judged_spun_with_sections": sum(r.spun for r in sci_reps),
                                   "findings": sum(len(r.findings) for r in sci_reps)}
    judged = [(respin.check(t).spun, respin.check(t, sections=True).spun) for t in long_texts]
    out["long_clean_texts"] = {"texts": len(judged), "words": sum(len(t.split()) for t in long_texts),
                               "judged_spun_whole": sum(a for a, _ in judged),
                               "judged_spun_with_sections": sum(b for _, b in judged)}
    return out


# Web page furniture of our own for page_scores() (no third-party text).
_MENUS = ["Home | News | World | Business | Sport | Culture | Contact", "Home » Science » Environment",
         "Politics | Economy | Health | Tech | Travel", "Menu  Search  Subscribe  Log in"]
_TOPS = ["Accept cookies? We use cookies to improve your experience. [Accept] [Reject]",
        "By {name} | Published {date} | Updated 10:02", "By {name}", "{date}", "Advertisement",
        "Breaking News", "Listen to this article (4 min)", "Posted by admin on {date}"]
_BOTTOMS = ["Share this article: Facebook Twitter Email WhatsApp", "Share", "Tags: {t1}, {t2}, {t3}",
           "© 2024 {site}. All rights reserved. Privacy Policy | Terms of Use", "Read more", "12 comments",
           "Sign up for our newsletter to get the latest stories in your inbox.",
           "This article was first published on {site}.", "Click here to read more stories like this.",
           "Filed under: {t1}", "Advertisement"]
_TITLES = ["Ten Budget Laptops For Students This Year", "How To Cut Your Electricity Bill",
          "Local Chef Opens A Second Restaurant", "Five Hiking Trails Near The City", "What The New Tax Rules Mean",
          "Why Rents Keep Rising In Coastal Towns", "A Guide To Winter Tyres", "Inside The New Library",
          "The Best Podcasts Of The Month", "Council Approves New Bus Lanes", "Storm Damage Closes Schools",
          "Markets Rise After Rate Decision"]
_NAMES = ["Staff Writer", "Jane Holloway", "R. Okafor", "The Newsdesk", "Amit Deshpande"]
_SITES = ["DailyNewsHub", "The Morning Ledger", "newsroundup.example", "TopStoriesNow"]
_TOPICS = ["news", "local", "world", "science", "history", "nature", "breaking", "culture"]


def furnish(body: str, rng: random.Random) -> str:
    """``body`` inside a web page's furniture, drawn by ``rng``: lines above (a menu, a cookie
    banner, a byline or date, a headline) and below (share, tags, copyright, newsletter,
    related links)."""
    f = dict(name=rng.choice(_NAMES), date=f"March {rng.randint(1, 28)}, 2024", site=rng.choice(_SITES),
             t1=rng.choice(_TOPICS), t2=rng.choice(_TOPICS), t3=rng.choice(_TOPICS))
    top = [rng.choice(_MENUS)] * rng.randint(0, 1) + [x.format(**f) for x in rng.sample(_TOPS, rng.randint(1, 3))]
    top.append(rng.choice(_TITLES))  # a headline of its own (the page's, not of the leads)
    bottom = [x.format(**f) for x in rng.sample(_BOTTOMS, rng.randint(2, 5))]
    if rng.random() < 0.6:
        bottom += ["Related posts:"] + ["- " + t for t in rng.sample(_TITLES, 3)]
    return "\n".join(top) + "\n\n" + body + "\n\n" + "\n".join(bottom) + "\n"


def page_scores(first=6000, last=9600, per_page=3):
    """Articles inside web pages: held-out Wikipedia leads (never trained on) as pages of three,
    clean or spun by the simulator (rate 0.3, the styles in turn), bare and inside furniture of
    our own making (:func:`furnish`: menus, bylines, a headline, share lines, tags, link lists,
    copyright and newsletter lines, some of them sentences). Per kind: pages judged spun and
    findings; AUC of spun against clean, bare and furnished."""
    import random
    from respin import corpora
    from respin.spin import spin
    leads = [t for t in list(corpora.wikipedia_leads(limit_docs=last))[first:last] if len(t.split()) >= 40]
    pages = [leads[i:i + per_page] for i in range(0, len(leads) - per_page, per_page)][:400]
    styles = ("aggressive", "conservative", "crude")
    rows = {"clean": [], "clean_furnished": [], "spun": [], "spun_furnished": []}
    for j, page in enumerate(pages):
        clean = "\n\n".join(page)
        spun = "\n\n".join(spin(x, rate=0.3, seed=j * 10 + k, style=styles[j % 3]).text for k, x in enumerate(page))
        for kind, text in (("clean", clean), ("spun", spun)):
            rng = random.Random(j)  # (the same furniture around both)
            rows[kind].append(respin.check(text))
            rows[kind + "_furnished"].append(respin.check(furnish(text, rng)))
    out = {"pages": len(pages)}
    for k, reps in rows.items():
        out[k] = {"judged_spun": sum(r.spun for r in reps), "findings": sum(len(r.findings) for r in reps)}
    s = {k: [r.score for r in v] for k, v in rows.items()}
    out["auc_bare"] = round(auc(s["spun"], s["clean"]), 4)
    out["auc_furnished"] = round(auc(s["spun_furnished"], s["clean_furnished"]), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["restore", "detect", "wrapped", "length", "speed", "reliability", "language",
                                       "sections", "pages", "masked", "technical", "science"])
    ap.add_argument("--json", action="store_true", help="print raw JSON")
    a = ap.parse_args()
    res = {"respin_version": respin.__version__}
    from respin import corpora
    # Parts built on held-out Wikipedia leads say so instead of reporting zeros without them.
    leads = corpora.wikipedia_summaries_path() is not None
    skipped = {"skipped": f"needs the Wikipedia leads: {corpora.WIKI_HINT}"}
    if not leads and a.only in (None, "detect", "length", "speed", "reliability"):
        print(f"bench: the parts on Wikipedia leads are skipped ({corpora.WIKI_HINT})", file=sys.stderr)
    if a.only in (None, "restore"):
        res["restore_dev_pairs_spinner"] = restoration_scores(pairs("spinner"))
        res["restore_dev_pairs_mt_roundtrip"] = restoration_scores(pairs("mt"))
        res["seed_relations_vs_000"] = seed_relations()
        res["seed_003_partial_source"] = partial_source_003()
    if a.only in (None, "detect"):
        res["detect_seeds"] = seed_scores()
        res["detect_dev_pairs_spinner"] = detection_scores(pairs("spinner"), clean_docs=clean_documents(), ci=True)
        res["detect_dev_pairs_mt_roundtrip"] = detection_scores(pairs("mt"))
        res["detect_simulated_heldout"] = simulated_scores() if leads else skipped
        res["detect_word_curve"] = {"dev_pairs_spinner": word_curve(pairs("spinner")),
                                    "simulated_heldout": word_curve(simulated_items()) if leads else skipped}
        res["restore_without_source_dev_pairs_spinner"] = restoration_scores(pairs("spinner"), use_source=False)
    if a.only in (None, "wrapped"):
        res["detect_wrapped"] = wrapped_scores()
    if a.only in (None, "length"):
        res["detect_by_length"] = length_scores() if leads else skipped
    if a.only in (None, "sections"):
        res["detect_spun_sections"] = section_scores() if leads else skipped
    if a.only in (None, "pages"):
        res["detect_web_pages"] = page_scores() if leads else skipped
    if a.only in (None, "masked"):
        res["detect_masked_lookalike"] = masked_scores()
        res["detect_masked_other_forms"] = masked_scores(mask_forms)
    if a.only in (None, "technical"):
        res["detect_technical_prose"] = technical_scores()
    if a.only in (None, "science"):
        res["detect_clean_science"] = science_scores()
    if a.only in (None, "language"):
        res["language_english_set_aside"] = language_scores()
    if a.only in (None, "reliability"):
        res["reliability_heldout"] = reliability_scores() if leads else skipped
    if a.only in (None, "speed"):
        res["speed"] = speed() if leads else skipped
    print(json.dumps(res, indent=1, default=lambda x: round(x, 4) if isinstance(x, float) else str(x)))


if __name__ == "__main__":
    main()
