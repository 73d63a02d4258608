"""Long documents are tokenised, scored and searched for phrases in blocks (to bound memory):
the blocks must give exactly the report of one pass. Small block sizes are forced here so
that a short text spans many blocks, with cuts inside paragraphs of findings, repeated
spun words (the spinner's-dictionary stage) and phrase matches."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import respin
from respin import evidence_vec, phrases, tokenize
from respin.tokenize import Document

ROOT = Path(__file__).resolve().parents[1]
SPUN = (ROOT / "seeds" / "003_8864450e50f74c75.txt").read_text(encoding="utf-8")


def _small_blocks(monkeypatch):
    monkeypatch.setattr(tokenize, "TOKENIZE_CHARS", 300)
    monkeypatch.setattr(evidence_vec, "BLOCK_ROWS", 40)
    monkeypatch.setattr(phrases, "MATCH_BLOCK", 3)


def test_blocked_check_is_the_one_pass_report(monkeypatch):
    text = SPUN + "\n\n" + SPUN  # each word type repeated: pooled (dictionary) findings
    one = asdict(respin.check(text))
    doc = Document.from_text(text)
    model = respin.model.default()
    n_rows = len(evidence_vec.evidence_table(doc, *respin.evidence.vectorised(model.lexicon, model.lm)))
    n_phrases = len(phrases.phrase_hits(doc, phrases.phrase_index(model.lexicon, phrases.table_for(model.lm))))
    _small_blocks(monkeypatch)
    blocked = asdict(respin.check(text))
    assert blocked == one
    # The forced sizes do cut: many blocks of each kind, and the report has findings of both kinds.
    assert len(text) > 20 * tokenize.TOKENIZE_CHARS and n_rows > 20 * evidence_vec.BLOCK_ROWS
    assert n_phrases > 3 * phrases.MATCH_BLOCK
    kinds = {f["kind"] for f in one["findings"]}
    assert one["spun"] and {"synonym swap", "phrase swap"} <= kinds


def test_blocked_tokenising_gives_the_same_document(monkeypatch):
    # Lines of every sort: blank ones, trailing spaces, a combining mark (another pattern
    # for its piece), CRLF, a line longer than a piece, no final newline.
    lines = ["The cafe\u0301 opened. It was busy!", "", "   ", "Dr. Smith said so.  ", "a\r", "x " * 400 + "end.",
             "Last line, no newline"]
    text = "\n".join(lines * 5)
    one = Document.from_text(text)
    monkeypatch.setattr(tokenize, "TOKENIZE_CHARS", 50)
    blocked = Document.from_text(text)
    assert blocked == one
    assert blocked._is_word() == one._is_word() and blocked.token_kinds == one.token_kinds
    assert len(one.token_texts) > 100


def test_transitions_scored_in_chunks_give_the_same_restoration(monkeypatch):
    """The decoder's lattice transitions are scored TRANSITION_CHUNK at a time (all at once,
    20,000 thesaurus words peaked at 560 MB): a tiny chunk, cut inside positions' runs, gives
    the same restoration."""
    from respin import decode
    text = SPUN[:6000]
    one = respin.restore(text, min_confidence=0.3).to_dict()
    seen = []
    transitions = decode._TableDecode._transitions
    monkeypatch.setattr(decode._TableDecode, "_transitions",
                        lambda self: (transitions(self), seen.append(len(self.T)))[0])
    monkeypatch.setattr(decode, "TRANSITION_CHUNK", 97)
    assert respin.restore(text, min_confidence=0.3).to_dict() == one
    assert one["edits"] and max(seen) > 20 * decode.TRANSITION_CHUNK


def test_pruning_windows_scored_term_by_term_give_the_same_restoration(monkeypatch):
    """A long text's block scores its pruning windows' LM terms one call a term (memory):
    the same restoration as one call for all, phrase windows included."""
    from respin import decode
    text = SPUN[:6000]
    calls = []
    score = decode._score
    monkeypatch.setattr(decode, "_score", lambda *a: (calls.append(len(a[1])), score(*a))[1])
    one = respin.restore(text, min_confidence=0.3).to_dict()
    n_one = len(calls)
    monkeypatch.setattr(decode, "PRUNE_SCORED", 0)
    assert respin.restore(text, min_confidence=0.3).to_dict() == one
    assert one["edits"] and len(calls) - n_one == n_one + 3  # (one block: one call more for each term)


def test_a_long_text_held_compactly_gives_the_same_document_and_report(monkeypatch):
    # Over COMPACT_CHARS the offsets are int64 arrays and each token type one string
    # object (memory); every column, word and report must be what the lists gave.
    text = SPUN + "\n\n" + SPUN
    one, report = Document.from_text(text), asdict(respin.check(text))
    monkeypatch.setattr(tokenize, "TOKENIZE_CHARS", 3000)
    monkeypatch.setattr(tokenize, "COMPACT_CHARS", 5000)
    compact = Document.from_text(text)
    assert type(compact.token_starts) is not list and type(one.token_starts) is list  # (the forced size does apply)
    assert list(compact.token_starts) == one.token_starts and list(compact.token_ends) == one.token_ends
    assert compact.token_texts == one.token_texts and compact.token_kinds == one.token_kinds
    assert compact.sentences == one.sentences and compact.paragraphs == one.paragraphs
    assert compact.lowered() == one.lowered() and compact.words() == one.words()
    assert asdict(respin.check(text)) == report and report["findings"]


def test_a_text_without_sentence_marks_is_cut_into_bounded_sentences(monkeypatch):
    # A transcript or dump without full stops was one sentence: every stage's memory grew
    # with it (4 MB: 1-5 GB). Pieces of at most MAX_SENTENCE_TOKENS, cut after a comma where
    # the second half has one, covering every token once, in order.
    monkeypatch.setattr(tokenize, "MAX_SENTENCE_TOKENS", 40)
    words = ("the mayor said the council would meet on monday and vote on the budget, "
             "which the opposition opposed ") * 30
    doc = Document.from_text(words + "\nA short line. Another one.\n")
    sents = doc.sentences
    assert sents[0][0] == 0 and sents[-1][1] == len(doc.token_texts)
    assert all(b == c for (_, b), (c, _) in zip(sents, sents[1:]))  # contiguous, in order
    assert max(b - a for a, b in sents) <= 40 and len(sents) > 10
    cut_after = [doc.token_texts[b - 1] for a, b in sents[:-3]]
    assert cut_after.count(",") >= len(cut_after) - 1  # at a comma of the piece's second half
    assert [doc.sentence_text(s) for s in sents[-2:]] == ["A short line.", "Another one."]
    report = respin.check(words)
    assert report.judged and all(words[f.start:f.end] == f.text for f in report.findings)
    # Not where a source or copies are aligned (identifiers=False): two versions of a long
    # line would be cut in different places, and the alignment lost at each cut.
    assert len(Document.from_text(words, identifiers=False).sentences) == 1


def test_a_long_text_is_lowered_in_runs_to_the_same_keys(monkeypatch):
    # Document.lowered of a text over COMPACT_CHARS takes LOWER_WORDS words at a time
    # (memory): words whose key depends on more than one character (a final sigma, a
    # combining accent, a ligature, a soft hyphen, a curly apostrophe, a dotted capital I)
    # get the keys of one pass, wherever a run ends.
    odd = "The ΟΔΟΣ and Σ cafe\u0301 ﬁnance in\u00adcome Don’t ΣΑΣ İstanbul report was filed."
    text = "\n".join([odd + " " + SPUN[:400]] * 20)
    one = Document.from_text(text).lowered()
    assert {"οδος", "σας", "café", "finance", "income", "don't"} <= set(one)
    monkeypatch.setattr(tokenize, "COMPACT_CHARS", 1000)
    for n in (1, 2, 3, 7, 1000):
        monkeypatch.setattr(tokenize, "LOWER_WORDS", n)
        assert Document.from_text(text).lowered() == one
