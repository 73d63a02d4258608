"""Restoration without a source, decoded as a noisy channel.

The original text is hidden; the spinner is a channel that replaced some words and phrases
by thesaurus neighbours. For each sentence we build a lattice: at every word, "keep it" or
one of its candidate originals (thesaurus neighbours, swaps from learned lexicons, number
words), some spanning several words ("as a result of" -> "because"). A path is scored by

    lm_weight * log P_LM(path) + sum over choices of  theta . channel_features(choice)

and the best path is found with a beam Viterbi over trigram states, so that adjacent swaps
("energy crops" -> "power plants") are restored as units. The weights (``lm_weight``,
``theta``) are not hand-set: :func:`fit` estimates them by conditional maximum likelihood
from spun/original pairs (see ``respin train`` and benchmarks/bench_restore.py).

Spinners are dictionary lookups: the same word becomes the same synonym every time. After a
first pass, the evidence for each (word -> original) mapping is summed over the other
occurrences of the same spun word in the document (one EM-style step on the document's
spinner dictionary) and fed back as one more channel feature; the second pass decodes
with it.

Every chosen edit gets a confidence: its share among the alternatives at that place, each
scored in the decoded context (the best path on both sides). Only edits at or above the
threshold are applied; the rest are reported as suggestions.

Pure functions on text plus the resources given; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .evidence import STOPWORDS, _Unigrams, _candidates
from .tokenize import PUNCT, Document

# Channel features of one choice, in this order. "keep" is the identity choice.
CHANNEL = (
    "keep",          # 1 for the identity choice
    "keep_common",   # identity: log10 unigram of the word (+6): common words are rarely spinner output
    "both",          # substitution linked in both WordNet and Moby
    "one_source",    # substitution linked in only one thesaurus
    "learned",       # log(1 + count) of the swap in the learned lexicons
    "rarer",         # substitution: unigram(candidate) - unigram(word), clipped: spinners pick rarer words
    "phrase",        # the choice spans or produces more than one word
    "number",        # digit -> number word
    "name",          # substitution of a capitalised word inside a sentence ("White Home")
    "rank",          # position of the candidate in the thesaurus prior order (0 best), / 12
    "pool",          # LM log-odds of this choice summed over the word's other occurrences in the document
)
N_FEAT = len(CHANNEL)
_F = {n: i for i, n in enumerate(CHANNEL)}

BEAM = 12               # trigram states kept per position
MAX_SUBST = 12          # thesaurus candidates per word (the precompiled table's length)
PRE_CANDIDATES = 12     # alternatives per word scored by the LM (best by channel score)
LATTICE_CANDIDATES = 4  # alternatives per word kept in the lattice
PRUNE_MARGIN = 6.0      # nats below "keep the word" beyond which an alternative is dropped
POOL_CLIP = 12.0        # bound on the pooled log-odds (nats)
_NUMBERS = {str(i): w for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


@dataclass(slots=True)
class Params:
    """Decoder weights: ``lm_weight`` on log10 LM scores, ``theta`` on :data:`CHANNEL`."""
    lm_weight: float
    theta: list[float]
    threshold: float = 0.9   # default confidence an edit needs to be applied

    def to_dict(self) -> dict:
        return {"lm_weight": self.lm_weight, "theta": dict(zip(CHANNEL, self.theta)),
                "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> "Params":
        th = d["theta"]
        return cls(float(d["lm_weight"]), [float(th.get(n, 0.0)) for n in CHANNEL], float(d.get("threshold", 0.9)))


# A starting point before fitting: fit()'s x0, and the weights of a model folder without decoder.json.
DEFAULT_PARAMS = Params(1.4, [3.5, 0.0, 1.4, 0.5, 0.0, -1.4, 0.0, -4.0, -0.5, -2.3, 0.5])


@dataclass(slots=True)
class Option:
    start: int                 # word position in the sentence
    length: int                # spun words covered
    out: tuple[str, ...]       # lower-case output words
    feats: list[float]
    key: tuple[str, ...] = ()  # spun words covered (for pooling)
    base: float = 0.0          # theta . feats without the pooling term (set by Decoder.options)


@dataclass(slots=True)
class Choice:
    """A decoded substitution: word positions [start, start+length) of a sentence -> out."""
    sent: int
    start: int
    length: int
    out: tuple[str, ...]
    confidence: float
    alternatives: list[tuple[tuple[str, ...], float]] = field(default_factory=list)


def _feat(**kw) -> list[float]:
    f = [0.0] * N_FEAT
    for k, v in kw.items():
        f[_F[k]] = v
    return f


class Decoder:
    """Noisy-channel decoder over one model's resources (thread-safe for reading)."""

    def __init__(self, thesaurus, lm, params: Params, swaps=None, prune: bool = True) -> None:
        self.thesaurus, self.lm, self.params = thesaurus, lm, params
        self.prune = prune
        self._cache: dict = {}
        self.swaps = swaps
        self.uni = _Unigrams(lm)
        self.tri = getattr(lm, "trigram", None) or (lambda w, a, b: lm.logprob(w, (a, b)))
        self._theta_pool = params.theta[_F["pool"]]

    # -- candidates ----------------------------------------------------------------------------
    def _word_options(self, w: str, cap: bool) -> tuple:
        """(identity (feats, base), alternatives [(out, feats, base)] best channel first) of a
        word type: they depend on the word alone, so they are computed once per process."""
        key = (w, cap)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        uni = self.uni
        th = self.params.theta
        f = _feat(keep=1.0, keep_common=max(0.0, uni(w) + 6.0))
        ident = (f, _dot(th, f))
        alts = []
        if w in _NUMBERS:
            f = _feat(number=1.0)
            alts.append(((_NUMBERS[w],), f, _dot(th, f)))
        elif w not in STOPWORDS and len(w) >= 3 and w.isalpha() and self.thesaurus is not None:
            entry = _candidates(self.thesaurus, self.lm, w, uni)
            if entry is not None:
                cands, flags = entry
                uw = uni(w)
                for r, c in enumerate(cands[:MAX_SUBST]):
                    fl = flags[c]
                    f = _feat(both=float(fl == 3), one_source=float(fl != 3), rarer=_clip(uni(c) - uw, 3.0),
                              name=float(cap), rank=r / 12.0)
                    alts.append(((c,), f, _dot(th, f)))
        alts.sort(key=lambda t: -t[2])
        if self.prune:
            alts = alts[:PRE_CANDIDATES]
        if len(self._cache) > 200_000:  # bounded memory in long-running processes
            self._cache.clear()
            self.uni.clear()
        hit = self._cache[key] = (ident, alts)
        return hit

    def options(self, words: list[str], caps: list[bool], joined: list[bool] | None = None) -> list[list[Option]]:
        """Choices starting at each word position (identity first). Multi-word swaps span
        only words that ``joined`` says are separated by spaces alone (default: all)."""
        opts: list[list[Option]] = []
        sw = self.swaps
        th = self.params.theta
        for i, w in enumerate(words):
            (fi, bi), alts = self._word_options(w, caps[i])
            here = [Option(i, 1, (w,), fi, (w,), bi)]
            seen = {(w,)}
            if sw:  # learned swaps, possibly multi-word on either side
                for L in range(1, min(sw.max_len, len(words) - i) + 1):
                    if L > 1 and joined is not None and not joined[i + L - 2]:
                        break  # punctuation between the words: no swap across it
                    key = tuple(words[i:i + L])
                    for out, c in sw.lookup(key).items():
                        if L == 1 and out in seen:
                            continue
                        if L == 1:
                            seen.add(out)
                        f = _feat(learned=math.log1p(c), phrase=float(L > 1 or len(out) > 1), name=float(caps[i]))
                        if L == 1 and len(out) == 1:
                            fl = self.thesaurus.are_synonyms(w, out[0]) if self.thesaurus is not None else 0
                            f[_F["both" if fl == 3 else "one_source"]] = 1.0 if fl else 0.0
                            f[_F["rarer"]] = _clip(self.uni(out[0]) - self.uni(w), 3.0)
                        here.append(Option(i, L, out, f, key, _dot(th, f)))
            for out, f, b in alts:
                if out not in seen:
                    here.append(Option(i, 1, out, f, (w,), b))
            opts.append(self._prune(here, words, i))
        return opts

    def _prune(self, here: list[Option], words: list[str], i: int) -> list[Option]:
        """Keep the alternatives worth a place in the lattice: the best few by channel score,
        then those whose local gain (LM window in the spun context plus channel) comes within
        PRUNE_MARGIN of keeping the word. Most words keep only themselves, which is what
        makes decoding cheap."""
        if len(here) == 1 or not self.prune:
            return here
        keep = here[0]
        alts = here[1:]
        lw = self.params.lm_weight
        u, v = _hist(words, i)
        ref = keep.base + lw * self._window(keep, words, u, v)
        scored = []
        for o in alts:
            g = o.base + lw * self._window(o, words, u, v) - ref
            if g > -PRUNE_MARGIN:
                scored.append((g, o))
        scored.sort(key=lambda t: -t[0])
        return [keep] + [o for _, o in scored[:LATTICE_CANDIDATES]]

    def _window(self, o: Option, words: list[str], u, v) -> float:
        s = 0.0
        right = words[o.start + o.length:o.start + o.length + 2]
        for y in list(o.out) + right:
            s += self._lm(y, u, v)
            u, v = v, y
        return s

    # -- scoring ---------------------------------------------------------------------------------
    def _lm(self, w: str, u: str | None, v: str) -> float:
        if u is None:
            return self.lm.logprob(w, (v,))
        return self.tri(w, u, v)

    def _channel(self, o: Option, pool: dict | None) -> float:
        if pool is None:
            return o.base
        return o.base + self._theta_pool * pool.get((o.key, o.out), 0.0)

    def viterbi(self, words: list[str], opts: list[list[Option]], pool: dict | None) -> list[Option]:
        """Best path through the lattice: a list of options covering every position."""
        n = len(words)
        lw = self.params.lm_weight
        # beams[i]: state (u, v) -> (score, option, previous state key, previous position)
        beams: list[dict] = [dict() for _ in range(n + 1)]
        beams[0][(None, "<s>")] = (0.0, None, None)
        chan = [[self._channel(o, pool) for o in here] for here in opts]
        for i in range(n):
            beam = beams[i]
            if not beam:
                continue
            if len(beam) > BEAM:
                beam = dict(sorted(beam.items(), key=lambda kv: -kv[1][0])[:BEAM])
                beams[i] = beam
            for state, (score, _, _) in beam.items():
                for o, c in zip(opts[i], chan[i]):
                    u, v = state
                    s = score + c
                    for y in o.out:
                        s += lw * self._lm(y, u, v)
                        u, v = v, y
                    j = i + o.length
                    nxt = (u, v)
                    cur = beams[j].get(nxt)
                    if cur is None or s > cur[0]:
                        beams[j][nxt] = (s, o, state)
        # sentence end
        best, best_s = None, -math.inf
        for state, (score, _, _) in beams[n].items():
            s = score + lw * self._lm("</s>", state[0], state[1])
            if s > best_s:
                best, best_s = state, s
        path: list[Option] = []
        j, state = n, best
        while j > 0:
            _, o, prev = beams[j][state]
            path.append(o)
            j -= o.length
            state = prev
        path.reverse()
        return path

    def local(self, words, opts, path) -> list[tuple[int, list[tuple[Option, float]]]]:
        """For each place on ``path`` with alternatives: every option starting there with the
        log10 LM score of its window, the decoded words (the path) on both sides."""
        n = len(words)
        out_at: list[tuple[str, ...] | None] = [None] * n  # outputs emitted at each start position
        for o in path:
            out_at[o.start] = o.out
        res = []
        hist = ["<s>"]  # the decoded words so far (a running history: linear in the sentence)
        for o_chosen in path:
            i = o_chosen.start
            u, v = (None, "<s>") if len(hist) == 1 else (hist[-2], hist[-1])  # as the Viterbi states
            hist.extend(o_chosen.out)
            del hist[:-2]
            if len(opts[i]) == 1:
                continue
            end = i + o_chosen.length
            scored = []
            for o in opts[i]:
                j = i + o.length
                right = list(words[j:end]) if j < end else []
                k = max(j, end)
                while k < n and len(right) < 2:
                    if out_at[k]:
                        right.extend(out_at[k])
                    k += 1
                right = right[:2]
                s = 0.0
                uu, vv = u, v
                for y in list(o.out) + right:
                    s += self._lm(y, uu, vv)
                    uu, vv = vv, y
                if len(right) < 2:
                    s += self._lm("</s>", uu, vv)
                scored.append((o, s))
            res.append((i, scored))
        return res

    def conditionals(self, words, opts, path, pool) -> list[tuple[int, list[tuple[Option, float]]]]:
        """Posterior of every option at each place with alternatives, in decoded context."""
        return self.posteriors(self.local(words, opts, path), pool)

    def posteriors(self, local, pool) -> list[tuple[int, list[tuple[Option, float]]]]:
        lw = self.params.lm_weight
        res = []
        for i, scored in local:
            ss = [lw * s + self._channel(o, pool) for o, s in scored]
            m = max(ss)
            ex = [math.exp(x - m) for x in ss]
            z = sum(ex)
            res.append((i, [(o, e / z) for (o, _), e in zip(scored, ex)]))
        return res

    def nbest(self, words: list[str], start: int, end: int, k: int = 5, per_word: int = 4) -> list[tuple[tuple[str, ...], float]]:
        """The ``k`` likeliest originals of ``words[start:end]`` in its sentence, with their
        posterior among the combinations scored: every word's ``per_word`` best options
        (keep included) and the lexicon's multi-word swaps of the whole span, each scored by
        the LM over the sentence plus the channel. For a user asking "what did this phrase
        say?", and for the tortured-phrase benchmark."""
        import itertools

        if not 0 <= start < end <= len(words):
            raise ValueError(f"span [{start}, {end}) is not inside the {len(words)} words")
        words = [w.lower().replace("’", "'") for w in words]
        caps = [False] * len(words)
        full = Decoder(self.thesaurus, self.lm, self.params, self.swaps, prune=False)
        opts = full.options(words, caps)
        lw = self.params.lm_weight

        def sent_score(out_words):
            seq = words[:start] + list(out_words) + words[end:]
            s, u, v = 0.0, None, "<s>"
            for y in seq:
                s += self._lm(y, u, v)
                u, v = v, y
            return lw * (s + self._lm("</s>", u, v))

        per = []
        for i in range(start, end):
            ones = [o for o in opts[i] if o.length == 1]
            ones.sort(key=lambda o: -(o.base + lw * self._window(o, words, *(_hist(words, i)))))
            per.append(ones[:per_word])
        cands: dict[tuple[str, ...], float] = {}
        for combo in itertools.product(*per):
            out = tuple(y for o in combo for y in o.out)
            cands[out] = max(cands.get(out, -math.inf), sum(o.base for o in combo) + sent_score(out))
        for o in opts[start]:
            if o.length == end - start and o.length > 1:
                cands[o.out] = max(cands.get(o.out, -math.inf), o.base + sent_score(o.out))
        ranked = sorted(cands.items(), key=lambda t: -t[1])
        m = ranked[0][1]
        z = sum(math.exp(s - m) for _, s in ranked)
        return [(out, math.exp(s - m) / z) for out, s in ranked[:k]]

    # -- documents ---------------------------------------------------------------------------------
    def sentences(self, doc: Document):
        """(token indices, lower-case words, capitalised-inside flags, joined flags) per
        sentence; ``joined[i]``: only spaces separate word i from word i+1, so a multi-word
        swap may span them (it must not swallow the punctuation of "White (Home")."""
        toks = doc.tokens
        for s0, s1 in doc.sentences:
            idx = [k for k in range(s0, s1) if toks[k].kind != PUNCT]
            words = [toks[k].text.lower().replace("’", "'") for k in idx]
            caps = [p > 0 and toks[k].text[:1].isupper() for p, k in enumerate(idx)]
            joined = [b == a + 1 for a, b in zip(idx, idx[1:])] + [False]
            yield idx, words, caps, joined

    def decode(self, doc: Document, pool_passes: int = 1) -> list[Choice]:
        """Decoded substitutions of a document (all of them, with confidences)."""
        return self.decode_many([doc], pool_passes)[0]

    def decode_many(self, docs, pool_passes: int = 1) -> list[list[Choice]]:
        """:meth:`decode` for several documents whose evidence is pooled together: copies
        from one site (one spinner, one dictionary) tell each other how it maps a word."""
        sents = [(d, idx, words, caps, self.options(words, caps, joined))
                 for d, doc in enumerate(docs) for idx, words, caps, joined in self.sentences(doc)]
        pool = None
        results: list = [([], [])] * len(sents)  # per sentence: (best path, local LM scores)
        for it in range(pool_passes + 1):
            pooled = {k for k, _ in pool} if pool else set()
            for si, (d, idx, words, caps, opts) in enumerate(sents):
                if not words:
                    continue
                if pool is not None and not any(o.key in pooled for here in opts for o in here[1:]):
                    continue  # nothing pooled touches this sentence: the first pass stands
                path = self.viterbi(words, opts, pool)
                results[si] = (path, self.local(words, opts, path))
            if it < pool_passes:
                pool = _pool([loc for _, loc in results], self.params.lm_weight)
        out: list[list[Choice]] = [[] for _ in docs]
        first = {}
        for si, (d, *_rest) in enumerate(sents):
            first.setdefault(d, si)
        for si, (path, loc) in enumerate(results):
            d = sents[si][0]
            post = dict(self.posteriors(loc, pool))
            for o in path:
                if o.out == o.key and o.length == 1:
                    continue
                dist = post.get(o.start, [])
                conf = next((p for x, p in dist if x is o), 0.0)
                alts = sorted(((x.out, p) for x, p in dist if x.out != x.key or x.length != 1),
                              key=lambda t: -t[1])[:5]
                out[d].append(Choice(si - first[d], o.start, o.length, o.out, conf, alts))
        return out


def _hist(words: list[str], i: int):
    """(u, v) trigram history of position ``i``, as the Viterbi states hold it."""
    if i == 0:
        return None, "<s>"
    if i == 1:
        return "<s>", words[0]
    return words[i - 2], words[i - 1]


def _dot(theta, f) -> float:
    return sum(t * x for t, x in zip(theta, f) if x)


def _clip(x: float, c: float) -> float:
    return max(-c, min(c, x))


def _pool(locals_, lm_weight: float) -> dict:
    """Document-level evidence for each (spun key, output): the language model's log-odds
    of that output against keeping the word, summed over the word's occurrences and scaled
    by (n-1)/n so that an occurrence does not count its own vote (leave-one-out on average).

    A spinner maps a word the same way everywhere, so the evidence of many contexts adds
    up, as for a type-level (dictionary) hypothesis: one trigram context is weak evidence,
    twenty are strong. Only the LM part is summed: the channel prior is a property of the
    swap, to be counted once, not once per occurrence. Words seen once get nothing.

    ``locals_``: per sentence, :meth:`Decoder.local`'s output.
    """
    total: dict[tuple, float] = {}
    counts: dict[tuple, int] = {}
    for loc in locals_:
        for i, scored in loc:
            if not scored:
                continue
            for key in {o.key for o, _ in scored}:
                counts[key] = counts.get(key, 0) + 1
            keep = next((s for o, s in scored if o.out == o.key and o.length == 1), None)
            if keep is None:
                continue
            for o, s in scored:
                if o.out == o.key and o.length == 1:
                    continue
                k = (o.key, o.out)
                total[k] = total.get(k, 0.0) + lm_weight * (s - keep)
    pool = {}
    for k, t in total.items():
        n = counts[k[0]]
        if n >= 2:
            pool[k] = _clip(t * (n - 1) / n, POOL_CLIP)
    return pool


def _case_like(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1 and len(word) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _cased(words: list[str], toks, sentence_initial: bool) -> list[str]:
    """Output words in the case of the spun words they replace: all capitals if the spun
    words are ("BECAUSE" -> "AS A RESULT OF"), else word by word, extra words lower-case;
    a sentence-initial digit becomes a capitalised word ("3 people" -> "Three people").

    >>> from respin.tokenize import tokenize
    >>> _cased(["as", "a", "result", "of"], tokenize("BECAUSE"), False), _cased(["three"], tokenize("3"), True)
    (['AS', 'A', 'RESULT', 'OF'], ['Three'])
    """
    letters = "".join(c for t in toks for c in t.text if c.isalpha())
    if len(letters) > 1 and letters.isupper():
        return [w.upper() for w in words]
    out = [_case_like(w, toks[k].text) if k < len(toks) else w for k, w in enumerate(words)]
    if sentence_initial and out and not any(c.isalpha() for c in toks[0].text):
        out[0] = out[0][:1].upper() + out[0][1:]
    return out


def _joint(choices: list[Choice]) -> list[float]:
    """Confidence per choice, adjacent choices of a sentence taken together: each place's
    posterior assumes its neighbours as decoded, so a run of edits that only make sense
    together ("counterfeit consciousness" -> "artificial intelligence") is applied or
    suggested as a whole, at the confidence of its least sure member."""
    conf = [c.confidence for c in choices]
    i = 0
    while i < len(choices):
        j = i
        while (j + 1 < len(choices) and choices[j + 1].sent == choices[i].sent
               and choices[j + 1].start == choices[j].start + choices[j].length):
            j += 1
        low = min(conf[i:j + 1])
        conf[i:j + 1] = [low] * (j + 1 - i)
        i = j + 1
    return conf


def restore_edits(text: str, decoder: Decoder, threshold: float, doc: Document | None = None, choices=None):
    """(applied edits, suggestions below the threshold) for ``text``, as :class:`Edit` lists;
    ``choices``: the document's decoded choices when they were decoded with others
    (:meth:`Decoder.decode_many`)."""
    from .restore import FORMAT, OTHER, PHRASE, SYNONYM, Edit, _apostrophe_style

    doc = doc or Document.from_text(text)
    sents = list(decoder.sentences(doc))
    apo = _apostrophe_style(text)
    applied, suggested = [], []
    choices = decoder.decode(doc) if choices is None else choices
    for ch, conf in zip(choices, _joint(choices)):
        idx = sents[ch.sent][0]
        toks = [doc.tokens[k] for k in idx[ch.start:ch.start + ch.length]]
        start, end = toks[0].start, toks[-1].end
        spun = text[start:end]
        words = _cased(list(ch.out), toks, ch.start == 0)
        rep = " ".join(words)
        if apo == "’" or (apo is None and "’" in spun):
            rep = rep.replace("'", "’")
        kind = (FORMAT if any(t.text.isdigit() for t in toks) else
                PHRASE if len(toks) > 1 or len(words) > 1 else
                SYNONYM if decoder.thesaurus is not None and decoder.thesaurus.are_synonyms(spun, rep) else OTHER)
        e = Edit(start, end, spun, rep, "model", round(conf, 3), kind)
        (applied if conf >= threshold else suggested).append(e)
    return applied, suggested
