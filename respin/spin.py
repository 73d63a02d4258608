"""A spinner simulator: make labelled spun text from clean text.

Real article spinners (the tools content farms run news through) replace words with
thesaurus synonyms *without looking at the context*: "White Home" for White House, "navy
support" for military aid, "mentioned" for said, "the 2 leaders", "in keeping with" for
according to.  Detection and restoration are trained and validated on text made here, so
the simulator copies what real spinners do rather than what a careful writer would do:

* any sense of a word may be chosen (call -> name, plants -> establishes, war -> struggle);
* the case pattern of the original word is kept (House -> Home, DEFENSE -> PROTECTION);
* one synonym per word type is mostly reused through a document (real spinners look words
  up in a fixed dictionary, so "said" becomes "mentioned" nearly everywhere);
* spinner phrase patterns from a small table (:data:`PHRASES`), number words to digits and
  abbreviation glitches ("the U.S. could" -> "the united statescould");
* a figure keeps its value in every style: number words (two, billion, third, twice) get no
  thesaurus swap to another number or to a word, and no word is swapped *to* a number word.

Three styles (:data:`STYLES`), each modelled on a family of real spinner output:

``aggressive``
    swaps inside capitalised names too ("Protection Ministry", "Institute for the Research
    of Struggle"), phrase patterns, number words to digits, abbreviation glitches; prefers
    common synonyms (the seeds/003 family).
``conservative``
    leaves every capitalised word, quoted speech and numbers alone; lower effective rate
    (``rate * 0.6``); phrase patterns only where they involve no digits or capitals.
``crude``
    no phrase patterns, but swaps function words too (the -> a, which -> that, its -> a)
    and picks synonyms with no preference for common ones, so absurd senses come out
    ("mind" for brain, "genocide" for death).

Every swap is recorded exactly (:class:`Swap`, offsets into the *spun* text), and
:func:`unspin` puts the originals back to give the input byte for byte.

The thesaurus is :mod:`respin.lexicon`; ``links`` restricts the thesaurus swaps to WordNet or
Moby links so that training and validation data can come from different dictionaries
(detection must not depend on the simulator's exact dictionary).  Table, number and
abbreviation swaps are not thesaurus links and are not affected by ``links``.

>>> from respin.lexicon import default_lexicon
>>> r = spin("They said the U.S. could help.", rate=1.0, seed=1)   # doctest: +SKIP
>>> unspin(r) == "They said the U.S. could help."                  # doctest: +SKIP
True
"""

from __future__ import annotations

import bisect
import random
import re
import weakref
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from .tokenize import NUM, PUNCT, Document, code_regions, fork_free_lock, normalize, split_lines

STYLES = ("aggressive", "conservative", "crude")
LINKS = {"any": 3, "wordnet": 1, "moby": 2}

# Swap kinds (recorded on each Swap).
WORD, PHRASE, NUMBER, ABBREV, FUNCTION = "word", "phrase", "number", "abbrev", "function"


@dataclass(frozen=True)
class Swap:
    """One replacement: ``spun`` occupies ``text[start:end]`` of the spun text and stood for ``original``."""

    start: int
    end: int
    original: str
    spun: str
    kind: str = WORD  # word (thesaurus link), phrase (table), number, abbrev, function (crude)


@dataclass
class SpinResult:
    text: str
    swaps: list[Swap] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "swaps": [asdict(s) for s in self.swaps]}

    @classmethod
    def from_dict(cls, d: dict) -> "SpinResult":
        return cls(d["text"], [Swap(**s) for s in d.get("swaps", [])])


def unspin(result: SpinResult) -> str:
    """Put every swap's ``original`` back: gives exactly the text that was spun."""
    out, pos = [], 0
    for s in sorted(result.swaps, key=lambda s: s.start):
        if s.start < pos or result.text[s.start:s.end] != s.spun:
            raise ValueError(f"swap does not match the spun text: {s}")
        out.append(result.text[pos:s.start])
        out.append(s.original)
        pos = s.end
    out.append(result.text[pos:])
    return "".join(out)


def compose(first: SpinResult, second: SpinResult) -> SpinResult:
    """``second`` (a spin of ``first.text``) recorded against ``first``'s original, as if spun
    once: a content farm re-spinning spun text, whose second truth alone names the first
    spin's words as the originals and loses the first swaps' offsets. Where the swaps of the
    two overlap they become one (``fine`` -> ``all right`` -> ``all correct`` is ``fine`` ->
    ``all correct``, of the second's kind); a word the second spin put back is no swap.
    ``unspin`` of the result gives ``unspin(first)``.

    >>> first = SpinResult("He stated it twice.", [Swap(3, 9, "said", "stated")])
    >>> second = SpinResult("He declared it doubly.", [Swap(3, 11, "stated", "declared"), Swap(15, 21, "twice", "doubly")])
    >>> [(s.start, s.original, s.spun) for s in compose(first, second).swaps]
    [(3, 'said', 'declared'), (15, 'twice', 'doubly')]
    """
    text1 = first.text
    spans: list[tuple[int, int, int, Swap]] = [(s.start, s.end, 1, s) for s in first.swaps]
    shift = 0
    for s in sorted(second.swaps, key=lambda s: s.start):
        a = s.start - shift
        if text1[a:a + len(s.original)] != s.original:
            raise ValueError(f"the second spin was not made from the first's text: {s}")
        spans.append((a, a + len(s.original), 2, s))
        shift += len(s.spun) - len(s.original)
    spans.sort(key=lambda x: (x[0], x[1], x[2]))
    groups: list[list] = []  # [start, end, members] in the first spin's text
    for a, b, n, s in spans:
        if groups and a < groups[-1][1]:  # overlapping swaps of the two passes are one
            groups[-1][1] = max(groups[-1][1], b)
            groups[-1][2].append((a, b, n, s))
        else:
            groups.append([a, b, [(a, b, n, s)]])
    out: list[str] = []
    swaps: list[Swap] = []
    pos = length = 0
    for a, b, members in groups:
        def put(n: int) -> str:  # the group's span with one pass's swaps written in
            parts, at = [], a
            for x, y, m, s in members:
                if m == n:
                    parts.append(text1[at:x] + (s.original if n == 1 else s.spun))
                    at = y
            return "".join(parts) + text1[at:b]
        original, spun = put(1), put(2)
        out.append(text1[pos:a])
        length += a - pos
        if original != spun:
            kind = next((s.kind for _, _, n, s in reversed(members) if n == 2), members[-1][3].kind)
            swaps.append(Swap(length, length + len(spun), original, spun, kind))
        out.append(spun)
        length += len(spun)
        pos = b
    out.append(text1[pos:])
    result = SpinResult("".join(out), swaps)
    if result.text != second.text:
        raise ValueError("the second spin was not made from the first's text")
    return result


# ---------------------------------------------------------------------------------------------
# Data: spinner patterns.  Every entry is a *pattern* of spinner behaviour (a word or phrase and
# what spinners put in its place), never a sentence copied from anywhere.  Source codes:
#   S3  seen in the aggressive spinner output of seeds/003 (AP story copy)
#   DP  seen in the spun copies of ../shared/dev-pairs (CNN/Reuters copies, several spinners)
#   GEN common in spinner output generally (same rewriter families; RESOURCES.md lists
#       "p.c." for percent, "share factors" for percentage points, "amongst" for among)
# Entries: source phrase -> (replacements, rate multiplier, source code).
# '’' in a replacement is written with the apostrophe style of the input text.
# ---------------------------------------------------------------------------------------------
PHRASES: dict[str, tuple[tuple[str, ...], float, str]] = {
    # prepositional / connective phrases
    "according to": (("in keeping with", "in response to", "in accordance with"), 1.0, "S3"),
    "because": (("as a result of",), 1.0, "S3"),
    "because of": (("on account of", "due to"), 1.0, "GEN"),
    "due to": (("on account of", "because of"), 1.0, "DP"),
    "as a result": (("consequently",), 1.0, "DP"),
    "instead": (("as an alternative", "as a substitute"), 1.0, "DP"),
    "instead of": (("as an alternative of", "as a substitute of"), 1.0, "GEN"),
    "rather than": (("slightly than", "quite than"), 1.0, "GEN"),
    "once": (("as soon as",), 1.0, "DP"),
    "as soon as": (("once", "when"), 1.0, "GEN"),
    "something": (("one thing",), 1.0, "DP"),
    "including": (("together with", "along with"), 1.0, "DP"),
    "through": (("by way of", "via"), 1.0, "DP"),
    "via": (("by way of", "by means of"), 1.0, "DP"),
    "never": (("by no means",), 1.0, "DP"),
    "before": (("earlier than",), 1.0, "DP"),
    "prior to": (("previous to",), 1.0, "S3"),
    "against": (("towards", "in opposition to"), 1.0, "DP"),
    "more than": (("greater than", "over"), 1.0, "S3"),
    "several": (("a number of",), 1.0, "S3"),
    "despite": (("regardless of", "in spite of"), 1.0, "S3"),
    "meanwhile": (("in the meantime",), 1.0, "S3"),
    "overnight": (("in a single day",), 1.0, "S3"),
    "another": (("one other", "yet one more"), 1.0, "S3"),
    "in order to": (("so as to", "to be able to"), 1.0, "S3"),
    "in terms of": (("when it comes to", "by way of"), 1.0, "S3"),
    "as part of": (("as a part of",), 1.0, "S3"),
    "part of": (("a part of",), 0.7, "S3"),
    "on the part of": (("on the a part of",), 1.0, "S3"),
    "aimed at": (("geared toward", "aimed toward"), 1.0, "S3"),
    "focus on": (("give attention to", "concentrate on", "deal with"), 1.0, "S3"),
    "lead to": (("result in",), 1.0, "S3"),
    "right away": (("instantly", "immediately"), 1.0, "S3"),
    "related to": (("associated to", "associated with"), 1.0, "S3"),
    "followed by": (("adopted by",), 1.0, "S3"),
    "one of the": (("one of many",), 1.0, "S3"),
    "one of its": (("one in every of its",), 1.0, "S3"),
    "one of": (("one in every of",), 0.7, "S3"),
    "there is no": (("there is no such thing as a",), 1.0, "S3"),
    "in the": (("within the",), 0.5, "S3"),
    "at the": (("on the",), 0.5, "S3"),
    "in which": (("by which", "wherein"), 1.0, "S3"),
    "familiar with": (("aware of", "accustomed to", "acquainted with"), 1.0, "DP"),
    "speaking to": (("chatting with", "talking to"), 1.0, "DP"),
    "able to": (("capable of", "in a position to"), 1.0, "DP"),
    "such as": (("resembling", "comparable to", "reminiscent of", "akin to"), 1.0, "DP"),
    "so far": (("thus far", "to date", "up to now"), 1.0, "DP"),
    "as well as": (("in addition to",), 1.0, "GEN"),
    "in addition": (("as well as",), 1.0, "GEN"),
    "at least": (("a minimum of", "at the very least"), 1.0, "GEN"),
    "for example": (("for instance",), 1.0, "GEN"),
    "at the same time": (("on the identical time",), 1.0, "GEN"),
    "in fact": (("in actual fact", "in reality"), 1.0, "GEN"),
    "of course": (("after all", "in fact"), 1.0, "GEN"),
    "in the past": (("prior to now", "up to now"), 1.0, "GEN"),
    "recently": (("not too long ago", "lately"), 1.0, "GEN"),
    "for the first time": (("for the primary time",), 1.0, "GEN"),
    "a few": (("just a few", "a couple of"), 1.0, "GEN"),
    "a lot of": (("a variety of", "plenty of", "quite a lot of"), 1.0, "GEN"),
    "likely": (("doubtless", "seemingly"), 1.0, "GEN"),
    "probably": (("most likely", "in all probability"), 1.0, "GEN"),
    "based on": (("primarily based on", "based mostly on"), 1.0, "GEN"),
    "set up": (("arrange",), 1.0, "GEN"),
    "take place": (("happen",), 1.0, "GEN"),
    "in front of": (("in entrance of",), 1.0, "GEN"),
    "so that": (("in order that",), 1.0, "GEN"),
    "as well": (("as nicely", "too"), 1.0, "GEN"),
    "among": (("amongst",), 1.0, "GEN"),
    "while": (("whereas",), 1.0, "GEN"),
    "whether": (("whether or not",), 1.0, "GEN"),
    "until": (("till",), 1.0, "GEN"),
    "around": (("round",), 1.0, "S3"),
    "across": (("throughout",), 1.0, "S3"),
    "during": (("throughout", "all through"), 1.0, "S3"),
    "within": (("inside",), 1.0, "GEN"),
    "again": (("once more",), 1.0, "GEN"),
    "still": (("nonetheless",), 1.0, "S3"),
    "also": (("additionally",), 0.7, "GEN"),
    "but": (("however",), 1.0, "DP"),
    "however": (("nonetheless", "nevertheless"), 1.0, "DP"),
    "though": (("although",), 1.0, "DP"),
    "both": (("each",), 1.0, "S3"),
    "more": (("extra",), 0.7, "S3"),
    "much": (("a lot", "far"), 0.7, "DP"),
    "well": (("properly", "effectively", "nicely"), 0.7, "DP"),
    "near": (("close to",), 1.0, "S3"),
    "nearby": (("close by",), 1.0, "S3"),
    "find": (("discover", "search out"), 1.0, "S3"),
    "called": (("known as", "referred to as"), 1.0, "S3"),
    "so-called": (("so-referred to as", "so-known as"), 1.0, "GEN"),
    "unaware": (("blind to",), 1.0, "S3"),
    "the first step": (("step one",), 1.0, "S3"),
    "percent": (("p.c.", "%"), 1.0, "GEN"),
    "percentage points": (("share factors",), 1.0, "GEN"),
    # modals and auxiliaries
    "can": (("are able to",), 0.4, "DP"),
    "could": (("may", "might"), 1.0, "DP"),
    "might": (("would possibly", "may"), 1.0, "DP"),
    "could be": (("may very well be", "might be"), 1.0, "S3"),
    "would be": (("can be", "could be", "might be"), 1.0, "S3"),
    "must": (("should", "have to"), 1.0, "S3"),
    "should be": (("needs to be", "ought to be"), 1.0, "S3"),
    "need to": (("should", "have to"), 1.0, "S3"),
    # contractions, both ways (spinners contract blindly: "they had a call" -> "they’d a name")
    "does not": (("doesn’t",), 1.0, "DP"),
    "do not": (("don’t",), 1.0, "GEN"),
    "did not": (("didn’t",), 1.0, "GEN"),
    "is not": (("isn’t",), 1.0, "GEN"),
    "are not": (("aren’t",), 1.0, "GEN"),
    "was not": (("wasn’t",), 1.0, "GEN"),
    "were not": (("weren’t",), 1.0, "S3"),
    "will not": (("won’t",), 1.0, "GEN"),
    "cannot": (("can’t", "can not"), 1.0, "GEN"),
    "he is": (("he’s",), 1.0, "DP"),
    "it is": (("it’s",), 1.0, "GEN"),
    "they had": (("they’d",), 1.0, "S3"),
    "that's": (("that is",), 1.0, "DP"),
    "it's": (("it is",), 1.0, "GEN"),
    "won't": (("gained’t",), 1.0, "S3"),  # won -> gained applied inside the contraction
    # digits and names (aggressive only: they contain digits or capitals)
    "year": (("12 months", "yr"), 1.0, "DP"),  # year -> twelvemonth -> "12 months"
    "last year": (("final 12 months", "final yr"), 1.0, "GEN"),
    "two weeks": (("fourteen days", "a fortnight"), 1.0, "DP"),
    "the united states": (("the US",), 1.0, "S3"),
}

# Abbreviations spinners expand in lower case, sometimes eating the following space (S3:
# "the U.S. could" -> "the united statescould").
ABBREVIATIONS = {"U.S.": "united states", "U.K.": "united kingdom", "U.N.": "united nations",
                 "E.U.": "european union"}
GLUE_PROBABILITY = 0.5

# Number words to digits (S3: "the two leaders" -> "the 2 leaders"); "one" is left alone
# (pronoun "one", "one of").
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split()) if i >= 2}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                     "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000"})
NUMBER_RATE = 0.5  # multiplier: the S3 spinner converted about half of the number words

# Words that state a figure: a thesaurus swap of one changes the figure's value ("$45 billion"
# -> "$45 million", "third floor" -> "fourth floor", "twice" -> "double"), which no spinner
# rewrite should do (restore --source keeps a differing figure as the copy's own).  Cardinals
# and scales, fractions and multiples are never thesaurus-swapped; ordinals only to words that
# are not figures ("first" -> "initial"), and no style swaps a word *to* a figure ("pair" ->
# "two").  Hyphenated compounds count by their parts ("twenty-five", "one-third").
_CARDINALS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion zillion dozen dozens hundreds thousands "
    "millions billions trillions half halves quarter quarters twice thrice double triple "
    "quadruple twofold threefold fourfold tenfold".split())
_ORDINALS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth hundredth thousandth "
    "millionth billionth trillionth firstly secondly thirdly fourthly fifthly".split())


def _figure_parts(word: str) -> set[str]:
    """The parts of a lower-case word or phrase that are number words (cardinals, scales,
    fractions, multiples or ordinals), split at spaces and hyphens."""
    return {p for p in re.split(r"[\s-]+", word) if p in _CARDINALS or p in _ORDINALS}


def _is_figure(word: str) -> bool:
    """A number word of any kind, or a word or phrase with one or a digit in it."""
    return bool(_figure_parts(word)) or any(c.isdigit() for c in word)

# Crude spinners also swap function words (DP, the join-affiliate copy: the -> a throughout,
# which -> that, you -> we, its -> a).  word -> (replacements, rate multiplier).
CRUDE_FUNCTION: dict[str, tuple[tuple[str, ...], float]] = {
    "the": (("a",), 0.8),
    "a": (("the",), 0.3),
    "an": (("the",), 0.3),
    "which": (("that",), 0.8),
    "that": (("which",), 0.2),
    "you": (("we",), 0.5),
    "its": (("a", "the"), 0.5),
    "with": (("by",), 0.2),
}

# Recurring synonym choices of the spinner family in seeds/003 and the dev pairs: used only
# as a preference among the thesaurus candidates (and only where the lexicon links the two
# words under the chosen ``links``), never as swaps of their own.
FAVOURITES: dict[str, tuple[str, ...]] = {
    "said": ("mentioned", "stated"), "say": ("mention", "state"), "house": ("home",),
    "military": ("navy",), "war": ("struggle",), "call": ("name",), "power": ("energy",),
    "defense": ("protection",), "study": ("research",), "security": ("safety",),
    "national": ("nationwide",), "people": ("folks", "individuals"), "office": ("workplace",),
    "staff": ("workers",), "big": ("massive",), "best": ("greatest", "finest"), "last": ("final",),
    "only": ("solely",), "help": ("assist",), "began": ("started",), "stock": ("inventory",),
    "results": ("outcomes",), "revenue": ("income",), "industry": ("trade",),
    "government": ("authorities",), "red": ("pink",), "aid": ("support", "assist"),
    "control": ("management",), "told": ("advised",), "helpful": ("useful",),
    "running": ("operating", "working"), "conversation": ("dialog",), "condition": ("situation",),
    "conditions": ("situations",), "comment": ("remark",), "authorized": ("approved",),
    "asked": ("requested",), "systems": ("techniques",), "priority": ("precedence",),
    "sent": ("despatched",), "similar": ("related",), "foreign": ("international",),
    "continue": ("proceed",), "center": ("middle",), "right": ("proper",), "photo": ("picture",),
    "photos": ("photographs",), "technology": ("expertise",), "limited": ("restricted",),
    "reality": ("actuality",), "night": ("evening",), "stop": ("cease",), "energy": ("vitality",),
    "facilities": ("services",), "news": ("information",), "equipment": ("gear",),
    "unfortunately": ("sadly",), "movement": ("motion",), "include": ("embrace",),
    "eventually": ("ultimately",), "fighting": ("combating",), "possible": ("potential",),
    "think": ("suppose",), "analysis": ("evaluation",), "direction": ("path",), "needs": ("wants",),
    "ways": ("methods",), "respond": ("answer",), "increase": ("improve",), "pressure": ("strain",),
    "convince": ("persuade",), "table": ("desk",), "soon": ("quickly",), "immediately": ("instantly",),
    "officials": ("officers",), "trade": ("commerce",), "regions": ("areas",), "region": ("area",),
    "complex": ("complicated",), "fire": ("hearth",), "leading": ("main",),
    "absolutely": ("completely",), "deliberately": ("intentionally",), "words": ("phrases",),
    "enough": ("sufficient",), "definitely": ("undoubtedly",), "rather": ("reasonably",),
    "assistance": ("help",), "ready": ("prepared",), "completely": ("utterly",),
    "adding": ("including",), "tell": ("inform",), "high": ("excessive",), "side": ("facet",),
    "responsible": ("liable",), "preventing": ("stopping",), "achieving": ("reaching",),
    "goal": ("purpose",), "difficult": ("tough",), "issues": ("points",), "issue": ("problem",),
    "recognition": ("popularity",), "temporarily": ("quickly",), "follow": ("observe",),
    "coverage": ("protection",), "ground": ("floor",), "chances": ("probabilities",),
    "improve": ("enhance",), "outside": ("exterior", "outdoors"), "openly": ("overtly", "brazenly"),
    "furious": ("livid",), "cabinet": ("cupboard",), "remains": ("stays",), "back": ("again",),
    "deliver": ("ship",), "policy": ("coverage",), "proven": ("confirmed",), "less": ("lower",),
    "offering": ("providing",), "network": ("community",), "business": ("enterprise",),
    "home": ("residence",), "announcements": ("bulletins",), "garden": ("backyard",),
    "street": ("avenue",), "things": ("issues",), "strong": ("sturdy",), "extended": ("prolonged",),
    "ahead": ("forward",), "firms": ("companies",), "businesses": ("companies",), "support": ("assist",),
    "driven": ("pushed",), "soaring": ("hovering",), "next": ("subsequent",),
    "production": ("manufacturing",), "shortage": ("scarcity",), "crisis": ("disaster",),
    "automobile": ("car",), "point": ("level",), "general": ("basic",), "familiar": ("acquainted",),
    "plants": ("crops",), "war's": ("struggle's",),
}
FAVOURITE_WEIGHT = 8.0

# Words never given a thesaurus swap in the aggressive/conservative styles: spinners leave
# pronouns, determiners, auxiliaries and most prepositions to their phrase tables.
STOPWORDS = frozenset("""
a an the this that these those there here which who whom whose what when where why how
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
is am are was were be been being do does did done have has had having will would shall should
can could may might must ought and or nor not no yes so if then than too very just also as
at by for from in into of off on onto out over to up upon with without about above after
before below between under again further once all any both each few more most other some such
own same only per via whether while until unless although though because since but
""".split())

# Capitalised words that join a name run without breaking it ("Institute for the Study of War").
_NAME_JOINERS = frozenset({"of", "for", "the", "and", "de", "on"})

# (An address and a domain start where their run of characters does: tried inside the run
# too, each start scanned to its end, and a word of 50,000 letters, dots or hyphens took
# `respin spin` 10-40 s (fuzzing). The same spans in every text of seeds/, tests/ and the
# dev pairs; a domain after a hyphen now keeps it, "-example.com".)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+|[@#]\w+"
                     r"|(?<![\w-])(?<![\w-]\.)[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|co|uk|info)\b\S*", re.I)
# HTML or XML markup: a tag with its attributes ("<head>" was spun to "<forefront>", "</title>"
# to "</deed>": the page came back broken; a pipeline review). Its text between tags is spun.
# (Each match stops at the next "<" or ">": linear in the text.)
_TAG_RE = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>|<![^<>]*>")


def _markup_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are HTML or XML markup, not prose: tags, comments, and a
    script's or style sheet's contents whole (CSS "bold" was spun to "intrepid").

    >>> t = '<p class="x">The <b>mayor</b> said.</p><style>b {font-weight: bold}</style><!-- a note -->'
    >>> [t[a:b] for a, b in _markup_spans(t)]
    ['<p class="x">', '<b>', '</b>', '</p>', '<style>b {font-weight: bold}</style>', '<!-- a note -->']
    """
    if "<" not in text:
        return []
    out = _spans(_TAG_RE, text)
    low = text.lower()
    for opening, closing in (("<script", "</script"), ("<style", "</style"), ("<!--", "-->")):
        at = 0
        while (i := low.find(opening, at)) >= 0:  # (str.find: an unclosed one ends the search)
            j = low.find(closing, i + len(opening))
            if j < 0:
                break
            k = low.find(">", j) if closing != "-->" else j + 2
            at = len(text) if k < 0 else k + 1
            out.append((i, at))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(out):  # (a tag inside a style sheet's span: the one span)
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


_CAND_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")

# Style parameters: rate multiplier, probability of reusing a word's earlier synonym in the same
# document, frequency exponent (weight ~ P(candidate)^alpha), top-k candidates kept (0: all),
# probability of a multi-word thesaurus neighbour, weight by link source {both, WordNet, Moby}.
# alpha/weights/top-k were set by the likelihood of the choices real spinners made among the
# lexicon's candidates (dev-pair one-word swaps): common words and links found in both sources
# are preferred, but a spinner still picks outside the top few about half of the time.
_STYLE = {
    "aggressive": (1.0, 0.9, 0.25, 16, 0.06, {3: 10.0, 1: 4.0, 2: 1.0}),
    "conservative": (0.6, 0.9, 0.4, 10, 0.04, {3: 10.0, 1: 4.0, 2: 1.0}),
    "crude": (1.0, 0.3, 0.0, 0, 0.0, {3: 2.0, 1: 1.5, 2: 1.0}),
}


# ---------------------------------------------------------------------------------------------
# Unigram frequencies (prefer common synonyms, as real spinner dictionaries do).  The CMU
# news LM shipped in pocketsphinx is a dependency already; without it every candidate in the
# lexicon counts as equally common.
# ---------------------------------------------------------------------------------------------
_FREQ_LOCK = fork_free_lock(__name__, "_FREQ_LOCK", 3)
_FREQ: list = []  # [scorer or None] once loaded


def _unigram(word: str) -> float:
    """log10 unigram probability of a lower-case word (-7.0 unknown; -5.0 without an LM)."""
    if not _FREQ:
        with _FREQ_LOCK:
            if not _FREQ:
                try:
                    from .lm import CmuTrigram
                    _FREQ.append(CmuTrigram())
                except Exception:  # pragma: no cover - pocketsphinx is a dependency
                    _FREQ.append(None)
    lm = _FREQ[0]
    return -5.0 if lm is None else lm.logprob(word, ())


def _spelling_variant(a: str, b: str) -> bool:
    """defence/defense, theatre/theater: not a spinner swap."""
    if abs(len(a) - len(b)) > 1 or a[:3] != b[:3]:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.85


# Per-lexicon candidate cache: (word, mask, style) -> (candidates, weights).
_CAND_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _candidates(lex, word: str, mask: int, style: str, favourites: bool,
                figures: bool = False) -> tuple[list[str], list[float]]:
    """A word's thesaurus candidates and their weights; number words among them only with
    ``figures`` (a figure's swap that is drawn and dropped, see :func:`spin`)."""
    try:
        cache = _CAND_CACHE.setdefault(lex, {})
    except TypeError:  # a lexicon that cannot be weakly referenced: no cache
        cache = {}
    key = (word, mask, style, favourites, figures)
    hit = cache.get(key)
    if hit is not None:
        return hit
    _, _, alpha, top_k, _, flag_weight = _STYLE[style]
    favs = set(FAVOURITES.get(word, ())) if favourites else set()
    scored = []
    for cand, flags in lex.neighbours(word):
        f = flags & mask
        if not f or cand == word or not _CAND_RE.fullmatch(cand) or len(cand) < 2:
            continue
        if cand in STOPWORDS or _spelling_variant(word, cand) or (not figures and _is_figure(cand)):
            continue
        lp = _unigram(cand)
        if lp <= -6.9 or (style == "crude" and lp < -6.0):
            continue
        w = flag_weight[f] * 10.0 ** (alpha * lp)
        scored.append((w, cand))
    scored.sort(key=lambda x: (-x[0], x[1]))
    keep = scored[:top_k] if top_k else scored
    kept = {c for _, c in keep}
    keep += [(w, c) for w, c in scored[top_k:] if c in favs and c not in kept] if top_k else []
    cands = [c for _, c in keep]
    weights = [w * (FAVOURITE_WEIGHT if c in favs else 1.0) for w, c in keep]
    cache[key] = (cands, weights)
    return cands, weights


def _phrase_candidates(lex, word: str, mask: int, figures: bool = False) -> tuple[list[str], list[float]]:
    """Multi-word thesaurus neighbours of a base-form word (term -> time period); with a
    number word only with ``figures`` (as :func:`_candidates`)."""
    an = lex.analyses(word)
    if not an or any(lemma != word for lemma, _ in an):
        return [], []
    out, ws = [], []
    for cand, flags in lex.phrase_neighbours(word):
        f = flags & mask & 1 if mask != 2 else flags & 2  # WordNet phrases unless moby-only
        parts = cand.split()
        if not f or not 2 <= len(parts) <= 3 or not all(_CAND_RE.fullmatch(p) for p in parts):
            continue
        if not figures and _is_figure(cand):  # "one million million" for billion
            continue
        lps = [_unigram(p) for p in parts]
        if min(lps) <= -6.9:
            continue
        out.append(cand)
        ws.append(10.0 ** (0.3 * sum(lps) / len(lps)))
    return out, ws


# ---------------------------------------------------------------------------------------------
# Text analysis helpers
# ---------------------------------------------------------------------------------------------
def match_case(like: str, word: str) -> str:
    """Give ``word`` the case pattern of ``like``: house/House/HOUSE -> home/Home/HOME.

    Replacements with capitals of their own ("the US") keep them.
    """
    letters = [c for c in like if c.isalpha()]
    if not letters:
        return word
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def _spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted speech: “…”, "…" and ‘…’, per paragraph (an unclosed quote
    runs to the end of its line, as news paragraphs continue a quote without closing it)."""
    spans = []
    pos = 0
    for line in split_lines(text, keepends=True):
        end = pos + len(line)
        open_at = None
        straight = None
        for k, ch in enumerate(line):
            i = pos + k
            if ch == "“" and open_at is None:
                open_at = i
            elif ch == "”" and open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
            elif ch == '"':
                if straight is None:
                    straight = i
                else:
                    spans.append((straight, i + 1))
                    straight = None
        for o in (open_at, straight):
            if o is not None:
                spans.append((o, end))
        pos = end
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)‘[^’\n]*’(?!\w)", text)]
    spans.sort()
    return spans


class _Ranges:
    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.starts, b - 1) - 1
        return i >= 0 and self.ends[i] > a


def _phrase_index(table) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    idx: dict[str, list] = {}
    for key in table:
        toks = tuple(normalize(t) for t in key.split())
        idx.setdefault(toks[0], []).append((toks, key))
    for v in idx.values():
        v.sort(key=lambda x: -len(x[0]))
    return idx


_PHRASE_INDEX = _phrase_index(PHRASES)
_DIGIT_OR_CAP = {k for k, (reps, _, _) in PHRASES.items()
                 if any(any(c.isdigit() or c.isupper() for c in r) for r in reps)}
# Phrases with a number word that a replacement does not keep ("two weeks" -> "a fortnight",
# "the first step" -> "step one"): the same value, but conservative leaves numbers alone.
_FIGURE_REWRITE = {k for k, (reps, _, _) in PHRASES.items()
                   if _figure_parts(k) and any(_figure_parts(r) != _figure_parts(k) for r in reps)}


def _is_cap(s: str) -> bool:
    return s[:1].isupper()


def _plain_word(s: str) -> bool:
    """A word a thesaurus swap may touch: letters (and inner hyphens), no digits/apostrophes,
    not ALL CAPS (acronyms), not mixed case (iPhone, McDonald)."""
    if not _CAND_RE.fullmatch(s.lower()):
        return False
    if len(s) > 1 and s.isupper():
        return False
    return s[1:] == s[1:].lower()


def _protected_names(toks, lex) -> set[str]:
    """Capitalised words that belong to personal/foreign names: any word that appears in a run
    of capitalised words together with a word the lexicon does not know ("Donald Trump",
    "Mike Waltz", "Elysee Palace").  Protected throughout the document."""
    protected: set[str] = set()
    run: list[str] = []

    def flush():
        words = [w for w in run if w.lower() not in _NAME_JOINERS]
        if len(words) >= 2 and any(w.lower() not in lex for w in words):
            protected.update(words)
        run.clear()

    prev_end = None
    for t in toks:
        contiguous = prev_end is not None and t.start - prev_end <= 1
        if t.kind != PUNCT and (_is_cap(t.text) or (run and t.text in _NAME_JOINERS)):
            if run and not contiguous:
                flush()
            run.append(t.text)
        else:
            flush()
        prev_end = t.end
    flush()
    # Possessives and names glued to an apostrophe ("Trump’s") count as the bare name.
    return protected


# ---------------------------------------------------------------------------------------------
# The spinner
# ---------------------------------------------------------------------------------------------
def spin(text: str, *, rate: float = 0.35, style: str = "aggressive", seed: int = 0,
         lexicon=None, links: str = "any", favourites: bool = True) -> SpinResult:
    """Spin ``text`` like a real article spinner; deterministic for a given ``seed``.

    ``rate`` is the probability that an eligible word (or table phrase) is swapped
    (conservative uses ``0.6 * rate``).  ``links`` = "any" | "wordnet" | "moby" restricts the
    thesaurus swaps to links from those sources.  ``favourites`` prefers the synonym choices
    recurring in real spinner output (:data:`FAVOURITES`) among the thesaurus candidates.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}: use one of {', '.join(STYLES)}")
    if links not in LINKS:
        raise ValueError(f"unknown links {links!r}: use one of {', '.join(LINKS)}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")
    if lexicon is None:
        from .lexicon import default_lexicon
        lexicon = default_lexicon()
        if lexicon is None:
            raise RuntimeError("no lexicon: models/default/lexicon.npz is missing "
                               "(build it with python -m respin.build_lexicon models/default)")
    lex, mask = lexicon, LINKS[links]
    rate_mult, reuse, _, _, phrase_nb_p, _ = _STYLE[style]
    p_word = rate * rate_mult
    rng = random.Random(f"respin-spin:{seed}")
    aggressive, conservative, crude = style == "aggressive", style == "conservative", style == "crude"
    apostrophe = "’" if "’" in text else "'"

    doc = Document.from_text(text)
    toks = doc.tokens
    n = len(toks)
    if not n or p_word <= 0.0:
        return SpinResult(text, [])
    sentence_start = set()
    for a, b in doc.sentences:
        for j in range(a, b):
            if toks[j].kind != PUNCT:
                sentence_start.add(j)
                break
    # Addresses, and Markdown code (which check and restore never judge: swaps there would
    # count as missed in --truth; a review), are never spun; nor is markup (_markup_spans).
    urls = _Ranges(_spans(_URL_RE, text) + code_regions(text) + _markup_spans(text))
    quotes = _Ranges(_quote_spans(text)) if conservative else None
    protected = _protected_names(toks, lex) if not conservative else set()
    # Capitalised words seen inside sentences are names; at a sentence start they are left
    # alone too unless the aggressive style (which spins names) is on.
    mid_caps = {t.text for k, t in enumerate(toks)
                if t.kind != PUNCT and _is_cap(t.text) and k not in sentence_start}
    memory: dict[str, str] = {}

    def choose(key: str, options: list[str], weights: list[float] | None = None) -> str:
        prev = memory.get(key)
        if prev is not None and prev in options and rng.random() < reuse:
            return prev
        pick = rng.choices(options, weights)[0] if len(options) > 1 else options[0]
        memory[key] = pick
        return pick

    def blocked(t) -> bool:
        if urls.overlaps(t.start, t.end):
            return True
        return quotes is not None and quotes.overlaps(t.start, t.end)

    def joined(i: int, j: int) -> bool:
        """tokens i..j-1 are separated by plain spaces only (a phrase, not across lines/punct)."""
        return all(0 < toks[k + 1].start - toks[k].end and text[toks[k].end:toks[k + 1].start] == " "
                   for k in range(i, j - 1))

    edits: list[tuple[int, int, str, str]] = []  # (orig start, orig end, replacement, kind)
    i = 0
    while i < n:
        t = toks[i]
        if t.kind == PUNCT or blocked(t):
            i += 1
            continue
        low = t.text.lower()
        cap = _is_cap(t.text)
        initial = i in sentence_start
        if conservative and any(c.isupper() for c in t.text):
            i += 1
            continue

        # 1. spinner phrase table (longest match first); a matched phrase is one unit.
        if not crude:
            matched = None
            for key_toks, key in _PHRASE_INDEX.get(normalize(t.text), ()):
                j = i + len(key_toks)
                if j > n or tuple(normalize(x.text) for x in toks[i:j]) != key_toks or not joined(i, j):
                    continue
                inner = toks[i + 1:j]
                if any(_is_cap(x.text) for x in inner) and key != "the united states":
                    continue
                if key == "the united states" and not all(_is_cap(x.text) for x in inner):
                    continue
                if conservative and key in _DIGIT_OR_CAP:
                    continue
                if any(blocked(x) for x in inner):
                    continue
                if cap and not initial and not aggressive:
                    continue
                matched = (key, j)
                break
            if matched is not None:
                key, j = matched
                reps, mult, _ = PHRASES[key]
                if rng.random() < p_word * mult:
                    rep = choose("\x00" + key, list(reps)).replace("’", apostrophe)
                    if not (conservative and key in _FIGURE_REWRITE):  # drawn, dropped: see step 5
                        edits.append((t.start, toks[j - 1].end, match_case(t.text, rep), PHRASE))
                i = j
                continue

        # 2. abbreviation glitch (aggressive): U.S. -> united states(+glued next word)
        if aggressive and t.text in ABBREVIATIONS:
            if rng.random() < p_word:
                rep = ABBREVIATIONS[t.text]
                nxt = toks[i + 1] if i + 1 < n else None
                if (nxt is not None and nxt.kind != PUNCT and text[t.end:nxt.start] == " "
                        and nxt.text[:1].islower() and not blocked(nxt)
                        and rng.random() < GLUE_PROBABILITY):
                    edits.append((t.start, nxt.end, rep + nxt.text, ABBREV))
                    i += 2
                    continue
                edits.append((t.start, t.end, rep, ABBREV))
            i += 1
            continue

        # 3. number words to digits (aggressive)
        if aggressive and low in NUMBER_WORDS and _plain_word(t.text):
            if rng.random() < p_word * NUMBER_RATE:
                edits.append((t.start, t.end, NUMBER_WORDS[low], NUMBER))
            i += 1
            continue

        # 4. crude: function words
        if crude and low in CRUDE_FUNCTION and _plain_word(t.text) and (not cap or initial):
            reps, mult = CRUDE_FUNCTION[low]
            if rng.random() < p_word * mult:
                edits.append((t.start, t.end, match_case(t.text, choose("\x01" + low, list(reps))), FUNCTION))
            i += 1
            continue

        # 5. thesaurus swap
        if t.kind == NUM or len(t.text) < 3 or not _plain_word(t.text) or low in STOPWORDS:
            i += 1
            continue
        if conservative and (low in NUMBER_WORDS or low == "one"):
            i += 1
            continue
        # A figure keeps its value (see _CARDINALS): its swap is drawn as it was before number
        # words were kept, from the same candidates, and dropped, so that the random draws
        # of the rest of the document, and so its spin for a seed, stay as they were.
        figures = _figure_parts(low)
        drop = bool(figures) and bool(conservative or figures - _ORDINALS)
        if cap and not initial:
            # inside a name: only the aggressive style, and never in personal/foreign names
            if not aggressive or t.text in protected:
                i += 1
                continue
        elif cap and initial and (t.text in protected or (not aggressive and t.text in mid_caps)):
            i += 1
            continue
        if low not in lex:
            i += 1
            continue
        # Draw first: the candidate list (the costly part) is only built for words that fire.
        # A word without usable candidates is simply left as it is.
        if rng.random() < p_word:
            cands, weights = _candidates(lex, low, mask, style, favourites, figures=drop)
            if not cands:
                i += 1
                continue
            rep = None
            if phrase_nb_p and rng.random() < phrase_nb_p:
                pc, pw = _phrase_candidates(lex, low, mask, figures=drop)
                if pc:
                    rep = choose("\x02" + low, pc, pw)
            if rep is None:
                rep = choose(low, cands, weights)
            if not drop:
                edits.append((t.start, t.end, match_case(t.text, rep), WORD))
        i += 1

    # Assemble the spun text and the exact swap records.
    out: list[str] = []
    swaps: list[Swap] = []
    pos = 0
    length = 0
    for a, b, rep, kind in edits:
        chunk = text[pos:a]
        out.append(chunk)
        length += len(chunk)
        out.append(rep)
        swaps.append(Swap(length, length + len(rep), text[a:b], rep, kind))
        length += len(rep)
        pos = b
    out.append(text[pos:])
    return SpinResult("".join(out), swaps)
