"""Words respin never offers as a candidate original: no suggestion, decoder candidate or
restoration edit ever puts one of them into text.

Why: the thesaurus (WordNet + Moby, :mod:`respin.build_lexicon`) links ordinary words to
offensive ones through archaic or slang senses: Moby lists "rape" under spoil, violate and
storm (the old sense "plunder"), "pissed" under angry and drunk, a slur under gap (a
crevice), profanity under stuff, talk and nonsense. Offering such a word as "the original"
of a harmless one alarms a newsroom reader, and restoration could write it into the text.
A spinner hardly ever produces the ordinary word from these (its dictionaries are built for
harmless rewording), so the candidates cost next to nothing in recall.

How the list was made: the suggestion candidates of the 20,000 commonest words of the
2026.12-2 table (CMU LM unigram order; 36,417 distinct candidates) were screened once
against a public profanity word list, WordNet's usage domains (obscenity, vulgarism, ethnic
slur, disparagement) and sexual-violence stems; of the ~300 hits this keeps the words whose
everyday sense is a sexual-violence term, a slur or strong profanity, with their
inflections. Words whose common sense is ordinary stay offered (cock, prick, screw, bang,
tool, spade, fairy, queen, crap, damn, hell, naked, sex, violate), and so do Latin "cum"
and "sodomy" (a legal term). ``benchmarks/offensive.py`` counts listed words among the
candidates and suggestions of a model (0 in the shipped one).

Applied once, in :func:`respin.build_lexicon.drop_never_offered`: every thesaurus link
whose TARGET is a listed word (or a phrase holding one) is dropped, so a listed word is never
a candidate; its own links stay, so a text that contains it is still checked. The shipped
learned swaps (``swaps.tsv``) and tortured-phrase lexicon hold none of them; a user's own
``--lexicon`` entries are theirs and are not filtered.
"""

from __future__ import annotations

NEVER_OFFERED = frozenset("""
    rape rapes raped raping rapist rapists
    molest molests molested molesting molestation molester molesters
    sodomize sodomizes sodomized sodomizing
    bugger buggers buggered buggering buggery
    pedophile pedophiles pedophilia incest incestuous

    nigger niggers negro negroes coon coons spic spics chink chinks gook gooks
    honky honkies whitey redskin redskins kike kikes wetback wetbacks
    fag fags faggot faggots dyke dykes homo homos retard retards retarded

    fuck fucks fucked fucking fucker fuckers motherfucker motherfuckers
    shit shits shitting shitted shitty shithead bullshit horseshit
    cunt cunts asshole assholes arsehole cocksucker dickhead twat wanker
    bitch bitches bitched bitching bitchy whore whores whorehouse slut sluts
    bastard bastards pussy pussies piss pisses pissed pissing tits
    ass asses goddamn goddamned goddam
""".split())


def never_offered(term: str) -> bool:
    """Is ``term`` (a lower-case word or space-joined phrase) or any word of it listed?

    >>> never_offered("spoil"), never_offered("rape"), never_offered("piss off")
    (False, True, True)
    """
    return any(t in NEVER_OFFERED for t in term.split(" "))
