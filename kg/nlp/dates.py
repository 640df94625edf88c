"""Resolve the dates news text gives ("Saturday", "last Sunday", "October 3", "yesterday")
to calendar dates, relative to the article's date.

Pure functions, called by the statement, event and claim layers with the text of a spaCy
DATE entity (or any phrase). When an article has no date, :func:`reference_date` estimates
one from the latest full date the text itself gives, and weekdays then resolve to the
nearest such day around it.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["reference_date", "reference_year", "resolve_date"]

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY_RE = re.compile(r"\b(last|this|next|past)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                         re.I)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
_DAYS_AGO = re.compile(r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) days? ago\b")
_RELATIVE = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
             "yesterday": -1, "last night": -1, "overnight": 0, "tomorrow": 1}


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _explicit(text: str, year: int | None) -> dt.date | None:
    m = _ISO.search(text)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for regex, (mi, di, yi) in ((_MDY, (1, 2, 3)), (_DMY, (2, 1, 3))):
        m = regex.search(text)
        if m:
            y = int(m.group(yi)) if m.group(yi) else year
            if y is None:
                return None
            return _safe(y, _MONTHS[m.group(mi).lower().rstrip(".")], int(m.group(di)))
    return None


def reference_date(text: str) -> dt.date | None:
    """The latest full date (with a year) the text gives, as a stand-in for a missing article date;
    with none, the latest day and month it gives, in the latest year it names.

    >>> reference_date("Strikes on April 29 and on the night of April 30; attacks grew in spring 2024.")
    datetime.date(2024, 4, 30)
    >>> reference_date("Shelling since October 7, the worst since the 1948 war.") is None
    True
    """
    dates = []
    for regex, (mi, di, yi) in ((_MDY, (1, 2, 3)), (_DMY, (2, 1, 3))):
        for m in regex.finditer(text):
            if m.group(yi):
                d = _safe(int(m.group(yi)), _MONTHS[m.group(mi).lower().rstrip(".")], int(m.group(di)))
                if d and 1900 < d.year < 2100:
                    dates.append(d)
    if dates:
        return max(dates)
    # "the night of April 30" in an article that gives no full date: the latest year the text
    # names as a period ("in spring 2024", "since March 2023"); a year alone ("since the 1948
    # war") is more often history than the story's own year
    years = [int(m.group(1)) for m in _PERIOD_YEAR.finditer(text)]
    if not years:
        return None
    year = max(years)
    for regex, (mi, di, _) in ((_MDY, (1, 2, 3)), (_DMY, (2, 1, 3))):
        for m in regex.finditer(text):
            d = _safe(year, _MONTHS[m.group(mi).lower().rstrip(".")], int(m.group(di)))
            if d:
                dates.append(d)
    return max(dates) if dates else None


_PERIOD_YEAR = re.compile(rf"\b(?:{_MONTH_RE}|spring|summer|autumn|fall|winter)\.?,?\s+(?:of\s+)?(20\d\d)\b", re.I)
_YEAR_IN_TEXT = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")


def reference_year(text: str) -> int | None:
    """The latest year a text names: with no article date, the least its year can be.

    >>> reference_year("Fighting in the 1990s; a truce in 1994; talks in 2016.")
    2016
    """
    years = [int(m.group(1)) for m in _YEAR_IN_TEXT.finditer(text)]
    return max(years) if years else None


def resolve_date(phrase: str, anchor: dt.date | None, *, anchor_is_publication: bool = True) -> dt.date | None:
    """The calendar date a phrase names, or None when it names none (or cannot be resolved).

    ``anchor`` is the article date; when it is only estimated from the text
    (``anchor_is_publication=False``) a bare weekday resolves to the nearest such day.

    >>> resolve_date("Saturday", dt.date(2020, 10, 4))
    datetime.date(2020, 10, 3)
    >>> resolve_date("last Sunday", dt.date(2020, 10, 4))
    datetime.date(2020, 9, 27)
    >>> resolve_date("on October 3", dt.date(2020, 10, 4))
    datetime.date(2020, 10, 3)
    >>> resolve_date("the early hours of Sunday", dt.date(2020, 10, 12))
    datetime.date(2020, 10, 11)
    >>> resolve_date("Monday", dt.date(2020, 10, 11), anchor_is_publication=False)
    datetime.date(2020, 10, 12)
    >>> resolve_date("on October 7", dt.date(2024, 6, 7))
    datetime.date(2023, 10, 7)
    >>> resolve_date("two days ago", dt.date(2020, 10, 11))
    datetime.date(2020, 10, 9)
    >>> resolve_date("the day before yesterday", dt.date(2020, 10, 11))
    datetime.date(2020, 10, 9)
    """
    text = phrase.strip().lower()
    explicit = _explicit(phrase, anchor.year if anchor else None)
    if explicit and anchor is not None and anchor_is_publication and not _explicit(phrase, None) \
            and explicit > anchor + dt.timedelta(days=7):
        # "October 7" in a June article is last year's: news reports what happened, not what will
        return _explicit(phrase, anchor.year - 1)
    if explicit:
        return explicit
    if anchor is None:
        return None
    m = _DAYS_AGO.search(text)
    if m:
        n = _NUMBER_WORDS.get(m.group(1), None) if not m.group(1).isdigit() else int(m.group(1))
        if n is not None and n < 32:
            return anchor - dt.timedelta(days=n)
    if re.search(r"\bthe day before yesterday\b", text):
        return anchor - dt.timedelta(days=2)
    for word, delta in _RELATIVE.items():
        if re.search(rf"\b{word}\b", text):
            return anchor + dt.timedelta(days=delta)
    m = _WEEKDAY_RE.search(text)
    if m:
        modifier = (m.group(1) or "").lower()
        target = _WEEKDAYS[m.group(2).lower()]
        back = (anchor.weekday() - target) % 7
        if modifier in ("last", "past"):
            return anchor - dt.timedelta(days=back or 7)
        if modifier == "next":
            return anchor + dt.timedelta(days=(target - anchor.weekday()) % 7 or 7)
        if not anchor_is_publication:
            forward = (target - anchor.weekday()) % 7
            return anchor + dt.timedelta(days=forward) if forward < back else anchor - dt.timedelta(days=back)
        return anchor - dt.timedelta(days=back)
    return None


_SAME_DAY = re.compile(r"\b(?:the\s+same|that\s+same)\s+(?:day|morning|afternoon|evening|night)\b", re.I)


def same_day(text: str) -> bool:
    """Whether a sentence dates what it tells by the event told before it ("the same morning",
    "that same night"): the caller gives it that event's date.

    >>> same_day("Drones hit two towns the same night.")
    True
    >>> same_day("Drones hit two towns on the night of the vote.")
    False
    """
    return _SAME_DAY.search(text) is not None
