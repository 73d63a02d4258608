"""Text that is not English is neither judged nor edited (respin.language).

The fixtures are written for these tests: news-like paragraphs in other languages, and
English with the foreign names and quotes English news holds.
"""

from __future__ import annotations

import json

import pytest

import respin
from respin.language import foreign_regions

OTHER = {
    "de": "Die Bundesregierung hat am Dienstag ein neues Gesetz zur Förderung erneuerbarer Energien "
          "beschlossen. Wie ein Sprecher des Ministeriums in Berlin mitteilte, sollen die Mittel für "
          "Windkraft und Solaranlagen in den kommenden fünf Jahren deutlich steigen. Kritiker bemängelten "
          "jedoch, dass der Ausbau der Stromnetze nicht schnell genug vorankomme.",
    "es": "El gobierno anunció el martes un nuevo plan para reducir las emisiones de carbono antes de 2030. "
          "Según el ministro, las centrales eléctricas de carbón cerrarán de forma progresiva y se "
          "invertirán miles de millones en energía solar. La oposición criticó que el plan llega tarde.",
    "fr": "Le conseil municipal a voté mardi soir un budget en hausse pour les écoles de la ville. "
          "Selon le maire, les travaux de rénovation commenceront dans les prochains mois et seront "
          "financés en partie par la région. Les syndicats ont salué une décision attendue depuis longtemps.",
    "nl": "Het kabinet heeft dinsdag een nieuw plan gepresenteerd om de woningnood aan te pakken. Volgens "
          "de minister worden er de komende jaren meer betaalbare huizen gebouwd, maar de oppositie vindt "
          "dat het plan niet ver genoeg gaat. De gemeenten moeten bij de uitvoering een grote rol spelen.",
    "id": "Pemerintah kota mengumumkan bahwa jalan utama akan ditutup untuk perbaikan mulai pekan depan. "
          "Menurut juru bicara dinas pekerjaan umum, pekerjaan itu akan selesai dalam dua bulan dan "
          "warga diminta untuk menggunakan jalur alternatif. Pedagang di pasar khawatir penjualan akan turun.",
    "ru": "Правительство во вторник объявило о новом плане строительства дорог в северных регионах. "
          "По словам министра, работы начнутся весной и продлятся три года.",
    "zh": "市政府周二宣布，将在明年春天开始修建一条新的地铁线路。官员表示，这项工程预计需要三年时间完成，总投资约为两百亿元。",
}

ENGLISH_WITH_NAMES = [
    "Pedro Calderón de la Barca was a dramatist, poet and writer of the Spanish Golden Age.",
    "The orchestra played Ludwig van Beethoven's fifth symphony under the direction of Herbert von Karajan.",
    "Officials in El Paso and Las Vegas said the new rules would take effect on Monday.",
    "The de facto leader met Simone de Beauvoir's biographer at the Musée du Louvre on Friday.",
    "The paper appeared in Archiv der Mathematik und Physik before the war, the historian said.",
    "It will.",
]

SPUN = ("The White Home mentioned on Tuesday that the navy support bundle would be despatched to the area "
        "inside days, in keeping with officers acquainted with the plan. The Protection Ministry mentioned "
        "the 2 leaders would meet subsequent week to debate the energy crops and the gas provide.")


@pytest.mark.parametrize("lang", sorted(OTHER))
def test_text_in_another_language_is_not_judged_and_not_changed(lang):
    text = OTHER[lang]
    rep = respin.check(text, min_confidence=0.1)
    assert (rep.judged, rep.findings, rep.score) == (False, [], 0.0)
    d = rep.to_dict("x.txt")
    assert d["reason"] == "not English" and d["words_not_english"] == rep.words > 0
    assert respin.restore(text, min_confidence=0.1).text == text


@pytest.mark.parametrize("text", ENGLISH_WITH_NAMES)
def test_english_with_foreign_names_stays_english(text):
    assert foreign_regions(text) == []
    assert respin.check(text).to_dict()["words_not_english"] == 0


def test_a_short_english_text_says_too_short_not_not_english():
    d = respin.check("A short note.").to_dict()
    assert d["judged"] is False and d["reason"] == "too short"
    d = respin.check(SPUN).to_dict()
    assert d["judged"] is True and d["reason"] is None


def test_foreign_sentences_in_a_spun_english_text_draw_no_finding():
    """A German paragraph repeated around a spun English one (page boilerplate), and a German
    sentence inside it: the English is judged, the German words are never findings."""
    de = OTHER["de"]
    more = SPUN.replace("Tuesday", "Wednesday")
    text = f"{de}\n\n{SPUN}\n\n{more} Die Stadt hat den Plan nicht bestätigt, sagte ein Sprecher am Abend.\n\n{de}\n"
    rep = respin.check(text, min_confidence=0.3)
    assert rep.judged and rep.findings
    german = foreign_regions(text)  # the seven German sentences, nothing of the English
    assert "".join(text[a:b] for a, b in german) == "".join(
        x for x in [de.replace(". ", "."), "Die Stadt hat den Plan nicht bestätigt, sagte ein Sprecher am Abend.",
                    de.replace(". ", ".")])
    for f in rep.findings:
        assert not any(a < f.end and f.start < b for a, b in german), f
    restored = respin.restore(text, min_confidence=0.3)
    for e in restored.edits:
        assert not any(a < e.end and e.start < b for a, b in german), e
    assert 0 < rep.not_english < rep.words


def test_mostly_foreign_with_enough_english_is_judged():
    """An English summary on a page in another language is judged (its score is the
    English part's); one or two English sentences in a long foreign text are not."""
    page = "\n\n".join([OTHER["de"], SPUN, SPUN.replace("Tuesday", "Wednesday"), OTHER["fr"]])
    assert respin.check(page).judged
    few = "\n\n".join([OTHER["de"], OTHER["fr"], OTHER["es"], "The mayor said the plan was good for the city."])
    rep = respin.check(few)
    assert not rep.judged and rep.to_dict()["reason"] == "not English"


def test_cli_says_not_english(tmp_path, cli):
    (tmp_path / "de.txt").write_text(OTHER["de"], encoding="utf-8")
    ran = cli("check", tmp_path / "de.txt")
    assert ran.code == 0 and "not judged, not English" in ran.out
    ran = cli("check", tmp_path / "de.txt", "--format", "json")
    assert json.loads(ran.out)[0]["reason"] == "not English"


def test_check_many_counts_foreign_words_per_text():
    texts = [SPUN, OTHER["es"], "The council met on Monday to discuss the budget for next year."]
    reps = respin.check_many(texts)
    assert [r.not_english for r in reps] == [0, respin.check(OTHER["es"]).words, 0]
    assert [r.judged for r in reps][:2] == [True, False]


LOANS_AND_TITLES = [
    "Concentrations ranged from 5 ng/mL to 50 ng/mL in serum, the authors reported.",
    "The finale was a tour de force, a pièce de résistance by any measure.",
    "Dinner was à la carte, en route to Paris, with soup du jour and café au lait.",
    "The pas de deux was the crème de la crème of the season, critics said.",
    "im not gonna lie, that show was amazing lol",
    "García Márquez published El amor en los tiempos del cólera in 1985.",
    "Debussy's Des pas sur la neige is a quiet piece.",
    "The Bundesamt für Verfassungsschutz labelled the party extremist on Monday.",
    "Tourists queued outside the Piazza dei Miracoli and the Cappella degli Scrovegni.",
]


@pytest.mark.parametrize("text", LOANS_AND_TITLES)
def test_loan_phrases_units_titles_and_names_stay_english(text):
    """A review found ordinary English set aside: "ng/mL", "tour de force", "à la carte",
    slang "im", a novel's Spanish title, German and Italian names of institutions."""
    assert foreign_regions(text) == []


def test_danish_with_words_english_shares_is_not_english():
    """Danish writes "for", "at", "her" and "under", English function words too: a margin of
    twice the English words made a Danish paragraph English (a code review)."""
    text = ("Regeringen har i dag fremlagt en ny plan for at styrke økonomien, og ministeren siger, at den vil "
            "give flere job her i landet. Oppositionen mener, at planen kommer for sent, og at den ikke er god nok "
            "for de mange familier under pres.")
    assert respin.check(text).to_dict()["reason"] == "not English"


def test_a_german_quote_closed_before_english_is_its_own_sentence():
    """„Bitte nicht stören.“ The White Home ...: German quotes close with “ (and » « ›), which
    did not end a sentence, so the quote and the English were read as one."""
    from respin.tokenize import Document
    d = Document.from_text("„Die Regierung hat den Plan nicht bestätigt.“ The mayor said the plan was good.")
    assert [d.sentence_text(x) for x in d.sentences] == ["„Die Regierung hat den Plan nicht bestätigt.“",
                                                          "The mayor said the plan was good."]
    d = Document.from_text("He said. “Next one.” And so on.")  # (an English opener after a space still opens)
    assert [d.sentence_text(x) for x in d.sentences] == ["He said.", "“Next one.”", "And so on."]


SHORT_SENTENCES = {  # news in short sentences, few function words each: told by the paragraph
    "da": "Regeringen fremlagde i dag et nyt forslag. Ministeren sagde, at økonomien står stærkt. Kritikerne er skeptiske.",
    "pl": "Rząd przyjął dziś projekt ustawy. Minister zapowiedział obniżkę podatków. Opozycja skrytykowała plan.",
    "tr": "Hükümet yeni bir paket açıkladı. Bakan enflasyonun düşeceğini söyledi. Muhalefet planı eleştirdi.",
    "de": "Die Regierung will die Steuern im Herbst senken. Der Minister lehnte das am Montag ab. Die Opposition kritisierte den Plan.",
}


@pytest.mark.parametrize("lang", sorted(SHORT_SENTENCES))
def test_a_paragraph_of_short_foreign_sentences_is_set_aside_whole(lang):
    text = SHORT_SENTENCES[lang]
    assert "".join(text[a:b] for a, b in foreign_regions(text)).replace(" ", "") == text.replace(" ", "")
    assert respin.check(text).to_dict()["reason"] == "not English"


@pytest.mark.parametrize("neighbours", [("de", "x", "de"), ("x", "de"), ("de", "x")])
def test_check_many_decides_each_text_alone(neighbours):
    """check_many joins its texts: a text that cannot tell (a keyword line) was set aside
    with a German neighbour and reported 'not English' (a code review)."""
    keywords = "Budget Vote Tonight: Council Members Split Over Road Repairs And New Bus Lanes"
    texts = [OTHER["de"] if n == "de" else keywords for n in neighbours]
    many = respin.check_many(texts)
    for t, r in zip(texts, many):
        assert r.to_dict() == respin.check(t).to_dict()


def test_a_leaked_template_judges_a_foreign_text_and_clears_its_reason():
    rep = respin.check(OTHER["es"] + " {said|stated}")
    assert rep.judged and rep.reason == "" and rep.to_dict()["reason"] is None


def test_the_summary_line_says_how_many_words_were_not_english(tmp_path, cli):
    page = "\n\n".join([OTHER["de"], SPUN, SPUN.replace("Tuesday", "Wednesday"), OTHER["fr"]])
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    rep = respin.check(page)
    ran = cli("check", tmp_path / "page.txt")
    assert f"in {rep.words:,} words, {rep.not_english:,} not English)" in ran.out and rep.not_english > 50
    (tmp_path / "de.txt").write_text(OTHER["de"], encoding="utf-8")
    assert "not judged, not English (score 0.00, 0 findings in 47 words)\n" in cli("check", tmp_path / "de.txt").out


def test_an_earlier_report_of_not_english_texts_is_not_read_back(tmp_path, cli):
    """check DIR -o DIR/report.txt: a report whose lines say 'not English' is an earlier
    run's output, skipped like any other report of check."""
    (tmp_path / "de.txt").write_text(OTHER["de"], encoding="utf-8")
    ran = cli("check", tmp_path, "-o", tmp_path / "report.txt")
    assert ran.code == 0
    again = cli("check", tmp_path)
    assert "report.txt" not in again.out and again.out.count("not English") == 1


def test_restore_says_a_text_was_not_judged_and_why(tmp_path, cli):
    (tmp_path / "de.txt").write_text(OTHER["de"], encoding="utf-8")
    ran = cli("restore", tmp_path / "de.txt")
    assert ran.code == 0 and ran.out == OTHER["de"] and "not judged, not English" in ran.err
    assert respin.restore(OTHER["de"]).not_judged == "not English" and respin.restore(SPUN).not_judged == ""


FR_MORE = ("Les habitants du quartier ont exprimé leur satisfaction lors de la réunion publique de jeudi. "
           "Plusieurs parents ont demandé que la cantine soit agrandie avant la rentrée, et le maire a promis "
           "une réponse avant la fin du mois.")
CHROME_TOP = ("Home | News | Sport | Business | Opinion | Weather | Contact\n"
              "Accept cookies? We use cookies to improve your experience on our site. Accept | Reject | Settings\n"
              "Home » News » Local\n\nBy Staff Reporter\nPublished 9:14 AM, October 12\nUpdated 11:02 AM\n\n")
CHROME_BOTTOM = ("\n\nShare this article\nFacebook | Twitter | Email | Print\n\nRelated articles\n"
                 "Council to hold hearing on parking rules\nWeekend events around town\n"
                 "Five restaurants opening this fall\nTags: local news, city hall, government\n\n"
                 "Copyright 2025 The Daily Ledger. All rights reserved.\nAbout Us | Privacy Policy | Terms of Use\n")


def test_a_foreign_article_in_an_english_pages_furniture_is_not_judged():
    """A triage: a French article inside an English site's menus, byline, share line and
    related links (about 70 English words, none of them judged or weighed) read "not spun
    (score 0.00, ..., 220 not English)": a verdict on nothing. The English that counts
    against the foreign words is the prose the model reads."""
    page = CHROME_TOP + OTHER["fr"] + "\n\n" + FR_MORE + CHROME_BOTTOM
    rep = respin.check(page)
    assert (rep.judged, rep.reason, rep.score) == (False, "not English", 0.0), rep
    assert respin.check_many([page, SPUN])[0].reason == "not English"
    # English prose beside it is still judged, as an English summary on a foreign page is
    summary = SPUN + " " + SPUN.replace("Tuesday", "Wednesday")
    assert respin.check(CHROME_TOP + summary + "\n\n" + OTHER["fr"] + "\n\n" + FR_MORE + CHROME_BOTTOM).judged
