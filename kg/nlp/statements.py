"""Statements: direct quotations with their speaker, and reported speech.

Called by :mod:`kg.nlp.extract` for each parsed chunk. A quotation is attributed to the
subject of the nearest speech verb outside quotation marks in its sentence(s) ("…,” X said",
"X said: “…”", "“…,” said X", "X was quoted as saying"), or to "according to X"; a
quotation that stands alone in its paragraph continues the previous statement's speaker.
Pronouns and "the spokeswoman" resolve through :class:`~kg.nlp.discourse.Context`. Reported
speech ("the ministry said its forces had …") becomes a ``ckg:ReportedSpeech`` with the
reported clause as ``ckg:content`` and no ``ckg:quote``. Quotations with no identifiable
speaker (scare quotes) are not statements.
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.ids import Iris
from kg.model import Span, Statement
from kg.nlp.attribution import attribute, is_denial, resolve_np, subject_of
from kg.nlp.discourse import Context
from kg.nlp.tables import rules

__all__ = ["extract_statements"]

_STRIP = " ,;:"


def _sentences_for(ctx: Context, begin: int, end: int) -> list[SpacySpan]:
    """Sentences of the chunk that overlap [begin, end) (absolute offsets), plus neighbours
    when a quote fills its sentence ("“…,” he said." is often split after the closing mark)."""
    local_b, local_e = begin - ctx.offset, end - ctx.offset
    sents = [s for s in ctx.sents if s.end_char > local_b and s.start_char < local_e]
    if not sents:
        return []
    last = sents[-1]
    if last.end < len(ctx.doc):
        after = ctx.sent_of(ctx.doc[last.end])
        text_after = after.text.strip()
        if text_after and after.start_char - last.end_char < 3 and (text_after[0].islower() or
                                                                     len(after) <= 8):
            sents.append(after)
    return sents


def _paragraph_of(text: str, char: int) -> tuple[int, int]:
    begin = text.rfind("\n", 0, char) + 1
    end = text.find("\n", char)
    return begin, len(text) if end < 0 else end


def _is_label(before: str) -> bool:
    """A label before a quotation ("Quote:", "Statement:"): one or two words and a colon."""
    before = before.strip()
    return before.endswith(":") and 0 < len(before[:-1].split()) <= 2 and before[0].isupper()


def _introduction(ctx: Context, text: str, begin: int) -> SpacySpan | None:
    """The sentence that introduces a quotation with a colon, in the same paragraph or the one
    before ("The ministry reports:" ¶ “…”); None when the quotation has no such introduction."""
    i = begin - 2  # the character before the opening mark
    while i >= ctx.offset and text[i].isspace():
        i -= 1
    if i < ctx.offset or text[i] != ":":
        return None
    local = i - ctx.offset
    for sent in ctx.sents:
        if sent.start_char <= local < sent.end_char:
            return sent
    return None


def _previous_sentence(ctx: Context, char: int) -> SpacySpan | None:
    local = char - ctx.offset
    before = [s for s in ctx.sents if s.end_char <= local and s.text.strip()]
    while before and not any(t.pos_ in ("VERB", "AUX") for t in before[-1]):
        before.pop()  # "Quote:" and other labels
    return before[-1] if before else None


def _subject_actor(ctx: Context, sent: SpacySpan) -> str | None:
    """The actor the main clause of a sentence is about (its subject), if one is named."""
    subject = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or ctx.token_in_quote(subject):
        return None
    speaker, _ = resolve_np(ctx, subject)
    return speaker


def _in_speaker_phrase(ctx: Context, verb: Token, begin: int, end: int) -> bool:
    """Whether a quotation (absolute offsets) lies inside the phrase naming the speaker of ``verb``:
    the subject's words, not a clause hung on it ("a military source saying …")."""
    subject = subject_of(ctx, verb)
    if subject is None:
        return False
    clausal = ("acl", "relcl", "advcl", "ccomp", "xcomp")

    def in_phrase(token: Token) -> bool:
        while token.i != subject.i:
            if token.dep_ in clausal or token.i == verb.i:
                return False
            token = token.head
        return True

    span = ctx.doc.char_span(begin - ctx.offset, end - ctx.offset, alignment_mode="contract")
    inside = [t for t in span if not t.is_punct] if span is not None else []
    return bool(inside) and all(subject.left_edge.i <= t.i <= subject.right_edge.i and in_phrase(t) for t in inside)

def extract_statements(ctx: Context, *, doc_id: str, text: str, iris: Iris) -> list[Statement]:
    """Direct quotes and reported speech of one chunk (``text`` is the whole document)."""
    statements: list[Statement] = []
    previous: Statement | None = None
    for quote in ctx.quotes:
        if not (ctx.offset <= quote.begin < ctx.offset + len(ctx.text)):
            continue
        sents = _sentences_for(ctx, quote.begin, quote.end)
        tokens: list[Token] = [t for s in sents for t in s]
        attribution = attribute(ctx, tokens, focus=quote.begin)
        confidence = attribution.confidence if attribution else 0.0
        speaker = attribution.speaker if attribution else None
        body = attribution.on_behalf_of if attribution else None
        verb = attribution.verb if attribution else None
        if verb is not None and _in_speaker_phrase(ctx, verb, quote.begin, quote.end):
            continue  # "says the head of the self-proclaimed “republic” X": scare quotes in who speaks
        p_begin, p_end = _paragraph_of(text, quote.begin)
        outside = (text[p_begin:quote.begin - 1] + text[quote.end + 1:p_end]).strip(" \"'“”‘’.,")
        label = _is_label(text[p_begin:quote.begin - 1]) and not text[quote.end + 1:p_end].strip(" \"'“”‘’.,")
        if speaker is None:
            intro = _introduction(ctx, text, quote.begin)  # "… wrote on her page:" ¶ “…”
            if intro is not None:
                attribution = attribute(ctx, list(intro), focus=quote.begin)
                if attribution is not None:
                    speaker, body, verb = attribution.speaker, attribution.on_behalf_of, attribution.verb
                    confidence = attribution.confidence - 0.05
                    sents = [intro, *sents]
        if speaker is None and previous is not None:
            prev_para = _paragraph_of(text, previous.evidence.begin)
            same_paragraph = prev_para[0] == p_begin
            gap = text[prev_para[1]:p_begin]
            follows = (not outside or label) and gap.count("\n") <= 4 and prev_para[1] <= p_begin
            if same_paragraph or follows:  # the quotation goes on: same speaker
                speaker, body, confidence = previous.speaker, previous.on_behalf_of, 0.7
        if speaker is None and (not outside or label):
            # a quotation standing alone: the speaker is who the sentence before is about
            neighbour = _previous_sentence(ctx, quote.begin)
            subject = _subject_actor(ctx, neighbour) if neighbour is not None else None
            if subject is not None:
                speaker, body, confidence = subject, None, 0.6
        if speaker is None:
            continue
        words = quote.text.rstrip(_STRIP)
        ev_begin = ctx.sentence_span(sents[0], text).begin if sents else quote.begin
        ev_end = ctx.sentence_span(sents[-1], text).end if sents else quote.end
        ev_begin, ev_end = min(ev_begin, quote.begin - 1 if quote.begin else 0), max(ev_end, quote.end)
        ev_begin = max(ev_begin, 0)
        ev_end = min(ev_end, len(text))
        evidence = Span(ev_begin, ev_end, text[ev_begin:ev_end])
        date = ctx.date_in([t for t in verb.subtree if not ctx.token_in_quote(t)]) if verb is not None else None
        about = tuple(sorted({m.entity for m in ctx.mentions_in(quote.begin, quote.end) if m.entity != speaker}))
        statement = Statement(
            iri=iris.node("statement", doc_id, quote.begin, quote.end),
            quote=words, content=None, evidence=evidence, speaker=speaker, on_behalf_of=body,
            date=date, about=about, confidence=round(confidence * (1.0 if quote.closed else 0.8), 2),
        )
        statements.append(statement)
        previous = statement
    statements.extend(_reported_speech(ctx, doc_id=doc_id, text=text, iris=iris))
    return statements


_REPORTING = rules().words["reported_speech"]


def _reported_speech(ctx: Context, *, doc_id: str, text: str, iris: Iris) -> list[Statement]:
    """Reported speech: a speech verb with a clausal complement and a resolvable subject."""
    out = []
    for sent in ctx.sents:
        for verb in sent:
            if verb.lemma_.lower() not in _REPORTING or verb.pos_ != "VERB" or ctx.token_in_quote(verb):
                continue
            complement = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            if complement is None:
                continue
            comp_tokens = list(complement.subtree)
            # a clause that is itself (mostly) a quotation is already a direct quote
            quoted = sum(1 for t in comp_tokens if ctx.token_in_quote(t))
            if quoted > len(comp_tokens) / 2:
                continue
            subject = subject_of(ctx, verb)
            if subject is None:
                continue
            speaker, body = resolve_np(ctx, subject)
            if speaker is None:
                continue
            b = ctx.offset + comp_tokens[0].idx
            if is_denial(verb):  # what is denied is not asserted: the content keeps the denial
                first = min([verb, *(c for c in verb.children if c.dep_ in ("neg", "aux") and c.i < verb.i)],
                            key=lambda t: t.i)
                b = ctx.offset + first.idx
            last = comp_tokens[-1]
            e = ctx.offset + last.idx + len(last.text)
            out.append(Statement(
                iri=iris.node("statement", doc_id, "reported", b, e),
                quote=None, content=text[b:e], evidence=ctx.sentence_span(sent, text),
                speaker=speaker, on_behalf_of=body or (ctx.affiliation(speaker) if ctx.is_person(speaker) else None),
                date=ctx.date_in([t for t in verb.subtree if t.i < complement.left_edge.i or
                                  t.i > complement.right_edge.i]),
                about=tuple(sorted({m.entity for m in ctx.mentions_in(b, e) if m.entity != speaker})),
                confidence=0.6,
            ))
    return out
