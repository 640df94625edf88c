"""Casualty claims: every number of killed or wounded people, whose losses, who says so.

Called by :mod:`kg.nlp.extract` per parsed chunk. A number is a casualty count when it
counts a casualty noun ("158 military deaths", "claimed 30,000 lives", "left five dead and 33
injured"), counts people (or anyone: "300 Lebanese") who are killed, wounded or lost by a verb
of the clause ("14 civilians have been killed", "killing nine people", "Azerbaijan had lost
130 troops", "another 200 were wounded", "two people were reported dead"), is what a toll
amounts to ("the death toll has risen to 27", "brings the tally of deaths to 33", "the number
of wounded reached 15", "the toll was four soldiers"), or counts the people of "the deaths of
14 individuals". "a resident died" counts one. Not counted: vague amounts ("dozens",
"hundreds"), people already counted ("the two civilians killed were …"), "killed or injured"
(no kind says which), "neutralised". The population comes from the counted noun, the side from
a demonym or named force in the phrase ("Karabakh separatist troops") or from the subject of
"lose", else the claimant's own side when it reports its own losses, and the claimant from the
sentence's speech verb — inside a quotation, the quotation's speaker — or the source it cites, or
who gives the toll ("X put the toll at 27"), else from the paragraph: the sentence before that
reports, the source at the end of the next sentence, who introduces a list. Headlines repeat the
story's numbers: a headline's number is a claim only when the body does not give it. History
("a war that killed 30,000 in the 1990s") is kept, flagged ``ckg:isBackground``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.ids import Iris
from kg.model import CasualtyClaim, Statement
from kg.nlp.attribution import Attribution, according_to, attribute, resolve_np, subject_of
from kg.nlp.discourse import Context
from kg.nlp.events import is_background
from kg.nlp.tables import rules, word_sets

__all__ = ["extract_casualties", "parse_number"]

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
          "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
_TENS = {w: n for w, n in _WORDS.items() if n in (20, 30, 40, 50, 60, 70, 80, 90)}
_UNITS = {w: n for w, n in _WORDS.items() if 1 <= n <= 9}
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
_W = rules().words
_KILLED_NOUNS = _W["killed_noun"]
_WOUNDED_NOUNS = _W["wounded_noun"]
_KILL_VERBS = _W["kill_verb"]
_WOUND_VERBS = _W["wound_verb"]
_PEOPLE_ONLY = _W["people_only_verb"]
_TOLL_NOUNS = _W["toll_noun"]
_MILITARY = _W["military_noun"]
_CIVILIAN = _W["civilian_noun"]
_PEOPLE = _W["people_noun"] | _MILITARY | _CIVILIAN
_QUALIFIERS = tuple(sorted(_W["count_qualifier"], key=lambda q: (-len(q), q)))
_CASUALTY_VERBS = _KILL_VERBS | _WOUND_VERBS
_SPEECH = _W["speech"]
_TOLL_VERBS = _W["toll_verb"]
_STATEMENT_NOUNS = _W["statement_noun"]
_STATES = rules().subclasses("State")


_OWN = word_sets("casualties.tsv", "set")  # the word sets only this layer reads
_PERSON_ROLES = rules().person_nouns()
_BODY_ROLES = rules().body_nouns() | _OWN["unnamed_body"]
_ACCUSE = _OWN["accuse_verb"]
_SOURCE_NOUNS = _W["source_noun"]
_DISEASE = _OWN["disease_word"]
_MODALS = _W["modal"] | {"can", "could"}
_AGENT_REPORT = _OWN["agent_report_verb"]
_IRREALIS = _OWN["irrealis"]
_RELATIVES = _OWN["relative"]
_KILL_VERBS = _KILL_VERBS | _OWN["kill_verb"]
_WOUND_VERBS = _WOUND_VERBS | _OWN["wound_verb"]
_CASUALTY_VERBS = _KILL_VERBS | _WOUND_VERBS
_CASES = _OWN["case_word"]
_MORE = _OWN["more_word"]
_SHOT = _OWN["shot_dead"]
_CLAIM_NOUNS = _OWN["claim_noun"]
_INFO_NOUNS = _OWN["info_noun"]
_INJURY_VERBS = _OWN["injury_verb"]
_INJURY_NOUNS = _OWN["injury_noun"]
_LOSS_NOUNS = _OWN["loss_noun"]
_ADMIT = _OWN["admit_verb"]
_GROUP_NOUNS = _OWN["group_noun"]
_SENTENCE_VERBS = _OWN["sentence_verb"]
_AID_VERBS = _OWN["aid_verb"]
_AID_NOUNS = _OWN["aid_noun"]
_CARE_VERBS = _OWN["care_verb"]
_GIVE_AID = _OWN["give_aid_verb"]
_CONDITION = _OWN["condition_word"]
_NUMBER_DEPS = ("nummod", "quantmod", "compound", "amod")
_TITLE_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "over", "the",
                "to", "with", "after", "amid", "near", "vs"}


def _word_value(word: str) -> int | None:
    """The value of one number word ("nine", "twenty-three"); None for scales and other words."""
    if word in _WORDS and word != "hundred":
        return _WORDS[word]
    if "-" in word and word.split("-", 1)[0] in _TENS and word.split("-", 1)[1] in _UNITS:
        return _TENS[word.split("-", 1)[0]] + _UNITS[word.split("-", 1)[1]]
    return None


def _in_run(doc: Doc, i: int, j: int) -> bool:
    """Whether token ``j`` continues the number phrase that token ``i`` (= j - 1) is in: "twenty
    five", "twenty-three", "two hundred thousand", "one hundred and twenty", "30 thousand"."""
    prev, word = doc[i].lower_.replace(",", ""), doc[j].lower_
    if word in _SCALES:
        return _word_value(prev) is not None or prev in _SCALES or bool(re.fullmatch(r"\d+(\.\d+)?", prev))
    if word in ("-", "–"):
        return prev in _TENS and j + 1 < len(doc) and doc[j + 1].lower_ in _UNITS
    if word == "and":
        return prev in ("hundred", "thousand", "million") and j + 1 < len(doc) and \
            _word_value(doc[j + 1].lower_) is not None and doc[j + 1].lower_ not in _SCALES
    value = _word_value(word)
    if value is None:
        return False
    if prev in ("-", "–", "and"):
        return True  # joined to what is before by the rules above
    return prev in _TENS and word in _UNITS  # "twenty five"


def _run(token: Token) -> tuple[int, int]:
    """The first and last token index of the number phrase ``token`` belongs to."""
    doc = token.doc
    begin = end = token.i
    while begin > 0 and _in_run(doc, begin - 1, begin):
        begin -= 1
    while end + 1 < len(doc) and _in_run(doc, end, end + 1):
        end += 1
    return begin, end


def parse_number(token: Token) -> int | None:
    """The integer a number phrase stands for ("2,300", "nine", "twenty five", "30 thousand", "two
    dozen", "a dozen", "one hundred and twenty"), given at one token of the phrase: the first one
    when the phrase has a scale word ("two hundred"), else the last ("twenty-three"); None for the
    phrase's other tokens and for what is no count ("dozens", the "one" of "no one")."""
    doc = token.doc
    begin, end = _run(token)
    words = [doc[k].lower_.replace(",", "") for k in range(begin, end + 1)]
    scaled = any(w in _SCALES for w in words)
    if token.i != (begin if scaled else end):
        return None
    if words == ["dozen"] and (begin == 0 or doc[begin - 1].lower_ not in ("a", "one")):
        return None  # "a dozen" counts twelve; a bare "dozen" nothing
    if words == ["dozen"] and begin >= 2 and doc[begin - 2].lower_ == "half":
        return 6  # "half a dozen"
    if words[0] == "one" and begin > 0 and doc[begin - 1].lower_ in ("no", "not"):
        return None  # "no one was killed"
    total, current = 0.0, 0.0
    for word in words:
        if word in ("-", "–", "and"):
            continue
        if re.fullmatch(r"\d+(\.\d+)?", word):
            current = float(word)
        elif word in ("hundred", "dozen"):
            current = (current or 1) * _SCALES[word]
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        elif _word_value(word) is not None:
            current += _word_value(word)  # type: ignore[operator]
        else:
            return None
    value = total + current
    if value != int(value) or value <= 0 or value > 10_000_000:
        return None
    return int(value)


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _casualty_word(word: Token) -> str | None:
    """"Killed"|"Wounded" for a word that names the dead or the wounded ("deaths", "injured")."""
    lemma = _lemma(word)
    if lemma in _WOUNDED_NOUNS or word.lower_ in _WOUNDED_NOUNS:
        return "Wounded"
    if lemma in _KILLED_NOUNS or word.lower_ in _KILLED_NOUNS:
        return "Killed"
    return None


def _verb_kind(verb: Token) -> str | None:
    """"Killed"|"Wounded" for a verb that kills or wounds; "sought medical help", "received medical
    treatment", "were treated for injuries" wound; "shot dead" kills (the parser may make "dead" the
    verb: "a sniper shot dead two soldiers")."""
    lemma = _lemma(verb)
    if lemma in _WOUND_VERBS:
        return "Wounded"
    if lemma in _KILL_VERBS:
        return "Killed"
    if verb.lower_ == "dead" and verb.i > 0 and verb.nbor(-1).lower_ in _SHOT:
        return "Killed"
    if _aided(verb):
        return "Wounded"
    if lemma in _CARE_VERBS and verb.pos_ == "VERB" and any(
            c.dep_ == "dobj" and (c.like_num or _lemma(c) in _PEOPLE) for c in verb.children) and not any(
            c.dep_ == "prep" and c.lower_ == "for" and not any(o.dep_ == "pobj" and _injury(o) for o in c.children)
            for c in verb.children):
        return "Wounded"  # "medics treated six people" (not "… for shock")
    if lemma == "treat" and any(c.dep_ == "prep" and c.lower_ == "for" and any(
            o.dep_ == "pobj" and _injury(o) for o in c.children) for c in verb.children):
        return "Wounded"
    if lemma in _INJURY_VERBS and any(c.dep_ == "dobj" and _injury(c) for c in verb.children):
        return "Wounded"  # "suffered injuries", "sustained shrapnel wounds"
    if verb.pos_ == "VERB" and any(c.dep_ == "prep" and c.lower_ == "with" and any(
            o.dep_ == "pobj" and _injury(o) for o in c.children) for c in verb.children) and \
            (any(c.dep_ == "nsubjpass" for c in verb.children) or lemma == "leave"):
        return "Wounded"  # "were taken to hospital with injuries", "left 12 people with injuries"
    if verb.pos_ == "VERB" and lemma not in _SENTENCE_VERBS and any(c.dep_ == "prep" and c.lower_ == "to" and any(
            o.dep_ == "pobj" and _lemma(o) == "death" for o in c.children) for c in verb.children):
        return "Killed"  # "burned to death", "beaten to death"
    return None


def _aided(verb: Token) -> bool:
    """"sought medical help", "received medical treatment"."""
    return _lemma(verb) in _AID_VERBS and any(c.dep_ == "dobj" and _lemma(c) in _AID_NOUNS and any(
        m.dep_ == "amod" and m.lower_ == "medical" for m in c.children) for c in verb.children)


def _injury(noun: Token) -> bool:
    """"injuries", "wounds", "burns": what the wounded have."""
    return _casualty_word(noun) == "Wounded" or _lemma(noun) in _INJURY_NOUNS or noun.lower_ in _INJURY_NOUNS


def _sought_help(number: Token) -> Token | None:
    """The counted word of "two more sought medical help", "five people needed medical care" by the
    words after the number (the parser may make a noun of "help" and hang the number on it)."""
    doc, j, counted = number.doc, number.i + 1, number
    while j < len(doc) and j <= number.i + 3 and (doc[j].lower_ in _MORE or _lemma(doc[j]) in _PEOPLE):
        if _lemma(doc[j]) in _PEOPLE:
            counted = doc[j]
        j += 1
    if j + 2 < len(doc) and _lemma(doc[j]) in _AID_VERBS and doc[j + 1].lower_ == "medical" \
            and _lemma(doc[j + 2]) in _AID_NOUNS:
        return counted
    return None


def _in_condition(number: Token) -> bool:
    """"three in moderate condition", "two people in critical condition": a count of the wounded by
    the words right after the number (an optional people noun, "in", adjectives, the condition word)."""
    doc, j = number.doc, number.i + 1
    if j < len(doc) and _lemma(doc[j]) in _PEOPLE:
        j += 1
    if j >= len(doc) or doc[j].lower_ != "in":
        return False
    for word in doc[j + 1:j + 5]:
        if _lemma(word) in _CONDITION or word.lower_ in _CONDITION:
            return True
        if word.pos_ not in ("ADJ", "ADV", "CCONJ", "PUNCT") or word.text in (",", ".", ";"):
            return False
    return False


def _either_or(verb: Token) -> bool:
    """"killed or injured", "were killed and wounded": one count for both, which no kind states
    (unlike "killed four and wounded 19", where each verb has its number)."""
    linked = [c for c in verb.children if c.dep_ == "conj"] + ([verb.head] if verb.dep_ == "conj" else [])
    for other in linked:
        if _lemma(other) not in _CASUALTY_VERBS | _KILLED_NOUNS | _WOUNDED_NOUNS or \
                (_verb_kind(other) or _casualty_word(other)) == (_verb_kind(verb) or _casualty_word(verb)):
            continue
        between = verb.doc[min(other.i, verb.i) + 1:max(other.i, verb.i)]
        if all(t.dep_ in ("cc", "punct", "aux", "auxpass") for t in between):
            return True  # side by side: "killed and wounded 30 people", "were killed or injured"
        if any(t.lower_ == "or" for t in between) and not any(c.like_num for c in other.subtree):
            return True
    return False


def _toll_of(noun: Token, depth: int = 0) -> str | None:
    """The kind a toll phrase counts: "the death toll", "the tally of Palestinian deaths", "the
    number of wounded", "the number of people who were killed", "casualty figures"."""
    if depth > 3:
        return None
    kind = _casualty_word(noun)
    if kind is not None and _lemma(noun) not in ("life", "casualty"):
        return kind  # "casualties" may be dead or wounded: "the casualties included five children" says neither
    if _lemma(noun) in _LOSS_NOUNS and noun.tag_ == "NNS" and any(c.dep_ == "poss" for c in noun.children):
        return "Killed"  # "bringing its losses to 4,350"
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.i < noun.i and _lemma(noun) in _TOLL_NOUNS:
            kind = _casualty_word(child)
            if kind is not None:
                return kind
        if child.dep_ == "appos":
            kind = _toll_of(child, depth + 1)
            if kind is not None:
                return kind
        if child.dep_ == "prep" and child.lower_ == "of" and _lemma(noun) in _TOLL_NOUNS:
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                kind = _toll_of(obj, depth + 1)
                if kind is not None:
                    return kind
                for sub in obj.children:  # "the number of people who were killed"
                    if sub.dep_ in ("relcl", "acl") and _verb_kind(sub):
                        return _verb_kind(sub)
    return None


def _first_conjunct(token: Token) -> Token:
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def _as_toll(phrase: Token) -> str | None:
    """"the toll has risen to 27", "brings the tally of deaths to 33", "the number of martyrs reached
    300", "the previous toll was four soldiers and two civilians": what the toll amounts to."""
    phrase = _first_conjunct(phrase)
    by_to = phrase.head.lower_ in ("by", "from") and any(c.lower_ == "to" for c in phrase.children)
    # "rose by five to 32", "climbed from 20 to 25" (the parser may hang the "to" on the number)
    if phrase.dep_ == "pobj" and (phrase.head.lower_ in ("to", "at") or by_to):
        # the verb the preposition belongs to (the parser may hang it on a noun between them)
        verb = next((a for a in list(phrase.head.ancestors)[:4] if a.pos_ in ("VERB", "AUX")), None)
        if verb is None:
            return None
        if verb.dep_ in ("acl", "relcl") and _lemma(verb.head) in _PEOPLE:
            # "brings the number of civilians killed to 31": the parser hung "to" on the participle
            verb = next((a for a in verb.ancestors if a.pos_ in ("VERB", "AUX") and a.dep_ not in ("acl", "relcl")),
                        verb)
        if verb.dep_ == "advcl" and verb.head.pos_ in ("VERB", "AUX") and \
                any(c.dep_ == "mark" and c.lower_ in ("since", "as", "when") for c in verb.children):
            verb = verb.head  # "raising its toll since the war began to 4,350": not the clause of time's
    elif phrase.dep_ in ("dobj", "attr") and phrase.head.pos_ in ("VERB", "AUX"):
        verb = phrase.head
    else:
        return None
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child is not phrase:
            kind = _toll_of(child)
            if kind is not None:
                return kind
    if verb.dep_ == "advcl" and _lemma(verb) in _TOLL_VERBS and any(
            c.dep_ == "dobj" and _lemma(c) in _TOLL_NOUNS for c in verb.children) and not _either_or(verb.head):
        return _verb_kind(verb.head)  # "… killed five, bringing the total to 40": the total of that kind
    return None


def _kind_for(number: Token, depth: int = 0) -> tuple[str, Token] | None:
    """("Killed"|"Wounded", the counted word) when the number counts casualties."""
    head = number.head if number.dep_ in _NUMBER_DEPS else number
    if _after_date(number):
        head = number  # "the previous week 50 were killed": the number is the subject, not the week's
    if head.lower_ in _SCALES and head is not number and head.dep_ in _NUMBER_DEPS:
        head = head.head  # "two dozen people"
    if number.dep_ == "npadvmod" and number.head.lower_ in _MORE and number.head.dep_ == "amod" \
            and number.head.head.i > number.head.i:
        head = number.head.head  # "16 more servicemen killed": the parser hung the number on "more"
    if number.i + 1 < len(number.doc):
        # "left five dead and 33 injured", "24 injured": the word right after the number
        kind = _casualty_word(number.nbor(1))
        if kind is not None and not (_lemma(number.nbor(1)) == "life" and number.nbor(1) is not head):
            if _either_or(number.nbor(1)):
                return None
            return kind, head
    aided = _sought_help(number)
    if aided is not None:
        return "Wounded", aided
    if _in_condition(number):
        return "Wounded", head  # "three in moderate condition"
    if head.dep_ == "pobj" and head.head.lower_ == "to" and _lemma(head.head.head) in _GIVE_AID and (
            _lemma(head) in _PEOPLE or head is number) and any(
            c.dep_ == "dobj" and _lemma(c) in _AID_NOUNS for c in head.head.head.children):
        return "Wounded", head  # "were providing medical aid to six people"
    # "158 military deaths", "30,000 lives", "100 people dead"
    following = []
    for word in head.doc[head.i + 1:head.i + 3]:
        if word.pos_ in ("CCONJ", "PUNCT", "VERB", "AUX", "ADP"):
            break  # "killed four people and wounded 19": "wounded" counts the next number
        following.append(word)
    for word in [head, *following]:
        kind = _casualty_word(word)
        if kind == "Killed" and _lemma(word) == "life" and number.i > word.i:
            continue
        if kind is not None:
            return kind, head
    # "the deaths of 14 individuals", "the martyrdom of about ten Palestinians"
    if head.dep_ == "pobj" and head.head.lower_ == "of" and _casualty_word(head.head.head) \
            and head.head.head.pos_ == "NOUN":
        return _casualty_word(head.head.head), head  # type: ignore[return-value]
    if head.dep_ == "pobj" and head.head.lower_ == "of" and _lemma(head.head.head) in _LOSS_NOUNS \
            and head.head.head.tag_ == "NN" and (_lemma(head) in _PEOPLE or head.ent_type_ == "NORP"):
        return "Killed", head  # "acknowledged the loss of 12 soldiers" (not "the loss of 12 tanks")
    toll = _as_toll(head)
    if toll is not None:
        return toll, head
    # "23 civilians killed", "the soldiers who died": a participle or clause after the counted noun
    for child in head.children:
        if child.dep_ in ("acl", "relcl", "amod") and child.i > head.i and _verb_kind(child):
            if _either_or(child):
                return None
            return _verb_kind(child), head  # type: ignore[return-value]
    # the number counts people; look for the verb that kills or wounds them
    # people: a people noun, a bare number ("killing nine"), a demonym or name ("300 Lebanese")
    people = _lemma(head) in _PEOPLE or head is number or head.ent_type_ in ("NORP", "GPE") or head.pos_ == "PROPN"
    anchor = head
    if head.dep_ == "pobj" and head.head.lower_ == "of" and _lemma(head.head.head) in _TOLL_NOUNS:
        anchor = head.head.head  # "a total of 30 people were killed"
    elif head is number and head.dep_ == "pobj" and head.head.lower_ == "of" and \
            _lemma(head.head.head) in _GROUP_NOUNS and head.head.head.tag_ == "NN":
        anchor = head.head.head  # "a family of five was killed"
    if head is number and number.dep_ == "pobj" and number.head.i == number.i - 1 \
            and number.head.lower_ in _QUALIFIERS:
        anchor = number.head  # "Over 100 were injured": the parser made the qualifier a preposition
    verb = anchor.head
    if head is number and number.dep_ == "conj" and verb.dep_ == "pobj" and verb.head.dep_ == "prep" \
            and verb.head.head.pos_ == "VERB" and any(c.dep_ == "prep" for c in number.children) \
            and any(t.like_num and t.i < verb.i for t in verb.head.head.subtree):
        verb = verb.head.head  # "12 were killed in A and one in B": the parser joined the count to A
    among = _among_casualties(verb) if anchor.dep_ in ("nsubj", "nsubjpass", "attr") else None
    # ("attr": "among the wounded were four children")
    if among is not None and people:
        return among, head  # "three children were among the dead"
    for child in verb.children:  # "one person was reported killed", "two people were reported dead"
        if child.dep_ in ("xcomp", "oprd", "acomp") and (_verb_kind(child) or _casualty_word(child)):
            if people:
                return (_verb_kind(child) or _casualty_word(child)), head  # type: ignore[return-value]
    for _ in range(3):
        kind = _verb_kind(verb)
        if kind is not None:
            if _either_or(verb):
                return None
            if _lemma(verb) in _PEOPLE_ONLY and not (_lemma(head) in _PEOPLE or head.ent_type_ == "NORP"):
                return None  # "lost three tanks", "claimed two attacks"
            return (kind, head) if people else None
        if verb.dep_ == "conj" and verb.pos_ in ("VERB", "AUX"):
            break  # "… were killed and 100,000 residents have fled", "… and two are missing": another predicate
        if verb.dep_ == "appos" and _lemma(verb) in _PEOPLE and verb.head.dep_ == "pobj" and \
                verb.head.ent_type_ in ("GPE", "LOC") and verb.head.head.head.pos_ == "VERB":
            verb = verb.head.head.head  # "N were killed in X, mostly fighters but also 72 civilians": the
            continue  # parser hung the breakdown on the place
        if _lemma(verb) in ("include", "among", "between") or verb.dep_ in ("appos", "conj") \
                or verb.pos_ == "NOUN":
            verb = verb.head
            continue
        break
    if not people:
        return None
    # "N others, among them …, were wounded": the clause's verb further up (not through a place:
    # "In Burkina, one of the poorest countries, thousands … were killed")
    for anc in head.ancestors:
        if anc.pos_ == "ADP" and _lemma(anc) not in ("among", "include", "including"):
            break
        kind = _verb_kind(anc)
        if kind == "Wounded" or (kind == "Killed" and anc.pos_ == "VERB"):
            return None if _either_or(anc) else (kind, head)
        if anc.pos_ == "VERB" and _lemma(anc) not in ("include", "be"):
            break
        if anc.dep_ == "conj" and anc.pos_ in ("VERB", "AUX"):
            break  # "… were wounded and two are missing": a predicate of its own
    return _breakdown(number, head, depth)


def _breakdown(number: Token, head: Token, depth: int) -> tuple[str, Token] | None:
    """A count inside a count: "three of the dead", "three of those killed", "the toll stands at 1,234,
    including 400 children" (the kind of the count it belongs to)."""
    if head is number:
        for prep in number.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for obj in (o for o in prep.children if o.dep_ == "pobj"):
                definite = any(c.dep_ == "det" and c.lower_ in ("the", "those", "these") for c in obj.children)
                kind = _casualty_word(obj) if _lemma(obj) not in ("life", "casualty", "toll") else None
                if kind is not None and definite:
                    return kind, number
                if obj.lower_ == "those":
                    kind = _among_of(obj)
                    if kind is not None:
                        return kind, number
    people = head is number or _lemma(head) in _PEOPLE or head.ent_type_ == "NORP"
    if depth < 2 and people and head.dep_ == "pobj" and head.head.lower_ in ("including", "among"):
        found = _kind_of_whole(head.head, number, depth)
        if found is not None:
            return found, head
    doc = number.doc
    if depth < 2 and people and number.i >= 2 and doc[number.i - 2].lower_ == "among" and \
            doc[number.i - 1].lower_ in ("them", "whom"):
        # "has risen to 10, among them two children": the kind of the count before
        whole = next((t for t in reversed(doc[number.sent.start:number.i - 2]) if t.like_num
                      and (parse_number(t) or 0) >= (parse_number(number) or 0)), None)
        judged = _kind_for(whole, depth + 1) if whole is not None else None
        if judged is not None:
            return judged[0], head
    if depth < 2 and head is number and _partitive_people(number):
        # "eight people died, two of them children": the kind of the count before
        whole = next((t for t in reversed(number.doc[number.sent.start:number.i]) if t.like_num
                      and (parse_number(t) or 0) >= (parse_number(number) or 0)), None)
        judged = _kind_for(whole, depth + 1) if whole is not None else None
        if judged is not None:
            return judged[0], number
    return None


def _kind_of_whole(prep: Token, part: Token, depth: int = 0) -> str | None:
    """The kind of the count a breakdown "including …" / "among them …" belongs to ("killed 23 people,
    including 5 children"; "stands at 230, including 75 …"; "seven were killed, including a child")."""
    parent = prep.head
    whole = parent if parent.like_num else next((c for c in parent.children if c.like_num and
                                                  c.dep_ in _NUMBER_DEPS), None)
    if whole is None and parent.pos_ in ("VERB", "AUX", "NOUN"):  # "stands at 230, including 75 …"
        whole = next((t for t in reversed(part.doc[max(parent.left_edge.i, prep.i - 6):prep.i])
                      if t.like_num), None)
    if whole is None or whole is part:
        return None
    found = _kind_for(whole, depth + 1)
    return found[0] if found is not None else None


def _among_of(obj: Token) -> str | None:
    """The kind of "those killed", "those who were wounded"."""
    for sub in obj.children:
        if sub.dep_ in ("acl", "relcl", "amod") and _verb_kind(sub) and not _either_or(sub):
            return _verb_kind(sub)
    return None


def _irrealis(number: Token) -> bool:
    """A count of what did not or may not happen: under a threat, an aim, a fear or a forecast
    ("threatened to kill 10 hostages", "tried to kill", "could have killed 100", "is expected to rise
    to 50", "if the dam bursts, 300 could die"), up to the verb that reports it."""
    for tok in list(number.ancestors)[:6]:
        if tok.pos_ == "NOUN" and _lemma(tok) in _CLAIM_NOUNS:
            return False  # "X's claim of 300 killed could not be verified": the claim is made
        if tok.pos_ not in ("VERB", "AUX", "ADJ"):
            continue
        if _lemma(tok) in _SPEECH and _lemma(tok) not in _IRREALIS:
            return False  # "the ministry said 5 were killed": what is reported is the claim
        if _lemma(tok) in _IRREALIS or any(c.dep_ == "aux" and c.lower_ in _IRREALIS for c in tok.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return True
    return False


def _age(number: Token) -> bool:
    """A number set off by commas after a person ("a man, 55, was killed"; "Ali Hassan, 34,"): an age."""
    doc, i = number.doc, number.i
    if i < 2 or i + 1 >= len(doc) or doc[i - 1].text != "," or doc[i + 1].text not in (",", ".", ";", ")"):
        return False
    person = doc[i - 2]
    return _lemma(person) in _PEOPLE or person.ent_type_ == "PERSON"


def _among_casualties(verb: Token) -> str | None:
    """The kind of "(they) were among the dead / those killed / the wounded": the casualties a
    breakdown's people belong to."""
    if _lemma(verb) != "be":
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ != "among":
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            kind = _casualty_word(obj)
            if kind is not None and _lemma(obj) not in ("life", "casualty", "toll"):
                return kind
            for sub in obj.children:  # "among those killed"
                if sub.dep_ in ("acl", "relcl", "amod") and _verb_kind(sub) and not _either_or(sub):
                    return _verb_kind(sub)
    return None


def _singular(noun: Token) -> tuple[str, Token] | None:
    """"A resident died", "an officer was wounded": one person, counted once."""
    relative = _lemma(noun) in _RELATIVES and noun.tag_ == "NN" and noun.dep_ == "nsubjpass" and \
        any(c.dep_ == "poss" and c.lower_ in ("his", "her", "their") for c in noun.children)
    if not relative and (_lemma(noun) not in _PEOPLE or noun.tag_ not in ("NN", "NNP")):
        return None
    if not relative and not any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in noun.children):
        return None  # "his mother was wounded" is one person; "his men were killed" no count
    if any(c.like_num and not _age(c) for c in noun.children):
        return None
    if noun.dep_ == "pobj" and noun.head.lower_ in ("including", "among") and noun.head.head.lemma_ != "be":
        kind = _kind_of_whole(noun.head, noun)  # "seven were killed, including a child": one of them
        return (kind, noun) if kind is not None else None
    if noun.dep_ not in ("nsubj", "nsubjpass", "attr") and any(
            c.dep_ == "prep" and c.lower_ == "in" and any(o.dep_ == "pobj" and _lemma(o) in _CONDITION
                                                          for o in c.children) for c in noun.children):
        return "Wounded", noun  # "… taken to hospital: a boy in moderate condition and …"
    participle = next((c for n in (noun, *_one_more(noun)) for c in n.children
                       if c.dep_ == "acl" and c.tag_ == "VBN" and c.i > n.i and _verb_kind(c)
                       and not _either_or(c) and _lemma(c) not in _PEOPLE_ONLY), None)
    if participle is not None and noun.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return _verb_kind(participle), noun  # type: ignore[return-value]  # "another man hurt in the blast was …"
    verb = noun.head
    among = _among_casualties(verb) if noun.dep_ == "nsubj" else None
    if among is not None:
        return among, noun  # "a boy was among those killed"
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj") or verb.pos_ != "VERB":
        return None
    kind = _verb_kind(verb)
    if kind is None or _lemma(verb) in _PEOPLE_ONLY or _either_or(verb):
        return None
    if noun.dep_ == "nsubj" and _lemma(verb) not in ("die", "perish") and not _aided(verb):
        return None  # "a soldier killed two civilians": the soldier is the killer
    if any(c.dep_ == "neg" for c in verb.children):
        return None
    return kind, noun


def _one_more(noun: Token) -> list[Token]:
    """The other people of "a woman and (a) child were killed", one each: singular people nouns
    joined to the first, with no number, no possessor ("his son") and no article but "a"."""
    out = []
    for conj in noun.children:
        listed = conj.dep_ == "appos" and any(c.dep_ == "conj" for c in conj.children)  # "a, b and c" misparsed
        if (conj.dep_ != "conj" and not listed) or _lemma(conj) not in _PEOPLE or conj.tag_ != "NN":
            continue
        if any(c.like_num or c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ not in ("a", "an"))
               for c in conj.children):
            continue
        out.append(conj)
        out.extend(_one_more(conj))
    return out


def _one_joined(counted: Token) -> list[Token]:
    """The person joined to a counted noun by "and a" ("20 soldiers and a civilian were killed"):
    one more, of the same kind."""
    while counted.dep_ in ("compound", "amod") and counted.head.i > counted.i:
        counted = counted.head  # "Twenty Azerbaijani soldiers": the number hangs on the demonym
    if counted.pos_ != "NOUN" or _lemma(counted) not in _PEOPLE:
        return []
    return [c for c in counted.children if c.dep_ == "conj" and c.tag_ == "NN" and _lemma(c) in _PEOPLE
            and not any(g.like_num for g in c.children)
            and any(g.dep_ == "det" and g.lower_ in ("a", "an") for g in c.children)]


def _after_date(number: Token) -> bool:
    """A number right after a date phrase, which the model took into the date, when it is the
    subject of the verb after it ("the previous week 50 were killed"); not the day of a month
    ("on May 12 killed …")."""
    doc, i = number.doc, number.i
    if i == 0 or i + 1 >= len(doc) or doc[i + 1].pos_ not in ("AUX", "VERB"):
        return False
    before = doc[i - 1]
    if before.ent_type_ != "DATE" or before.pos_ != "NOUN":
        return False
    return (number.dep_ == "nummod" and number.head.i == before.i) or number.dep_ in ("nsubj", "nsubjpass")


def _of_illness(number: Token, counted: Token, sent: SpacySpan) -> bool:
    """Deaths an illness counts: "25 cases of the virus and one death", "12 died of cholera", "deaths
    from the outbreak"."""
    lemmas = {_lemma(t) for t in sent} | {t.lower_ for t in sent}
    if not lemmas & _DISEASE:
        return False
    if lemmas & _CASES:
        return True
    heads = {counted.i, counted.head.i, number.head.i}
    for t in sent:
        if t.lower_ in ("of", "from") and t.head.i in heads and \
                any(_lemma(o) in _DISEASE or o.lower_ in _DISEASE for o in t.subtree):
            return True
    return False


def _already_counted(number: Token, counted: Token) -> bool:
    """"the two civilians killed were …", "the 23 soldiers who died", "wounded nine, three of them
    seriously": people counted before."""
    partitive = any(c.dep_ == "prep" and c.lower_ == "of" and any(o.lower_ in ("them", "whom", "those")
                                                                  for o in c.children) for c in number.children)
    if partitive and not (number.dep_ in ("nsubj", "nsubjpass") and _verb_kind(number.head)) \
            and not _partitive_people(number):
        return True
    det = [c for c in counted.children if c.dep_ in ("det", "poss") and c.i < number.i]
    return bool(det) and det[0].lower_ in ("the", "these", "those") and counted is not number


def _partitive_people(number: Token) -> bool:
    """"Three were killed, one of them a child", "…, two of them soldiers": the part says who they
    are, a claim of its own (not "four of them seriously", "4 of whom are in intensive care")."""
    them = next((o for c in number.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children
                 if o.lower_ in ("them", "whom")), None)
    if them is None:
        return False
    if _in_condition(them):
        return True  # "five were hospitalised, four of them in serious condition"
    for word in number.doc[them.i + 1:them.i + 5]:
        if word.pos_ in ("PUNCT", "VERB", "AUX", "ADP", "CCONJ"):
            return False
        if word.pos_ == "NOUN" and _lemma(word) in _PEOPLE:
            return True
    return False


def _population(counted: Token, sent: SpacySpan) -> str:
    words = {_lemma(counted), counted.lower_} | {_lemma(c) for c in counted.children if c.dep_ != "conj"}
    if words & _CIVILIAN:
        return "Civilian"
    if words & _MILITARY:
        return "Military"
    others = {t.i for c in counted.children if c.dep_ == "conj" for t in c.subtree}
    inner = [t for t in counted.subtree if t.i not in others]
    if any(t.lower_ in ("including", "includes") for t in inner) or "civilian" in {_lemma(t) for t in inner}:
        return "MixedPopulation"
    return "UnknownPopulation"


def _qualifier(number: Token, sent: SpacySpan) -> str | None:
    """"at least", "more than" … right before the number, in its sentence."""
    start = _run(number)[0]
    if start > sent.start and number.doc[start - 1].lower_ in ("a", "an") and number.doc[start].lower_ in _SCALES:
        start -= 1  # "at least a dozen"
    before = number.doc[max(sent.start, start - 3):start].text.lower()
    for q in _QUALIFIERS:
        if before == q or before.endswith(" " + q):
            if q in ("fewer than", "less than") and before.endswith(("no " + q, "not " + q)):
                return "at least"  # "no fewer than 13", "not less than 25"
            return q.removeprefix("an ")
    return None


def _phrase_tokens(counted: Token) -> list[Token]:
    """The counted phrase without its clauses, other conjuncts and prepositions of place ("killed in
    X"): its modifiers and its "of" phrase ("members of the Front")."""
    out = [counted]
    for child in counted.children:
        if child.dep_ in ("conj", "cc", "relcl", "acl", "punct", "appos"):
            continue
        if child.dep_ == "prep" and child.lower_ != "of":
            continue
        out.extend(child.subtree)
    return sorted(out, key=lambda t: t.i)


def _side(ctx: Context, counted: Token, sent: SpacySpan) -> str | None:
    # a force or a state named in the counted phrase ("Karabakh separatist troops", "Azeri civilians")
    for token in _phrase_tokens(counted):
        mention = ctx.mention_at(token)
        if mention is not None:
            actor = ctx.as_actor(mention.entity)
            if actor:
                return ctx.state_of(actor) or actor
        found = ctx.demonym(token.text)
        if found is not None:
            return found
    # "Azerbaijan had lost 130 troops": the subject of "lose"
    for anc in counted.ancestors:
        if _lemma(anc) == "lose":
            subj = next((c for c in anc.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                actor, _ = resolve_np(ctx, subj)
                if actor:
                    return ctx.state_of(actor) or actor
        if anc.pos_ == "VERB":
            break
    return None


def _title_case(sent: SpacySpan) -> bool:
    """"Ministry Of Health: Tripoli Clashes Left Five Dead And 33 Injured.": a headline by its capitals."""
    words = [t for t in sent if t.is_alpha]
    big = [t for t in words if t.lower_ not in _TITLE_SMALL]
    return len(big) >= 4 and all(t.text[0].isupper() for t in big)


def _is_headline(ctx: Context, sent: SpacySpan) -> bool:
    if ctx.is_headline(sent):
        return True
    begin = ctx.text.rfind("\n", 0, sent.start_char) + 1
    end = ctx.text.find("\n", sent.start_char)
    end = end if end >= 0 else len(ctx.text)
    return _title_case(ctx.doc.char_span(begin, end, alignment_mode="expand") or sent)


def _headline_credit(ctx: Context, sent: SpacySpan) -> str | None:
    """Who a headline credits: after a dash ("… rises to 27 - Health Ministry", "… – Army"), before a
    colon ("X: 12 killed in …"), or by a speech verb after a comma ("…, says X", "…, X says"): the
    actor the text names so, else one named there, else the first actor of the text whose name ends
    with the credit's noun."""
    begin = ctx.text.rfind("\n", 0, sent.start_char) + 1
    end = ctx.text.find("\n", sent.start_char)
    line = ctx.text[begin:end if end >= 0 else len(ctx.text)].rstrip(" .")
    span = _credit_span(line)
    if span is None:
        return None
    credit = line[span[0]:span[1]].strip()
    for mention in ctx.mentions:  # the name as the text gives it elsewhere ("the X Emergency Service")
        actor = ctx.as_actor(mention.entity)
        if actor and mention.span.text.lower().removeprefix("the ") == credit.lower().removeprefix("the "):
            return actor
    for mention in ctx.mentions_in(ctx.offset + begin + span[0], ctx.offset + begin + span[1]):
        actor = ctx.as_actor(mention.entity)
        if actor:
            return actor
    noun = credit.split()[-1].lower() if credit.split() else ""
    for mention in ctx.mentions:
        if mention.span.text.lower().split()[-1:] == [noun] and ctx.as_actor(mention.entity):
            return ctx.as_actor(mention.entity)
    return None


def _credit_span(line: str) -> tuple[int, int] | None:
    """Where a headline's credit is in its line (see :func:`_headline_credit`)."""
    m = re.search(r"\s[-–—]\s+([^-–—:]{2,40})$", line)
    if m is not None:
        return m.start(1), m.end(1)
    m = re.match(r"([^:,]{2,60}):\s", line)
    if m is not None:
        return m.start(1), m.end(1)
    m = re.search(r",\s+(\w+)\s+([^,]{2,40})$", line)  # "…, says X"
    if m is not None and _speech_word(m.group(1)):
        return m.start(2), m.end(2)
    m = re.search(r",\s+([^,]{2,40})\s+(\w+)$", line)  # "…, X says"
    if m is not None and _speech_word(m.group(2)):
        return m.start(1), m.end(1)
    return None


def _speech_word(word: str) -> bool:
    """"says", "said", "reports": a speech verb as a headline writes it."""
    low = word.lower()
    return low in ("says", "said") or low.removesuffix("s") in _SPEECH or low.removesuffix("ed") in _SPEECH \
        or low.removesuffix("d") in _SPEECH


def _own_source(ctx: Context, sent: SpacySpan) -> bool:
    """Whether the sentence names a source of its own, resolvable or not ("state media said",
    "according to witnesses")."""
    for t in sent:
        if ctx.token_in_quote(t):
            continue
        if t.pos_ == "VERB" and _lemma(t) in _SPEECH:
            return True
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.nbor(1).lower_ == "to":
            pobj = according_to(ctx, [t])
            if pobj is not None and (_lemma(pobj) in _INFO_NOUNS or pobj.lower_ in _INFO_NOUNS) and not any(
                    ctx.mention_at(o) is not None or (o.dep_ == "prep" and o.head is pobj) for o in pobj.subtree):
                continue  # "according to preliminary information": whose, the sentences around tell
            return True
    return False


def _anaphoric_source(ctx: Context, sent: SpacySpan) -> bool:
    """Whether the sentence's speech verb has as subject a source met before: "it" or a definite
    report ("the report said", "the statement added", "this tally shows"), someone already named."""
    for t in sent:
        if ctx.token_in_quote(t) or t.pos_ != "VERB" or _lemma(t) not in _SPEECH | _TOLL_VERBS:
            continue
        for subj in (c for c in t.children if c.dep_ == "nsubj"):
            if subj.lower_ == "it":
                return True
            report = _lemma(subj) in _STATEMENT_NOUNS | _TOLL_NOUNS or (subj.pos_ == "NOUN" and _lemma(subj) in _SPEECH)
            if report and any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in subj.children):
                return True
    return False


def _previous(ctx: Context, index: int) -> int:
    """The index of the sentence before, skipping empty ones."""
    j = index - 1
    while j >= 0 and not ctx.sents[j].text.strip():
        j -= 1
    return j


def _speaker_before(ctx: Context, index: int, statements: Sequence[Statement]) -> str | None:
    """Who the sentence or two before (in the paragraph, or at the end of the one before) attributes
    what it says to ("The governor said the market was hit. Four people were killed.")."""
    sent = ctx.sents[index]
    for j in (index - 1, index - 2):
        if j < 0:
            return None
        prev = ctx.sents[j]
        if "\n" in ctx.text[prev.start_char + len(prev.text.rstrip()):sent.start_char] or _is_headline(ctx, prev):
            return None  # another paragraph
        attribution = attribute(ctx, list(prev), focus=ctx.offset + prev.start_char, claims=True)
        if attribution is not None and attribution.speaker and (attribution.verb is None or any(
                c.dep_ == "ccomp" for c in attribution.verb.children) or _introduces(ctx, prev, attribution.verb)):
            return attribution.speaker  # what it reports goes on ("X said the market was hit"), not
            # what it announced ("X announced air raid alerts")
        quoted = next((t for t in prev if ctx.token_in_quote(t)), None)
        if quoted is not None:
            speaker = _quote_speaker(ctx, ctx.offset + quoted.idx, statements)
            if speaker:
                return speaker
        if _own_source(ctx, prev):
            return None  # what the sentence before reports is someone else's, not resolved
        sent = prev
    return None


def _points_back(verb: Token) -> bool:
    """A passive speech verb whose subject is what was just told and whose "by" names the source ("This
    was reported by X", "The information was confirmed by X")."""
    return any(c.dep_ == "nsubjpass" and (c.lower_ in ("this", "that", "it") or _lemma(c) in _INFO_NOUNS | _CLAIM_NOUNS)
               for c in verb.children) and any(c.dep_ == "agent" for c in verb.children)


def _introduces(ctx: Context, sent: SpacySpan, verb: Token) -> bool:
    """Whether a source sentence introduces what the next one says: it ends with a colon ("X said on
    Tuesday:"), or its subject points back to what was told ("This was reported by X")."""
    if sent.text.rstrip().endswith(":") and not ctx.token_in_quote(verb):
        return True
    return _points_back(verb)


_SUBORDINATORS = frozenset({"as", "while", "when", "whereas", "after", "before", "since", "because", "though",
                            "although", "until", "once", "whilst"})


def _aside(verb: Token, numbers: Sequence[Token]) -> bool:
    """Whether a speech verb sits in a clause of time or circumstance that holds none of the numbers
    ("24 civilians were killed, as the army reported clashes"): what it reports is something else."""
    if any(verb.left_edge.i <= n.i <= verb.right_edge.i for n in numbers):
        return False
    clause: Token | None = verb
    for _ in range(4):
        if clause is None or clause.dep_ == "ROOT":
            return False
        if any(clause.left_edge.i <= n.i <= clause.right_edge.i for n in numbers):
            return False
        if clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in clause.children):
            # not "As X reported, a man was killed": an "as" clause with no object of its own before
            # the numbers gives their source
            return not (clause is verb and verb.i < min(n.i for n in numbers) and any(
                c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) and not any(
                c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in verb.children))
        if clause.dep_ in ("relcl", "acl"):
            # "the attack, claimed by X, killed 10": X claims the attack; not "…, injuring 12 people,
            # regional governor X said." (the parser made the source a clause on "people")
            return not (clause is verb and _final_source(verb))
        clause = clause.head if clause.head is not clause else None
    return False


def _final_source(verb: Token) -> bool:
    """A speech verb that ends its sentence after its own subject, set off by a comma ("…, governor X
    said on Telegram."): it reports what comes before."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("who", "which", "that") or subject.i > verb.i:
        return False
    if any(c.i > verb.i and c.dep_ not in ("punct", "prep", "advmod", "npadvmod") for c in verb.children):
        return False
    before = subject.left_edge.i - 1
    return before >= 0 and verb.doc[before].text == ","


def _attribution(ctx: Context, sent: SpacySpan, numbers: Sequence[Token]) -> Attribution | None:
    """The attribution of a sentence's numbers: that of the sentence, not through a speech verb in a
    clause aside that holds none of them."""
    tokens = list(sent)
    for _ in range(3):
        found = attribute(ctx, tokens, focus=ctx.offset + numbers[0].idx, claims=True)
        if found is None or found.verb is None or not _aside(found.verb, numbers):
            return found
        skip = set(range(found.verb.left_edge.i, found.verb.right_edge.i + 1))
        tokens = [t for t in tokens if t.i not in skip]
    return None


def _governing(ctx: Context, number: Token) -> Attribution | None:
    """The attribution of the speech verb the number's clause is reported by ("X said …, while Y
    said 30 troops died": Y), when a sentence has several."""
    for anc in list(number.ancestors)[:8]:
        if anc.pos_ == "VERB" and _lemma(anc) in _SPEECH and not ctx.token_in_quote(anc):
            found = attribute(ctx, [anc], focus=ctx.offset + number.idx, claims=True)
            if found is not None and found.verb is not None:
                return found
    return None


def _parallel_speech(ctx: Context, number: Token, verb: Token | None) -> Token | None:
    """The speech verb other than ``verb`` that reports the number in a clause of its own ("…, while
    Y said 2 were wounded"; "… and Y said …"), not one ``verb`` reports."""
    for anc in list(number.ancestors)[:8]:
        if anc is verb:
            return None
        if anc.pos_ == "VERB" and _lemma(anc) in _SPEECH and not ctx.token_in_quote(anc):
            return anc if anc.dep_ in ("advcl", "conj") and verb is not None else None
    return None


def _whose_toll(ctx: Context, toll: Token) -> str | None:
    """Whose a toll is: its possessor or a name before it ("the ministry's toll", "a Reuters tally"),
    or "from"/"by" a body ("figures from the ministry"); not a place ("the toll in X") nor a state
    ("X's toll" counts X's dead)."""
    heads = [c for c in toll.children if c.dep_ in ("poss", "compound", "nmod") and c.i < toll.i]
    heads += [o for c in toll.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
              for o in c.children if o.dep_ == "pobj"]
    for head in heads:
        actor = resolve_np(ctx, head)[0]
        if actor is not None and not ctx.types(actor) & _STATES:
            return actor
    return None


def _cited(ctx: Context, sent: SpacySpan) -> str | None:
    """The source a reporter cites for what it says ("X said 27 were killed, citing the ministry";
    "…, citing figures from the ministry"; "quoting the ministry, the agency said"): who the number
    comes from; not an unnamed source."""
    for t in sent:
        if t.lower_ not in ("citing", "quoting") or ctx.token_in_quote(t):
            continue
        obj = next((c for c in t.children if c.dep_ in ("dobj", "pobj", "nsubj")), None)
        if obj is None and t.i + 1 < sent.end:
            obj = t.nbor(1)
        if obj is not None:
            return resolve_np(ctx, obj)[0]
    return None


def _claim_owner(ctx: Context, number: Token) -> str | None:
    """Whose claim, report or statement the number is in ("Kyiv's claim of 300 killed", "the
    ministry's report that 12 died", "a claim by X that …"): its possessor, or who it is "by"/"from"."""
    for anc in list(number.ancestors)[:6]:
        if anc.pos_ in ("VERB", "AUX") and _lemma(anc) in _SPEECH:
            return None  # "X said …": the speech verb gives the claimant
        if anc.pos_ != "NOUN" or _lemma(anc) not in _CLAIM_NOUNS or ctx.token_in_quote(anc):
            continue
        owners = [c for c in anc.children if c.dep_ == "poss"]
        owners += [o for c in anc.children if c.dep_ == "prep" and c.lower_ in ("by", "from")
                   for o in c.children if o.dep_ == "pobj"]
        for owner in owners:
            actor = _named_or_resolved(ctx, owner)
            if actor:
                return actor
        return None
    return None


def _toll_giver(ctx: Context, number: Token) -> str | None:
    """Who gives the toll by the clause's verb ("X put the death toll at 27", "X raised the toll to
    30", "X counted 27 dead", "hospital X received three dead"), or whose toll it is ("X's latest toll
    showed 27 killed"): the subject, or the toll's possessor, of the first verb above the number."""
    for anc in list(number.ancestors)[:6]:
        if anc.pos_ not in ("VERB", "AUX"):
            continue
        if _verb_kind(anc) and anc.dep_ == "ccomp":
            continue  # "a Reuters tally shows 12 people were killed": the verb the killing is said by
        subject = next((c for c in anc.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.i > number.i or ctx.token_in_quote(subject):
            return None
        if _lemma(subject) in _TOLL_NOUNS or _casualty_word(subject):
            # "the ministry's toll rose to 27", "a Reuters tally shows …", "figures from X show": whose toll
            return _whose_toll(ctx, subject)
        if _lemma(anc) not in _TOLL_VERBS | _CARE_VERBS:
            return None  # "X treated six people": the body that cared for them tells
        return resolve_np(ctx, subject)[0]
    return None


def _list_intro(ctx: Context, index: int) -> int | None:
    """The sentence ending with a colon that introduces the list a line belongs to ("The ministry
    gave the toll:" and then one line each: "- three soldiers killed in …"), when the lines between
    are short list lines with no source of their own."""
    sent = ctx.sents[index]
    for _ in range(8):
        j = _previous(ctx, index)
        if j < 0:
            return None
        prev = ctx.sents[j]
        if "\n" not in ctx.text[prev.start_char + len(prev.text.rstrip()):sent.start_char] and prev.text.strip() \
                not in ("-", "•", "*", "–"):
            return None  # not a line of its own
        if prev.text.rstrip().endswith(":"):
            return j
        if len(prev) > 30 or _own_source(ctx, prev):
            return None
        index, sent = j, prev
    return None


def _list_speaker(ctx: Context, index: int) -> str | None:
    """Who introduces the list a line belongs to: the speaker, or the subject, of the colon sentence."""
    j = _list_intro(ctx, index)
    if j is None:
        return None
    prev = ctx.sents[j]
    attribution = attribute(ctx, list(prev), focus=ctx.offset + prev.end_char, claims=True)
    if attribution is not None:
        return attribution.speaker
    subject = next((c for c in prev.root.children if c.dep_ == "nsubj"), None)
    gives = _lemma(prev.root) in _TOLL_VERBS or any(_lemma(t) in _STATEMENT_NOUNS | _TOLL_NOUNS for t in prev)
    speaker = resolve_np(ctx, subject)[0] if subject is not None and gives else None  # not "X attacked three towns:"
    if speaker is not None:
        return speaker
    # the source named right after the list ("…:\n- three killed in A\n- five in B\nX said in a statement.")
    k = index
    while k + 1 < len(ctx.sents) and k - index < 12:
        nxt = ctx.sents[k + 1]
        if not nxt.text.strip() or nxt.text.strip() in ("-", "•", "*", "–"):
            k += 1
            continue
        if _own_source(ctx, nxt):
            found = attribute(ctx, list(nxt), focus=ctx.offset + nxt.start_char, claims=True)
            return found.speaker if found is not None else None
        if len(nxt) > 30 or "\n" not in ctx.text[ctx.sents[k].start_char:nxt.start_char]:
            return None
        k += 1
    return None


def _speaker_after(ctx: Context, index: int) -> str | None:
    """The source the next sentence of the paragraph names at its end ("Twelve people were killed.
    Thirty more were wounded, the ministry said."; "…, according to the ministry."): what the
    paragraph reports is that source's."""
    sent = ctx.sents[index]
    j = index + 1
    while j < len(ctx.sents) and not ctx.sents[j].text.strip():
        j += 1
    if j >= len(ctx.sents):
        return None
    nxt = ctx.sents[j]
    if "\n" in ctx.text[sent.start_char + len(sent.text.rstrip()):nxt.start_char] or _is_headline(ctx, nxt):
        return None
    attribution = attribute(ctx, list(nxt), focus=ctx.offset + nxt.start_char, claims=True)
    if attribution is None:
        return None
    if attribution.verb is None:
        pobj = according_to(ctx, list(nxt))
        trailing = pobj is not None and pobj.i > nxt.start + len(nxt) // 2
    else:
        verb = attribution.verb
        trailing = any(c.dep_ in ("ccomp", "parataxis") and c.i < verb.i for c in verb.children) \
            or _points_back(verb)  # "… The information was confirmed by X."
    return attribution.speaker if trailing else None


def _accuser(ctx: Context, number: Token) -> Token | None:
    """The verb of "X accused Y of killing 24 civilians" above the number: its subject asserts the
    killing (the accused is the killer)."""
    path: list[Token] = []
    for anc in list(number.ancestors)[:8]:
        if anc.pos_ == "VERB" and _lemma(anc) in _ACCUSE and not ctx.token_in_quote(anc):
            # "accused X of killing …" (the parser may hang "of" on X)
            return anc if any(t.dep_ == "prep" and t.lower_ in ("of", "for") for t in path) else None
        path.append(anc)
    return None


def _unnamed(subject: Token | None) -> str | None:
    """"person"|"body" for a source described before it is named ("a spokeswoman for the group",
    "a war monitor", "a rebel alliance in the north"); not an unnamed "source"."""
    if subject is None or subject.pos_ != "NOUN" or _lemma(subject) in _SOURCE_NOUNS:
        return None
    if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in subject.children):
        return None
    if _lemma(subject) in _PERSON_ROLES:
        return "person"
    if _lemma(subject) in _BODY_ROLES:
        return "body"
    return None


def _core_actors(ctx: Context, subject: Token) -> set[str]:
    """The actors named in a source phrase itself ("a spokeswoman for the Front"), not in its clauses
    or places ("… battling the army", "… in the north")."""
    skip: set[int] = set()
    for t in subject.subtree:
        if t is not subject and (t.dep_ in ("acl", "relcl") or (t.dep_ == "prep" and t.lower_ not in ("of", "for"))):
            skip.update(range(t.left_edge.i, t.right_edge.i + 1))
    out: set[str] = set()
    for t in subject.subtree:
        mention = ctx.mention_at(t) if t.i not in skip else None
        actor = ctx.as_actor(mention.entity) if mention is not None else None
        if actor:
            out.add(actor)
    return out


def _named_next(ctx: Context, index: int, person: bool) -> str | None:
    """Who the next sentences (up to three, across paragraphs) name as speaker by name ("… a war
    monitor said. || The Observatory said …"): the person or body an unnamed source turns out to be."""
    j, seen = index, 0
    while seen < 3:
        j += 1
        if j >= len(ctx.sents):
            return None
        nxt = ctx.sents[j]
        if not nxt.text.strip():
            continue
        seen += 1
        for verb in nxt:
            if verb.pos_ != "VERB" or _lemma(verb) not in _SPEECH or ctx.token_in_quote(verb):
                continue
            subject = subject_of(ctx, verb)
            if subject is None or not (subject.pos_ == "PROPN" or any(c.pos_ == "PROPN" for c in subject.children)):
                continue
            found = attribute(ctx, [verb], focus=ctx.offset + verb.idx, claims=True)
            if found is not None and found.verb is verb and ctx.is_person(found.speaker) == person:
                return found.speaker
    return None


def _source_verb(ctx: Context, sent: SpacySpan, numbers: Sequence[Token]) -> Token | None:
    """The speech verb a sentence reports its numbers by, whether or not its subject resolves."""
    for verb in sent:
        if verb.pos_ == "VERB" and _lemma(verb) in _SPEECH and not ctx.token_in_quote(verb) \
                and not _aside(verb, numbers):
            return verb
    return None


def _trailing_source(ctx: Context, verb: Token) -> Token | None:
    """The source phrase between a comma and a speech verb that ends its sentence with no subject the
    parser found ("…, a war monitor and local residents reported."; "…, X, the mayor of the city,
    said."): the head of the phrase, from the earliest comma after which no verb or number comes."""
    doc = verb.doc
    if any(c.dep_ not in ("punct", "advmod", "aux", "npadvmod", "prep") and c.i > verb.i for c in verb.children):
        return None  # the verb goes on: not a trailing source
    start = verb.sent.start
    end = verb.i
    while end - 1 > start and doc[end - 1].pos_ in ("ADV", "AUX", "PART", "PUNCT") and doc[end - 1].text != ",":
        end -= 1
    if end - 1 > start and doc[end - 1].text == ",":
        end -= 1  # "…, X, the mayor of the city, said"
    for comma in range(start, end):
        if doc[comma].text != ",":
            continue
        span = doc[comma + 1:end]
        if not len(span) or any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" or t.like_num for t in span) or \
                any(ctx.token_in_quote(t) for t in span):
            continue
        inside = {t.i for t in span}
        return next((t for t in span if t.head.i not in inside and t.pos_ in ("NOUN", "PROPN")), None)
    return None


def _definite_source(subject: Token | None) -> bool:
    """"The source added …", "the sources said": an unnamed source met before."""
    return subject is not None and _lemma(subject) in _SOURCE_NOUNS and \
        any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "same") for c in subject.children)


def _source_relayer(ctx: Context, index: int) -> str | None:
    """Who relayed the unnamed source met before ("…, a source told the agency." … "The source added
    that …"): whom the source told, or who quoted or cited it, in one of the six sentences before."""
    for j in range(index - 1, max(-1, index - 7), -1):
        for t in ctx.sents[j]:
            if _lemma(t) not in _SOURCE_NOUNS or ctx.token_in_quote(t):
                continue
            verb = t.head
            if t.dep_ == "nsubj" and _lemma(verb) == "tell":
                told = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
                if told is not None:
                    return _named_or_resolved(ctx, told)
            if t.dep_ == "nsubj" and _lemma(verb) in _SPEECH:  # "sources at X hospital reported …"
                where = next((o for c in t.children if c.dep_ == "prep" and c.lower_ in ("at", "from")
                              for o in c.children if o.dep_ == "pobj"), None)
                actor = _named_or_resolved(ctx, where) if where is not None else None
                if actor and not ctx.types(actor) & _STATES:
                    return actor
            if t.dep_ == "dobj" and _lemma(verb) in ("quote", "cite"):
                quoter = next((c for c in verb.children if c.dep_ == "nsubj"), None)
                if quoter is not None:
                    return _named_or_resolved(ctx, quoter)
    return None


def _named_or_resolved(ctx: Context, token: Token) -> str | None:
    """The actor a name token is a mention of, else what its phrase resolves to."""
    mention = ctx.mention_at(token)
    actor = ctx.as_actor(mention.entity) if mention is not None else None
    return actor or resolve_np(ctx, token)[0]


def _agent_source(ctx: Context, sent: SpacySpan) -> str | None:
    """The source a sentence names by "by" or "per" ("ten deaths were reported by X", "as reported by
    X", "confirmed by X", "per X"), not in a denial ("… could not be confirmed by X")."""
    for t in sent:
        if ctx.token_in_quote(t):
            continue
        if t.lower_ == "per" and t.dep_ == "prep":
            obj = next((c for c in t.children if c.dep_ == "pobj"), None)
            actor = _named_or_resolved(ctx, obj) if obj is not None else None
            if actor:
                return actor
        if t.pos_ != "VERB" or _lemma(t) not in _AGENT_REPORT or t.tag_ != "VBN" or \
                any(c.dep_ == "neg" for c in t.children) or any(c.dep_ == "aux" and c.lower_ in _MODALS
                                                              for c in t.children):
            continue
        for agent in (c for c in t.children if c.dep_ == "agent"):
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            actor = _named_or_resolved(ctx, obj) if obj is not None else None
            if actor:
                return actor
    return None


def _according_name(ctx: Context, sent: SpacySpan) -> str | None:
    """The person named between commas right after "according to" a role ("According to the
    region's governor, A B, a shell killed four"): the parser may take the name for a subject."""
    pobj = according_to(ctx, list(sent))
    if pobj is None:
        return None
    doc, j = sent.doc, pobj.right_edge.i + 1
    while j < sent.end and doc[j].is_punct and doc[j].text != ",":
        j += 1  # a closing quotation mark
    if j + 2 >= sent.end or doc[j].text != ",":
        return None
    k = j + 1
    while k < sent.end and doc[k].pos_ == "PROPN" and k - j <= 4:
        k += 1
    if k == j + 1 or k >= sent.end or doc[k].text != ",":
        return None
    mention = ctx.mention_at(doc[j + 1])
    actor = ctx.as_actor(mention.entity) if mention is not None else None
    return actor if actor and ctx.is_person(actor) else None


def _quote_speaker(ctx: Context, char: int, statements: Sequence[Statement]) -> str | None:
    """The speaker of the quotation around ``char`` (absolute offset), as the statements layer found it."""
    quote = next((q for q in ctx.quotes if q.begin <= char < q.end), None)
    if quote is None:
        return None
    for st in statements:
        if st.quote and st.speaker and st.evidence.begin <= quote.begin <= st.evidence.end \
                and quote.text.startswith(st.quote[:40]):
            return st.speaker
    return None


def extract_casualties(ctx: Context, *, doc_id: str, text: str, iris: Iris, year: int | None,
                       statements: Sequence[Statement] = ()) -> list[CasualtyClaim]:
    """Casualty claims of one chunk. ``statements``: the document's statements so far (a number
    inside a quotation is claimed by the quotation's speaker)."""
    claims: list[CasualtyClaim] = []
    headline_claims: list[CasualtyClaim] = []
    last_report: tuple[int, str] | None = None  # (sentence index, claimant) of the last sentence with claims
    for index, sent in enumerate(ctx.sents):
        headline = _is_headline(ctx, sent) and _list_intro(ctx, index) is None  # list lines are no headlines
        background = is_background(sent.text, year)
        found: list[tuple[Token, int, str, Token]] = []
        lows = {_range_low(t).i: t for t in sent if t.like_num and _range_low(t) is not None}  # type: ignore[union-attr]
        for token in sent:
            if token.i in lows or (token.dep_ == "quantmod" and token.head.like_num):
                continue  # the lower bound of a range, counted with its upper bound; "by five to 32"
            low = _range_low(token) if token.like_num else None
            if not (token.like_num or token.lower_ == "dozen") or token.ent_type_ in ("MONEY", "PERCENT", "ORDINAL"):
                continue
            if token.ent_type_ == "TIME" and not _bare_number_time(token):
                continue
            if token.ent_type_ == "DATE" and not _bare_number_date(token) and not _after_date(token):
                continue
            if _age(token):
                continue  # "a man, 55, was killed"
            count = parse_number(token) if low is None else _range_count(low, token)
            if count is None:
                continue
            judged = _kind_for(token) or (_kind_for(low) if low is not None else None)
            if judged is None or _already_counted(token, judged[1]) or _of_illness(token, judged[1], sent) \
                    or _irrealis(token):
                continue
            found.append((token if low is None else low, count, judged[0], judged[1]))
            for other in _one_joined(judged[1]):  # "20 soldiers and a civilian were killed"
                found.append((other, 1, judged[0], other))
        counted = {c.i for _, _, _, c in found}
        for token in sent:
            if token.i in counted or token.pos_ != "NOUN":
                continue
            judged = _singular(token)
            if judged is not None and not _of_illness(token, token, sent):
                found.append((token, 1 + len(_one_more(token)), judged[0], judged[1]))
        if not found:
            continue
        found.sort(key=lambda f: f[0].i)
        attribution = _attribution(ctx, sent, [f[0] for f in found])
        cited = _cited(ctx, sent) or _claim_owner(ctx, found[0][0])
        claimant = cited or (attribution.speaker if attribution else None)
        source = attribution.verb if attribution is not None else None
        trailing = _trailing_source(ctx, source) if source is not None and cited is None and \
            not any(c.dep_ in ("nsubj", "nsubjpass") for c in source.children) else None
        if trailing is not None:  # "X killed 11, a monitor and residents reported": not X's (the parser
            claimant = resolve_np(ctx, trailing)[0]  # joined the verbs, "reported" took X for subject)
        accuser = _accuser(ctx, found[0][0])
        if claimant is None and accuser is not None:  # "X accused Y of killing 24": X's claim
            subject = subject_of(ctx, accuser)
            claimant, source = (resolve_np(ctx, subject)[0] if subject is not None else None), accuser
        if source is None and claimant is None:
            source = _source_verb(ctx, sent, [f[0] for f in found])
            if source is not None and cited is None:
                trailing = _trailing_source(ctx, source)  # "…, a war monitor and local residents reported."
                claimant = resolve_np(ctx, trailing)[0] if trailing is not None else None
        subject = trailing or (subject_of(ctx, source) if source is not None and cited is None else None)
        if claimant is None and subject is not None and source is not None and _lemma(source) in _ADMIT and any(
                c.dep_ == "dobj" and c.left_edge.i <= found[0][0].i <= c.right_edge.i for c in source.children):
            claimant = resolve_np(ctx, subject)[0]  # "X acknowledged the loss of 12 soldiers"
        unnamed = _unnamed(subject)
        if subject is not None and unnamed and (claimant is None or claimant not in _core_actors(ctx, subject)):
            claimant = _named_next(ctx, index, unnamed == "person") or claimant  # "a war monitor said …"
        if claimant is None and _definite_source(subject):
            claimant = _source_relayer(ctx, index)  # "… a source told the agency. The source added …"
        if claimant is None:
            claimant = _toll_giver(ctx, found[0][0]) or _agent_source(ctx, sent) or _according_name(ctx, sent)
        if claimant is None and headline:
            claimant = _headline_credit(ctx, sent)
        inherited = False
        if claimant is None and not headline and not _own_source(ctx, sent):
            claimant = _speaker_before(ctx, index, statements) or _list_speaker(ctx, index)
            if claimant is None and last_report is not None and last_report[0] == _previous(ctx, index):
                claimant = last_report[1]  # the casualty report goes on in the next paragraph
            if claimant is None:
                claimant = _speaker_after(ctx, index)
            inherited = claimant is not None
        if claimant is None and not headline and last_report is not None and _anaphoric_source(ctx, sent):
            claimant, inherited = last_report[1], True  # "…, the report said": the report met before
        if claimant is not None and not headline:
            last_report = (index, claimant)
        evidence = ctx.sentence_span(sent, text)
        several = attribution is not None and attribution.verb is not None and claimant == attribution.speaker \
            and sum(1 for t in sent if t.pos_ == "VERB" and _lemma(t) in _SPEECH and not ctx.token_in_quote(t)) > 1
        for token, count, kind, counted_word in found:
            by = claimant
            own = _governing(ctx, token) if several else None  # "X said …, while Y said 30 died": Y's
            if own is not None:
                by = own.speaker
            parallel = _parallel_speech(ctx, token, attribution.verb) if several else None  # type: ignore[union-attr]
            if parallel is not None:
                subject = next((c for c in parallel.children if c.dep_ == "nsubj"), None)
                by = resolve_np(ctx, subject)[0] if subject is not None else by  # not X's: "X said …,
                # while the governor said 2 were wounded"
            if ctx.token_in_quote(token):
                by = _quote_speaker(ctx, ctx.offset + token.idx, statements) or claimant
            side = _side(ctx, counted_word, sent)
            if side is None and by and any(a is not None and a.verb is not None and a.speaker == by and
                                           _lemma(a.verb) in ("report", "record") for a in (own, attribution)):
                side = ctx.state_of(by) or (by if "State" in ctx.types(by) else None)
            claim = CasualtyClaim(
                iri=iris.node("claim", doc_id, ctx.offset + token.idx, count, kind),
                count=count, kind=kind, evidence=evidence,
                population=_population(counted_word, sent), side=side,
                qualifier="at least" if token.i in lows else _qualifier(token, sent),
                claimed_by=(by,) if by else (),
                date=ctx.date_in(sent), background=background,
                confidence=(0.65 if inherited and by == claimant else 0.75) if by else 0.6,
            )
            (headline_claims if headline else claims).append(claim)
    # a headline repeats the story's numbers; one the body does not give is a claim of its own
    given = {(c.count, c.kind) for c in claims}
    claims += [c for c in headline_claims if (c.count, c.kind) not in given]
    return sorted(claims, key=lambda c: c.evidence.begin)


def _range_low(number: Token) -> Token | None:
    """The lower bound of a range of which ``number`` is the upper ("10 to 15", "between 10 and 15",
    "10-15"): the count is the lower bound, "at least"; not "rose by five to 32"."""
    doc, i = number.doc, number.i
    if i < 2 or doc[i - 1].lower_ not in ("to", "and", "or", "-", "–") or not doc[i - 2].like_num:
        return None
    before = doc[i - 3].lower_ if i >= 3 else ""
    if before == "by" or (doc[i - 1].lower_ == "and" and before != "between"):
        return None
    if before == "from" and doc[i - 3].head.pos_ in ("VERB", "AUX") and doc[i - 3].head.i < i - 3:
        return None  # "the toll rose from 20 to 25": a change, the count is what it reaches
    low = doc[i - 2]
    return low if parse_number(low) is not None and (parse_number(number) or 0) > (parse_number(low) or 0) else None


def _range_count(low: Token, high: Token) -> int | None:
    """The count of a range: its lower bound, with the scale of the upper one when it has none of its
    own ("two to three thousand": 2,000)."""
    value = parse_number(low)
    if value is None:
        return None
    begin, end = _run(high)
    scale = 1
    for k in range(begin, end + 1):
        if high.doc[k].lower_ in ("thousand", "million"):
            scale *= _SCALES[high.doc[k].lower_]
    lb, le = _run(low)
    if scale > 1 and not any(low.doc[k].lower_ in _SCALES for k in range(lb, le + 1)) and value < 1000:
        value *= scale
    return value


_TIME_WORDS = frozenset({"hour", "hours", "minute", "minutes", "second", "seconds", "am", "pm", "a.m.", "p.m.",
                         "o'clock", "gmt", "utc", "h", "hrs", "local", "night", "morning", "evening", "afternoon"})


def _bare_number_time(token: Token) -> bool:
    """A number the model took into a time with no time word beside it ("rose from 31 to 36
    overnight", "killed 12 overnight"); not "24 hours", "5 am", "at 10"."""
    doc, i = token.doc, token.i
    if ":" in token.text or (i + 1 < len(doc) and doc[i + 1].lower_ in _TIME_WORDS):
        return False
    return not (i > 0 and doc[i - 1].lower_ in ("at", "around", "about", "by", "until", "before", "after", "past")
                and token.dep_ == "pobj")


def _bare_number_date(token: Token) -> bool:
    """A number the model tagged as a date with no date word beside it ("risen to over 27")."""
    if re.fullmatch(r"1[89]\d\d|20\d\d", token.text):
        return False
    ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    if ent is None:
        return True
    return all(t.like_num or t.lower_ in ("over", "about", "around", "nearly", "some", "than", "more", "almost",
                                          "between", "and", "to", "-", "–", "from") for t in ent)
