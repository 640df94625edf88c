"""Casualty claims on unseen text: one hand-written sentence per failure class found on the
tuning half of the development corpus (corpus/), none taken from an article."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.build import make_extractor
from kg.model import DocumentExtraction, SourceDocument
from kg.nlp.extract import Extractor
from kg.settings import Settings
from tests.conftest import PACK

ENT = "https://w3id.org/conflict-kg/id/entity/"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])


def run(extractor: Extractor, text: str) -> DocumentExtraction:
    return extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>", date=dt.date(2020, 10, 11)))


def counts(ex: DocumentExtraction) -> list[tuple[int, str]]:
    return sorted((c.count, c.kind) for c in ex.casualty_claims)


def claimants(ex: DocumentExtraction) -> list[tuple[int, str, str | None]]:
    return sorted((c.count, c.kind, c.claimed_by[0].removeprefix(ENT) if c.claimed_by else None)
                  for c in ex.casualty_claims)


@pytest.mark.parametrize(("text", "expected"), [
    # a casualty word right after the number, each number its own
    ("The city hospital received three dead and two injured on Sunday.", [(2, "Wounded"), (3, "Killed")]),
    ("The shelling left one dead and 14 injured, 4 of whom are in intensive care.", [(1, "Killed"), (14, "Wounded")]),
    ("The raid killed three and injured 12 in Barda.", [(3, "Killed"), (12, "Wounded")]),
    # a toll and what it amounts to
    ("The death toll from the fighting in Barda has risen to over 40, with more than 90 injured.",
     [(40, "Killed"), (90, "Wounded")]),
    ("This brings the tally of civilian deaths in the district since Friday to 58.", [(58, "Killed")]),
    ("The number of wounded in the city reached 23 on Sunday.", [(23, "Wounded")]),
    ("The earlier toll was six soldiers and three civilians.", [(3, "Killed"), (6, "Killed")]),
    # the people of a casualty noun, "reported dead", anyone a killing verb takes
    ("The shelling resulted in the deaths of 11 individuals in Barda.", [(11, "Killed")]),
    ("Four people were reported dead after the strike on the bridge.", [(4, "Killed")]),
    ("Some 45 Chadians have been killed in the unrest since May.", [(45, "Killed")]),
    ("Two militia members were killed in the ambush.", [(2, "Killed")]),
    # number words
    ("Two dozen people died in the blast and a dozen were hurt.", [(12, "Wounded"), (24, "Killed")]),
    ("A total of 31 people were killed in the two raids.", [(31, "Killed")]),
    ("Two hundred people were killed in the massacre.", [(200, "Killed")]),
    ("Some 35 thousand people have been killed since the war began.", [(35000, "Killed")]),
    ("Twenty five villagers were killed and thirty one wounded.", [(25, "Killed"), (31, "Wounded")]),
    ("One hundred and forty people died in the siege.", [(140, "Killed")]),
    ("Two hundred thousand people have been killed since the uprising.", [(200000, "Killed")]),
    # more verbs that kill or wound; people among the casualties
    ("Six guards were gunned down and nine people were maimed by the mines.", [(6, "Killed"), (9, "Wounded")]),
    ("Four nurses were among the dead.", [(4, "Killed")]),
    ("A teenage girl was among those wounded in the shelling.", [(1, "Wounded")]),
    # a count inside a count; a total the clause's killing brings up
    ("Two of the dead were teachers.", [(2, "Killed")]),
    ("The toll now stands at 230, including 75 children.", [(75, "Killed"), (230, "Killed")]),
    ("Shelling killed four people, bringing the total to 19.", [(4, "Killed"), (19, "Killed")]),
    # ranges and changes: the lower bound of a range, what a change reaches
    ("Four or five soldiers were wounded in the raid.", [(4, "Wounded")]),
    ("Two to three thousand people were killed in the siege.", [(2000, "Killed")]),
    ("Half a dozen guards were wounded.", [(6, "Wounded")]),
    ("The death toll climbed from 31 to 36 overnight.", [(36, "Killed")]),
    # an age set off by commas is no count
    ("A shell killed a farmer, 63, near his house.", [(1, "Killed")]),
    # a qualifier the parser took for a preposition
    ("Over 60 were hurt when the bridge was shelled.", [(60, "Wounded")]),
    # a cumulative toll is the number it reaches, not its increase
    ("The toll rose by six to 48 on Monday.", [(48, "Killed")]),
    # one person, by an indefinite noun
    ("A shepherd died when his flock crossed the minefield.", [(1, "Killed")]),
    # people joined to it, one each
    ("A woman and child had been killed in the shelling.", [(2, "Killed")]),
    ("A soldier, a policeman and a civilian were wounded.", [(3, "Wounded")]),
    ("A woman died and a child was wounded.", [(1, "Killed"), (1, "Wounded")]),
    ("A farmer was killed and his daughter was injured.", [(1, "Killed"), (1, "Wounded")]),
])
def test_numbers_that_count_casualties(extractor: Extractor, text: str, expected: list[tuple[int, str]]) -> None:
    assert counts(run(extractor, text)) == expected


@pytest.mark.parametrize("text", [
    "Dozens of people were killed and hundreds wounded in the fighting.",  # no number
    "Thirty people were killed or injured in the attack on the depot.",  # no kind says which
    "The shelling killed and wounded 40 people in the market.",
    "In Barda, one of the oldest towns of the region, many people have been killed.",  # a place's appositive
    "The rebels said 15 fighters were neutralised in the counter-attack.",  # killed or captured
    "The army lost three tanks and two helicopters in the battle.",  # "lose" counts people only
    "A soldier killed two deer near the camp.",  # the killer is not counted
    "No one was killed when the shell hit the depot.",  # "no one" counts nobody
    "The gunmen threatened to kill 12 hostages.",  # a threat, an aim, what did not happen
    "The rebels tried to kill 4 officers at the checkpoint.",
    "The shell could have killed 40 people had it exploded.",
    "The toll is expected to rise to 30.",
    "The province has recorded 40 cases of the virus and two deaths so far.",  # an epidemic's deaths
    "Nine children died of measles in the camp last month.",
])
def test_numbers_that_are_no_casualty_claim(extractor: Extractor, text: str) -> None:
    assert counts(run(extractor, text)) == []


def test_people_already_counted_are_not_counted_again(extractor: Extractor) -> None:
    ex = run(extractor, "Five soldiers and two civilians were killed in Barda on Sunday. "
                        "The two civilians killed were teachers. In addition to the five soldiers who died, "
                        "a further 17 were wounded.")
    assert counts(ex) == [(2, "Killed"), (5, "Killed"), (17, "Wounded")]


def test_population_of_each_conjunct(extractor: Extractor) -> None:
    ex = run(extractor, "At least 17 soldiers and four civilians were killed in Barda on Sunday.")
    assert sorted((c.count, c.population) for c in ex.casualty_claims) == [(4, "Civilian"), (17, "Military")]


def test_a_place_after_the_counted_word_is_not_the_side(extractor: Extractor) -> None:
    ex = run(extractor, "More than eight people were wounded in the shelling of Ganja.")
    assert [(c.count, c.side) for c in ex.casualty_claims] == [(8, None)]


def test_a_title_case_headline_repeats_the_body(extractor: Extractor) -> None:
    ex = run(extractor, "Ministry: Clashes In Barda Left Five Dead And 33 Injured.\n\n"
                        "Five people were killed and 33 injured in Barda, Azerbaijan said.")
    assert claimants(ex) == [(5, "Killed", "azerbaijan"), (33, "Wounded", "azerbaijan")]


def test_a_headline_number_the_body_does_not_give_is_a_claim_of_its_credit(extractor: Extractor) -> None:
    ex = run(extractor, "Gunmen kill at least 21 near Barda – Military\n\n"
                        "At least 17 soldiers and four civilians were killed on Sunday, Azerbaijan's military said.")
    assert claimants(ex) == [(4, "Killed", "azerbaijani-armed-forces"), (17, "Killed", "azerbaijani-armed-forces"),
                             (21, "Killed", "azerbaijani-armed-forces")]


def test_a_number_in_a_quotation_is_claimed_by_its_speaker(extractor: Extractor) -> None:
    ex = run(extractor, "The mayor, Lena Kovac, wrote on her Facebook page on Monday:\n\n"
                        "“Four people were killed and 12 wounded in the night. The number of wounded may rise.”")
    assert claimants(ex) == [(4, "Killed", "lena-kovac"), (12, "Wounded", "lena-kovac")]


def test_the_speaker_of_the_sentence_before(extractor: Extractor) -> None:
    ex = run(extractor, "Lena Kovac, the mayor, said the market was hit at dawn. Four people were killed.\n\n"
                        "The market reopened on Monday.\n\nNine people were wounded in a second strike.")
    assert claimants(ex) == [(4, "Killed", "lena-kovac"), (9, "Wounded", None)]


def test_a_casualty_report_going_on_in_the_next_paragraph(extractor: Extractor) -> None:
    ex = run(extractor, "Five people were killed in Barda on Sunday, Azerbaijan said.\n\n"
                        "Twelve more were wounded in a second strike on the town.")
    assert claimants(ex) == [(5, "Killed", "azerbaijan"), (12, "Wounded", "azerbaijan")]


def test_what_the_sentence_before_announced_is_not_reported_speech(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan announced air raid alerts on Sunday. A missile strike a day earlier had "
                        "killed five people.")
    assert claimants(ex) == [(5, "Killed", None)]


@pytest.mark.parametrize("text", ["Between 12 and 20 people were killed in the raid.",
                                  "From 12 to 20 soldiers died in the raid.", "The raid killed 12-20 people."])
def test_a_range_is_its_lower_bound(extractor: Extractor, text: str) -> None:
    claims = run(extractor, text).casualty_claims
    assert [(c.count, c.kind, c.qualifier) for c in claims] == [(12, "Killed", "at least")]


def test_a_part_of_those_counted_is_not_counted_again(extractor: Extractor) -> None:
    assert counts(run(extractor, "The blast wounded eleven, four of them seriously.")) == [(11, "Wounded")]


def test_a_source_named_before_an_aside(extractor: Extractor) -> None:
    ex = run(extractor, "Nine people were killed in the raid on Barda, the Voice of Freedonia radio, run by the rebel "
                        "movement, reported.")
    assert claimants(ex) == [(9, "Killed", "voice-of-freedonia")]


def test_of_two_subjects_the_one_next_to_the_verb_speaks(extractor: Extractor) -> None:
    """A dateline the parser took for a second subject ("Barda, the Health Ministry has announced …")."""
    from spacy.tokens import Doc

    from kg.nlp.attribution import subject_of
    from kg.nlp.discourse import Context

    words = ["Barda", ",", "the", "Ministry", "has", "announced", "losses", "."]
    doc = Doc(extractor.nlp.vocab, words=words, heads=[5, 5, 3, 5, 5, 5, 5, 5],
              deps=["nsubj", "punct", "det", "nsubj", "aux", "ROOT", "dobj", "punct"],
              pos=["PROPN", "PUNCT", "DET", "PROPN", "AUX", "VERB", "NOUN", "PUNCT"])
    ctx = Context(doc=doc, offset=0, mentions=[], curated={}, new={}, quotes=[], anchor=None,
                  anchor_is_publication=False)
    subject = subject_of(ctx, doc[5])
    assert subject is not None and subject.text == "Ministry"


def test_a_qualifier_is_right_before_the_number_in_its_sentence(extractor: Extractor) -> None:
    ex = run(extractor, "There was no news about the wounded. 9 soldiers died in the raid. Up to 12 people were hurt.")
    assert [(c.count, c.qualifier) for c in ex.casualty_claims] == [(9, None), (12, "up to")]


# --- who claims the toll -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Anadolu Agency reported shelling near Tartar on Sunday.\n\nState media said five civilians were killed.",
     "anadolu-agency"),
    ("Syrian state media (SANA) said three soldiers were killed in the strike.", "sana"),
    ("The official news agency WAFA reported the raid. Six people were killed in Gaza, the official news agency "
     "said.", "wafa"),
    ("Reuters could not independently verify the report. TASS said the attack was repelled.\n\n"
     "Four soldiers were killed, local media said.", "tass"),
])
def test_state_media_is_the_outlet_the_text_names(extractor: Extractor, text: str, expected: str) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


def test_state_media_of_another_state_is_no_outlet_named_before(extractor: Extractor) -> None:
    ex = run(extractor, "TASS reported heavy fighting on Sunday.\n\nAzerbaijani state media said four soldiers were "
                        "killed.")
    assert claimants(ex) == [(4, "Killed", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("TASS quoted a military source as saying that four soldiers were killed.", "tass"),
    ("Xinhua cited security sources as saying 14 people died in the blast.", "xinhua"),
    ("Anadolu Agency quoted sources in the local police as saying nine people were wounded.", "anadolu-agency"),
    # a named body quoted is the claimant
    ("Xinhua quoted Azerbaijan's Defence Ministry as saying 15 soldiers were killed.",
     "ministry-of-defence-of-azerbaijan"),
])
def test_an_outlet_quoting_an_unnamed_source_claims_the_toll(extractor: Extractor, text: str, expected: str) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Azerbaijani officials said at least 12 soldiers died in the attack.", "azerbaijan"),
    ("Armenian officials told reporters that three civilians were wounded in Goris.", "armenia"),
    ("Lena Kovac visited the site in the morning. Officials said nine people were killed.", None),
    # officials of a kind: the body of that kind named before
    ("Azerbaijan's Defence Ministry reported shelling. Defence officials said nine soldiers were killed.",
     "ministry-of-defence-of-azerbaijan"),
    ("Azerbaijan's Defence Ministry reported shelling. Azerbaijani defence officials said nine soldiers were "
     "killed.", "ministry-of-defence-of-azerbaijan"),
])
def test_officials_are_no_one_person(extractor: Extractor, text: str, expected: str | None) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Three soldiers were killed, five were wounded and two are missing.", [(3, "Killed"), (5, "Wounded")]),
    ("Four people died, 11 were injured and six remain missing after the landslide.", [(4, "Killed"), (11, "Wounded")]),
    ("Nine people were wounded and 200 are displaced.", [(9, "Wounded")]),
])
def test_missing_and_displaced_are_no_casualty_kind(extractor: Extractor, text: str,
                                                    expected: list[tuple[int, str]]) -> None:
    assert counts(run(extractor, text)) == expected


@pytest.mark.parametrize("text", [
    "Azerbaijan's Defence Ministry gave the toll in a statement:\n\n- three soldiers killed in Tartar\n\n"
    "- five soldiers wounded in Fuzuli",
    "According to Azerbaijan's Defence Ministry, the losses were as follows:\n• three soldiers killed\n• five injured",
    "Azerbaijan's Defence Ministry said in a statement:\nThree soldiers were killed in Tartar.\nFive others were "
    "wounded.",
])
def test_the_lines_of_a_list_are_claimed_by_who_introduces_it(extractor: Extractor, text: str) -> None:
    assert claimants(run(extractor, text)) == [(3, "Killed", "ministry-of-defence-of-azerbaijan"),
                                               (5, "Wounded", "ministry-of-defence-of-azerbaijan")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Three people were killed in the strike. Five more were wounded, Azerbaijan's Defence Ministry said.",
     "ministry-of-defence-of-azerbaijan"),
    ("Three soldiers died in the ambush. Five others were injured, according to Azerbaijan's Defence Ministry.",
     "ministry-of-defence-of-azerbaijan"),
    # the source the next sentence names first reports something else; another paragraph
    ("Three people were killed in the strike. Azerbaijan's Defence Ministry said that five were wounded.", None),
    ("Three people were killed in the strike.\n\nFive more were wounded, Azerbaijan's Defence Ministry said.", None),
])
def test_a_source_named_at_the_end_of_the_next_sentence(extractor: Extractor, text: str, expected: str | None) -> None:
    assert claimants(run(extractor, text))[0] == (3, "Killed", expected)


def test_the_role_a_person_was_named_with_told_an_agency(extractor: Extractor) -> None:
    ex = run(extractor, "Drones hit Goris overnight. The town's mayor, Lena Kovac, said a school was damaged.\n\n"
                        "Four people were wounded, the mayor told Reuters.")
    assert claimants(ex) == [(4, "Wounded", "lena-kovac")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Lena Kovac, the mayor, visited the site on Sunday. An official said nine people were killed.", None),
    ("Lena Kovac, the mayor, visited the site on Sunday. A police spokesman said nine people were wounded.", None),
    ("Lena Kovac, a doctor, described chaos in the wards of Azerbaijan's Defence Ministry hospital. "
     "An official of Azerbaijan's Defence Ministry told reporters that nine soldiers were killed.",
     "ministry-of-defence-of-azerbaijan"),
    ("Another commander said nine soldiers were killed after Lena Kovac left Goris.", None),
])
def test_an_unnamed_official_is_not_the_person_named_before(extractor: Extractor, text: str,
                                                            expected: str | None) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


@pytest.mark.parametrize("text", [
    "Azerbaijan's Defence Ministry put the death toll at 27.",
    "Azerbaijan's Defence Ministry raised the toll to 27 on Monday.",
    "Azerbaijan's Defence Ministry counted 27 dead after the shelling.",
    "Azerbaijan's Defence Ministry's latest toll showed 27 soldiers killed.",
])
def test_who_gives_the_toll(extractor: Extractor, text: str) -> None:
    assert claimants(run(extractor, text)) == [(27, "Killed", "ministry-of-defence-of-azerbaijan")]


@pytest.mark.parametrize(("text", "expected"), [
    ("The United Nations said 27 people had been killed, citing Azerbaijan's Defence Ministry.",
     "ministry-of-defence-of-azerbaijan"),
    ("Citing Azerbaijan's Defence Ministry, TASS reported that 27 soldiers died.", "ministry-of-defence-of-azerbaijan"),
    ("TASS reported that 27 soldiers died, citing figures from Azerbaijan's Defence Ministry.",
     "ministry-of-defence-of-azerbaijan"),
    ("The United Nations said 27 people had been killed, citing local sources.", "united-nations"),
])
def test_the_source_a_reporter_cites(extractor: Extractor, text: str, expected: str) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


def test_a_hospital_receiving_the_dead_is_no_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan's Defence Ministry said the shelling went on all night. "
                        "Barda Central Hospital received three dead and seven injured.")
    assert claimants(ex) == [(3, "Killed", "ministry-of-defence-of-azerbaijan"),
                             (7, "Wounded", "ministry-of-defence-of-azerbaijan")]


def test_a_list_is_claimed_by_the_source_named_after_it(extractor: Extractor) -> None:
    ex = run(extractor, "The shelling hit three towns:\nTartar, where three people were killed;\n"
                        "Barda, where five were wounded.\nAzerbaijan's Defence Ministry said in a statement that the "
                        "toll could rise.")
    assert claimants(ex) == [(3, "Killed", "ministry-of-defence-of-azerbaijan"),
                             (5, "Wounded", "ministry-of-defence-of-azerbaijan")]


def test_who_attacks_the_places_a_list_gives_is_no_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijani forces shelled three towns:\n- Goris, where three people were killed\n"
                        "- Kapan, where five were wounded")
    assert claimants(ex) == [(3, "Killed", None), (5, "Wounded", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Hezbollah claimed the attack on Sunday. The group said three of its fighters were killed.", "hezbollah"),
    ("Médecins Sans Frontières runs the clinic in Barda. The medical charity said 14 patients were wounded.", "msf"),
    ("The Rapid Support Forces attacked Goris. The paramilitary said 20 of its fighters were killed.",
     "rapid-support-forces"),
    ("Hezbollah fired rockets at dawn. A group of residents said five people were killed.", None),
    # not a body of a state that struck them
    ("Hezbollah fighters attacked a post. The U.S. Central Command said it struck launchers. Earlier, the rebels "
     "said 12 of their fighters were killed.", "hezbollah"),
    # a group of a name of its own
    ("Hezbollah fired rockets at dawn. The Goris Lawyers Collective group said five people were killed.", None),
])
def test_the_group_is_the_body_named_last(extractor: Extractor, text: str, expected: str | None) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


@pytest.mark.parametrize("text", [
    "A TASS tally shows at least 27 soldiers were killed.",
    "TASS's count based on official figures shows 27 people have died.",
    "Twenty-seven people have been killed, according to a TASS tally.",
])
def test_whose_tally_it_is(extractor: Extractor, text: str) -> None:
    assert claimants(run(extractor, text)) == [(27, "Killed", "tass")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Azerbaijan said it killed 200 Armenian soldiers, while Armenia said 30 Azerbaijani troops died.",
     [(30, "Killed", "armenia"), (200, "Killed", "azerbaijan")]),
    ("Armenia said 40 people were killed, but Azerbaijan said it had lost 12 soldiers.",
     [(12, "Killed", "azerbaijan"), (40, "Killed", "armenia")]),
    ("Lena Kovac said two people were killed, adding that 15 were wounded.",
     [(2, "Killed", "lena-kovac"), (15, "Wounded", "lena-kovac")]),
])
def test_each_number_by_the_speech_verb_that_reports_it(extractor: Extractor, text: str,
                                                         expected: list[tuple[int, str, str]]) -> None:
    assert claimants(run(extractor, text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Azerbaijan's Defence Ministry's death toll rose to 27 on Monday.", "ministry-of-defence-of-azerbaijan"),
    ("Figures from Azerbaijan's Defence Ministry show 27 soldiers were killed.", "ministry-of-defence-of-azerbaijan"),
    ("The toll in Armenia rose to 27.", None),  # a place
    ("Armenia's toll rose to 27.", None),  # a state's toll counts its dead
])
def test_whose_toll_rises(extractor: Extractor, text: str, expected: str | None) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Freedonia Defence Ministry called up reservists. The Ruritania Health Ministry said hospitals were full. "
     "Later the defence ministry said 12 soldiers were killed.", "freedonia-defence-ministry"),
    ("The Ruritania Health Ministry said hospitals were full. The Freedonia Defence Ministry called up reservists. "
     "Later the health ministry said 12 people were killed.", "ruritania-health-ministry"),
    ("The Ruritania Health Ministry said hospitals were full. The Freedonia Defence Ministry called up reservists. "
     "Later the ministry in Ruritania said 12 people were killed.", "ruritania-health-ministry"),
])
def test_the_ministry_of_the_kind_the_phrase_names(extractor: Extractor, text: str, expected: str) -> None:
    assert [c[2] for c in claimants(run(extractor, text))] == [expected]


def test_an_accusation_is_the_accusers_claim(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan accused Armenian forces of killing 14 civilians in Barda on Sunday.")
    assert claimants(ex) == [(14, "Killed", "azerbaijan")]


def test_a_source_described_before_it_is_named(extractor: Extractor) -> None:
    ex = run(extractor, "Shelling near the bridge killed nine soldiers, a spokeswoman for the volunteer brigade "
                        "told reporters.\n\nThe town was calm on Monday.\n\n"
                        "Brigade spokeswoman Mira Talvik said the shelling went on overnight.")
    assert claimants(ex) == [(9, "Killed", "mira-talvik")]


def test_a_speech_verb_in_a_clause_aside_claims_nothing(extractor: Extractor) -> None:
    ex = run(extractor, "At least nine people were killed in Barda, as Azerbaijan reported fresh clashes in the north.")
    assert claimants(ex) == [(9, "Killed", None)]


def test_the_source_met_before_speaks_through_who_relayed_it(extractor: Extractor) -> None:
    ex = run(extractor, "The bridge near the depot was hit at dawn, a source told Reuters on Monday.\n\n"
                        "The source added that 11 soldiers were killed in the strike.")
    assert claimants(ex) == [(11, "Killed", "reuters")]


def test_a_count_joined_to_the_place_of_the_one_before(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan said that 14 civilians were killed in Barda and two in Tartar on Sunday.")
    assert claimants(ex) == [(2, "Killed", "azerbaijan"), (14, "Killed", "azerbaijan")]


def test_no_fewer_than_is_at_least(extractor: Extractor) -> None:
    ex = run(extractor, "The shelling killed no fewer than 13 civilians in Barda.")
    assert [(c.count, c.qualifier) for c in ex.casualty_claims] == [(13, "at least")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Eight deaths in Barda were reported by Azerbaijan on Sunday.", [(8, "Killed", "azerbaijan")]),
    ("Per Azerbaijan, eight civilians were killed in Barda.", [(8, "Killed", "azerbaijan")]),
    # a claim of responsibility is no claim of the toll
    ("The raid, claimed by Armenia, killed eight people in Barda.", [(8, "Killed", None)]),
])
def test_a_source_named_by_by_or_per(extractor: Extractor, text: str,
                                     expected: list[tuple[int, str, str | None]]) -> None:
    assert claimants(run(extractor, text)) == expected


def test_a_number_another_speaker_reports_in_a_clause_of_its_own(extractor: Extractor) -> None:
    ex = run(extractor, "Azerbaijan said it had shot down 12 drones over Barda, while a local doctor said "
                        "3 people were wounded.")
    assert claimants(ex) == [(3, "Wounded", None)]
