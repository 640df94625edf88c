"""Reading SPARQL text without evaluating it: does a query federate (``SERVICE``), name its own
dataset (``FROM``), or nest deeper than the engine can parse?

Nesting: pyoxigraph parses and evaluates recursively, so a query whose syntax tree is deep enough
exhausts the stack and the process dies (a segfault; measured with pyoxigraph 0.5 on an 8 MB
stack: 5,000 nested parentheses, 10,000 ``!``, a chain of 20,000 ``+`` or ``UNION``, 5,000
successive ``BIND``). :func:`complexity_problem` measures what deepens the tree without parsing:
the bracket depth and the number of operators and keywords that each add a level, and the
endpoint refuses a query past either limit before the engine sees it.

pyoxigraph evaluates ``SERVICE <http://…>`` with its own HTTP client and offers no switch to
turn that off, so a public endpoint would fetch any URL a client names, internal ones
included. The HTTP API refuses such queries unless the operator enables federation
(``CKG_ALLOW_SERVICE``). The keyword is found by a small lexer that skips what cannot hold
it: comments, string literals (all four quote styles) and IRIs, and it only counts the bare
word, not a prefixed name (``ex:service``, ``service:x``) or a variable (``?service``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

__all__ = ["MAX_BLANK_NODE_DEPTH", "MAX_DEPTH", "MAX_OPERATORS", "complexity_problem", "explain_syntax_error",
           "has_dataset_clause", "limit_select", "uses_service"]

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs (a '<' operator is followed by a space or a term, not an IRI)
    r"|#[^\n]*",  # comments
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.-])service(?![\w:.-])", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """True when ``query`` contains a ``SERVICE`` clause.

    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service ex:service "SERVICE" } # SERVICE')
    False
    """
    return _SERVICE.search(_SKIP.sub(" ", query)) is not None


_FROM = re.compile(r"(?<![\w:?$.-])from(?![\w:.-])", re.IGNORECASE)


def has_dataset_clause(query: str) -> bool:
    """True when ``query`` names its dataset (``FROM`` or ``FROM NAMED``): then that dataset, not
    the endpoint's union default graph, is queried (SPARQL 1.1 Query §13.2).

    >>> has_dataset_clause("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    True
    >>> has_dataset_clause('SELECT ?from WHERE { ?from ex:from "FROM" } # FROM')
    False
    """
    return _FROM.search(_SKIP.sub(" ", query)) is not None


MAX_DEPTH = 500  # brackets ( [ { open at once
MAX_BLANK_NODE_DEPTH = 40  # nested [ ]: the parser's time grows steeply with it (100 levels: 2 s)
MAX_OPERATORS = 2000  # operators and the keywords that nest the algebra (UNION, OPTIONAL, BIND…)

_TOKEN = re.compile(
    r"[?$]\w+"  # variables
    r"|(?:[^\W\d]\w*(?:[.-]+\w+)*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*"  # prefixed names (may hold - and .)
    r"|[^\W\d]\w*"  # keywords
    r"|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"  # numbers
    r"|&&|\|\||!=|<=|>=|\^\^"
    r"|[=<>+\-*/!^|()\[\]{}]"
)
_NESTING_KEYWORDS = {"union", "optional", "minus", "bind", "filter", "graph", "service", "exists", "values"}


def complexity_problem(query: str, *, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS,
                       max_blank_node_depth: int = MAX_BLANK_NODE_DEPTH) -> str | None:
    """Why ``query`` is too deeply nested to parse safely, or None when it is not.

    >>> complexity_problem("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1 && ?o < 10) }") is None
    True
    >>> complexity_problem("ASK { FILTER(" + "(" * 600 + "1" + ")" * 600 + ") }")
    'the query nests brackets 602 levels deep; at most 500 are accepted'
    """
    depth = deepest = 0
    blank = deepest_blank = 0
    stack: list[str] = []
    operators = 0
    for match in _TOKEN.finditer(_SKIP.sub(" ", query)):
        lexeme = match.group()
        if lexeme in "([{":
            stack.append(lexeme)
            depth += 1
            deepest = max(deepest, depth)
            if lexeme == "[":
                blank += 1
                deepest_blank = max(deepest_blank, blank)
        elif lexeme in ")]}":
            if stack and stack.pop() == "[":
                blank -= 1
            depth = max(0, depth - 1)
        elif lexeme[0] in "=<>+-*/!^|&" and lexeme != "^^":
            operators += 1
        elif lexeme.lower() in _NESTING_KEYWORDS:
            operators += 1
    if deepest > max_depth:
        return f"the query nests brackets {deepest} levels deep; at most {max_depth} are accepted"
    if deepest_blank > max_blank_node_depth:
        return (f"the query nests blank nodes ([ … ]) {deepest_blank} levels deep; at most "
                f"{max_blank_node_depth} are accepted")
    if operators > max_operators:
        return (f"the query has {operators} operators and nesting keywords (UNION, OPTIONAL, BIND…); "
                f"at most {max_operators} are accepted")
    return None


KEYWORDS = frozenset("""
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE GROUP BY HAVING ORDER ASC
    DESC LIMIT OFFSET VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS FILTER UNION NOT IN EXISTS A TRUE FALSE
    SEPARATOR LOAD CLEAR DROP CREATE ADD MOVE COPY TO INSERT DELETE DATA WITH INTO USING DEFAULT ALL LATERAL
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE
    TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT TRIPLE SUBJECT PREDICATE
    OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR ADJUST
    """.split())
_UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE = re.compile(r"\s*(?:(?:BASE|PREFIX\s*[^\s:]*:)\s*)*", re.IGNORECASE)  # IRIs already blanked
_DECLARATION = re.compile(r"\bPREFIX\s*([^\s:]*):", re.IGNORECASE)  # IRIs already blanked
_NAME = re.compile(r"(?<![\w?$@:.-])(?:([^\W\d][\w.-]*)?:[\w:%.-]*|[^\W\d]\w*)(?![\w:])")
_LANG_OR_DIRECTION = re.compile(r"@[A-Za-z][\w-]*")


def update_keyword(query: str) -> str | None:
    """The SPARQL Update operation that ``query`` starts with (after its prologue), if any."""
    text = _SKIP.sub(" ", query)
    rest = text[_PROLOGUE.match(text).end():]  # type: ignore[union-attr]
    word = re.match(r"[A-Za-z]+", rest)
    return word.group().upper() if word and word.group().upper() in _UPDATE_KEYWORDS else None


def explain_syntax_error(query: str, message: str, *, declared: Mapping[str, str]) -> str:
    """The parser's ``message`` for ``query``, led by what is most likely wrong and how to fix it:
    an update sent as a query, an undeclared prefix (with the declared ones), a misspelt keyword.

    >>> explain_syntax_error("SELEC * WHERE { ?s ?p ?o }", "error at 1:10: expected CONSTRUCT", declared={})
    'SPARQL syntax error: unknown keyword SELEC; did you mean SELECT? (parser: error at 1:10: expected CONSTRUCT)'
    """
    operation = update_keyword(query)
    if operation is not None:
        return (f"SPARQL syntax error: {operation} is a SPARQL Update operation, and this endpoint is read-only: "
                "it answers queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only; documents are added with "
                "'kg add' or POST /documents (see docs/SECURITY.md)")
    stripped = _LANG_OR_DIRECTION.sub(" ", _SKIP.sub(" ", query))
    prefixes = {*declared, *(m.group(1) for m in _DECLARATION.finditer(stripped))}
    stripped = _DECLARATION.sub(" ", stripped)
    parser = message if len(message) <= 160 else message[:160].rsplit(" ", 1)[0] + " …"
    for match in _NAME.finditer(stripped):
        word = match.group()
        if ":" in word:
            prefix = match.group(1) or ""
            if prefix not in prefixes and prefix != "_":
                known = ", ".join(f"{p}:" for p in sorted(prefixes)) or "none"
                return (f"SPARQL syntax error: the prefix {prefix}: (in {word}) is not declared; declare it with "
                        f"PREFIX {prefix}: <namespace IRI>, or use one of the declared prefixes: {known}")
            continue
        if word.upper() in KEYWORDS:
            continue
        close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
        if close:
            return f"SPARQL syntax error: unknown keyword {word}; did you mean {close[0]}? (parser: {parser})"
    return f"SPARQL syntax error: {parser}"


_LEX = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*)"
    r"|(?P<word>[?$]\w+|(?:[^\W\d]\w*(?:[.-]+\w+)*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*|[^\W\d]\w*|\d+)"
    r"|(?P<punct>[{}()\[\]])",
    re.DOTALL,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_MODIFIERS = {"GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET"}


def limit_select(query: str, cap: int) -> str | None:
    """``query`` with its result bounded at ``cap + 1`` rows by the engine, or None when it is
    not a ``SELECT`` this lexer understands (the caller then counts rows itself).

    A top-level ``LIMIT n`` with ``n <= cap`` is kept as it is; a larger one becomes ``cap + 1``;
    without one, ``LIMIT cap + 1`` is added after the solution modifiers (before a trailing
    ``VALUES``). The caller answers "too many rows" when ``cap + 1`` come back, so the cap stays
    exact while the engine stops after ``cap + 1`` rows.

    >>> limit_select("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 9 } }", 5)
    'SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 9 } }\\nLIMIT 6\\n'
    >>> limit_select("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 50 OFFSET 2", 10)
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 11 OFFSET 2'
    >>> limit_select("ASK { ?s ?p ?o }", 10) is None
    True
    """
    braces = parens = 0
    form: str | None = None
    group_end: int | None = None  # where the top-level group pattern closes
    values_at: int | None = None
    limit: re.Match[str] | None = None
    expect_limit = False
    for m in _LEX.finditer(query):
        if m.group("skip") is not None:
            if group_end is not None and values_at is None and parens == 0 and not m.group().startswith("#"):
                return None  # a string or IRI among the solution modifiers, outside an expression
            continue
        lexeme = m.group()
        if expect_limit:
            expect_limit = False
            if not lexeme.isdigit():
                return None
            limit = m
            continue
        if lexeme in "{}()[]":
            if lexeme == "(":
                parens += 1
            elif lexeme == ")":
                parens -= 1
            elif lexeme == "{":
                if group_end is not None and values_at is None and parens == 0:
                    return None  # a second group: not a query this lexer understands
                braces += 1
            elif lexeme == "}":
                braces -= 1
                if braces == 0 and parens == 0 and group_end is None and form is not None:
                    group_end = m.end()
            if braces < 0 or parens < 0:
                return None
            continue
        word = lexeme.upper()
        if form is None:
            if braces == 0 and parens == 0 and word in _FORMS:
                form = word
                if form != "SELECT":
                    return None
            continue
        if group_end is None or values_at is not None or parens > 0:
            continue
        if word == "VALUES":
            values_at = m.start()
        elif word == "LIMIT":
            if limit is not None:
                return None
            expect_limit = True
        elif not (word in _MODIFIERS or word in KEYWORDS or lexeme[0] in "?$" or ":" in lexeme or lexeme.isdigit()):
            return None  # a function call (ORDER BY STR(?x)) is a keyword or a prefixed name
    if form != "SELECT" or group_end is None or braces != 0 or parens != 0 or expect_limit:
        return None
    if limit is not None:
        if int(limit.group()) <= cap:
            return query
        return query[:limit.start()] + str(cap + 1) + query[limit.end():]
    if values_at is not None:
        return query[:values_at] + f"LIMIT {cap + 1}\n" + query[values_at:]
    return query + f"\nLIMIT {cap + 1}\n"
