"""R5, support is unconditional: the guard on reasons, and the wording screen that is only a hint.

The guard is the structure (apps.support.models): a service has no field that can carry a
condition, an end or a decline takes a reason from a closed list with no entry for the
child's cooperation, identification status or nationality, and "other" waits for a
supervisor's approval. A reason that is not on the lists is refused; one posted by hand that
names a ground ("not_cooperating") is refused with its SERVICES_UNCONDITIONAL refinement, so
whoever tried sees which rule they met.

Free text — what the child needs, a note, the words of an "other" reason — cannot be held by
reading words: "as long as she keeps talking to the detectives" names no ground a list would
catch. So the screen reads it for the grounds, in English, Portuguese, Spanish and French, with
or without accents, in any case, and returns hints: kept with the record, shown to the case's
staff, and to the supervisor who decides on an "other" reason. A hint refuses nothing.
"""

import re
from collections.abc import Iterable

from unidecode import unidecode

from apps.core.rules import Violations

COOPERATION = "SERVICES_UNCONDITIONAL.COOPERATION"
IDENTIFICATION_STATUS = "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"
NATIONALITY = "SERVICES_UNCONDITIONAL.NATIONALITY"


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(patterns) + r")\b")


# Matched against text lowered, transliterated (ç → c, é → e) and with punctuation as spaces.
# Each term is narrow enough not to catch an everyday word of a service's life: "migraine",
# "a foreign language", "presumably", a bakery "cooperative", a hospital "séjour", a
# "poursuite des soins", an "enquête sociale" or a "queixa de dores" name no ground.
GROUNDS: dict[str, re.Pattern[str]] = {
    COOPERATION: _words(
        # en
        r"(un|non ?)?co ?operat\w*",
        r"collaborat\w*",
        r"testif\w*",
        r"testimon\w*",
        r"witness\w*",
        r"(give|gives|giving|gave|given) evidence",
        r"statements? to (the )?(police|investigators?|prosecutors?)",
        r"(criminal|witness) (statement|complaint|report|interview|case|proceedings?)",
        r"press(es|ing|ed)? charges",
        r"investigat\w*",
        r"prosecut\w*",
        r"police\w*",
        r"cops?",
        r"law enforcement",
        r"criminal (justice|proceedings?|case|trial)",
        r"the (trial|hearing) (against|of) (the|her|his|their)",
        r"identify (the )?(traffickers?|suspects?|exploiters?)",
        r"inform(ing|s|ed)? on",
        # pt
        r"coopera\w*",
        r"colabor\w*",
        r"testemunh\w*",
        r"depor",
        r"depoimentos?",
        r"denunci\w*",
        r"(apresentar|fazer|fez|faz|retirar|retirou|sem) (uma |a )?queixa",
        r"queixa (contra|crime|formal|na policia)",
        r"investigac\w*",
        r"inquerito\w*",
        r"acusac\w*",
        r"ministerio publico",
        r"policia\w*",
        r"policial\w*",
        r"processo (penal|criminal)",
        r"autoridades? (judiciar|judicia)\w*",
        # es
        r"testific\w*",
        r"testig\w*",
        r"declarar",
        r"declaracion (ante|a|en) (la )?(policia|fiscalia|juez\w*)",
        r"fiscalia\w*",
        r"(el|la|al|del) fiscal",
        r"proceso (penal|criminal)",
        r"procedimiento (penal|criminal)",
        r"guardia civil",
        # fr
        r"cooper(e|er|es|ez|ent|ons|ait|ation)",
        r"collabor\w*",
        r"temoign\w*",
        r"temoins?",
        r"(porter|porte|deposer|depose|depot de|retirer|retire|sans) (sa |une )?plainte",
        r"plainte (contre|penale)",
        r"deposition\w*",
        r"enquete (penale|de police|policiere|judiciaire|preliminaire)",
        r"enqueteur\w*",
        r"poursuites",
        r"parquet",
        r"procureur\w*",
        r"gendarmer\w*",
        r"procedure (penale|judiciaire)",
        r"proces (penal|pour|contre)",
    ),
    IDENTIFICATION_STATUS: _words(
        r"identif\w*",
        r"presum(ed|ida|ido|idas|idos|ee|ees|ivel|iveis|able)",
        r"presunt[ao]s?",
        r"victime supposee",
        r"(reasonable|conclusive) grounds?",
        r"national referral mechanism",
        r"nrm",
        r"victim status",
        r"status as (a )?victim",
        r"(not|no longer|never|isn t|is not) (yet )?(a |an )?(recogni[sz]ed |confirmed |real |formal |official )?victim",
        r"(confirmed|recogni[sz]ed|real|official|formal|proven) victims?",
        r"estatuto de vitima",
        r"condicao de vitima",
        r"reconhecid\w* como vitima",
        r"vitima (confirmad|reconhecid)\w*",
        r"estatuto de victima",
        r"condicion de victima",
        r"reconocid\w* como victima",
        r"victima (confirmad|reconocid)\w*",
        r"statut de victime",
        r"reconnue? comme victime",
        r"victime (confirmee?|reconnue?)",
    ),
    NATIONALITY: _words(
        r"nationalit\w*",
        r"non ?nationals?",
        r"not (a |an )?(eu )?nationals?",
        r"nationals only",
        r"foreigners?",
        r"foreign (national|child|minor|citizen|girl|boy|kid|youth)s?",
        r"not from (here|this country)",
        r"citizen\w*",
        r"stateless\w*",
        r"migra(nt|nts|tion|tory)",
        r"immigra\w*",
        r"emigra\w*",
        r"undocumented",
        r"illegal(ly)? (immigrant|migrant|alien|resident|stay|status|entry|here|in the country)\w*",
        r"illegals",
        r"irregular(ly)? (migrant|status|stay|residence|situation|immigrant|entry|resident|in the country)\w*",
        r"residen(ce|cy) (permit|status|card|title|rights?)",
        r"(legal|migration|immigration|residence|visa) status",
        r"visas?",
        r"passports?",
        r"(no|without|lacks?|lacking|has no) (identity )?(papers|documents)",
        r"asylum\w*",
        r"refugee\w*",
        r"deport\w*",
        r"removal (order|proceedings?)",
        r"border (police|control)",
        r"sem (nacionalidade|documentos|papeis)",
        r"nacionalidad\w*",
        r"nacionalidade\w*",
        r"(nao|no) nacional\w*",
        r"estrangeir\w*",
        r"extranjer\w*",
        r"etrangers?",
        r"etrangere?s?",
        r"cidadan\w*",
        r"ciudadan\w*",
        r"citoyen\w*",
        r"apatrid\w*",
        r"imigra\w*",
        r"inmigra\w*",
        r"migrante?s?",
        r"migra(cao|cion|toire|torio|toria)",
        r"indocumentad\w*",
        r"sin (nacionalidad|documentos|papeles)",
        r"sans (papiers|nationalite|documents)",
        r"autorizac\w* de residencia",
        r"permiso de residencia",
        r"titulo de residencia",
        r"(titre|carte|droit) (de |au )?sejour",
        r"sejour irregulier",
        r"situac\w* (migratori\w*|irregular|documental)",
        r"situation (migratoire|irreguliere)",
        r"asilo",
        r"asile",
        r"refugiad\w*",
        r"refugie\w*",
        r"passaporte\w*",
        r"pasaporte\w*",
        r"passeport\w*",
        r"ressortissant\w*",
    ),
}

# A noun that only looks like a ground: "the bakery cooperative", "una cooperativa".
EXEMPT = re.compile(
    r"\b(a|the|la|una|uma|une|le|da|de|do|del|du|na|no|em|en|at|in|dans|au|al)( [a-z]+)? cooperati(ve|va|vas|ves)\b"
)

# What makes a description of needs a condition on the service, within one sentence.
CONDITION = _words(
    # en
    r"only (if|when|once|after|provided|as long as|for)",
    r"if (she|he|they|the (child|boy|girl|young person))",
    r"on (the )?condition",
    r"provided (that)?",
    r"providing (that)?",
    r"as long as",
    r"so long as",
    r"unless",
    r"subject to",
    r"conditional\w*",
    r"conditioned",
    r"depend(s|ing|ent)? (on|upon)",
    r"in (exchange|return)",
    r"until (she|he|they|the (child|boy|girl))",
    r"not (for|to) (children|minors|those|anyone)",
    # pt
    r"so (se|quando|apos|depois|para)",
    r"somente (se|quando|apos|para)",
    r"apenas (se|quando|apos|para)",
    r"desde que",
    r"(com|na|sob) (a )?condicao",
    r"condicionad\w*",
    r"depend(e|endo|em) d\w*",
    r"em troca",
    r"a menos que",
    r"salvo se",
    r"se (ela|ele|a crianca|o menor|a menor|o jovem|a jovem)",
    # es
    r"solo (si|cuando|despues|para)",
    r"solamente (si|cuando|para)",
    r"unicamente (si|cuando|para)",
    r"siempre (que|y cuando)",
    r"con (la )?condicion",
    r"a condicion",
    r"a cambio",
    r"salvo que",
    r"si (ella|el|el nino|la nina|el menor|la menor)",
    r"depend(e|iendo|en) de",
    # fr
    r"seulement (si|quand|apres|pour)",
    r"uniquement (si|quand|apres|pour)",
    r"a (la )?condition",
    r"sous (reserve|condition)",
    r"pourvu que",
    r"conditionn\w*",
    r"en echange",
    r"a moins (que|qu)",
    r"si (elle|il|l enfant|le mineur|la mineure)",
    r"depend(ant|ra)? de",
)


def _normal(text: str) -> str:
    return EXEMPT.sub(" ", re.sub(r"[^a-z0-9]+", " ", unidecode(text).lower())).strip()


def grounds_named(text: str) -> list[str]:
    """The refinements of SERVICES_UNCONDITIONAL whose grounds `text` names, in catalogue order."""
    words = _normal(text)
    return [code for code, pattern in GROUNDS.items() if pattern.search(words)] if words else []


def makes_conditional(text: str) -> list[str]:
    """The grounds a description of needs makes the service conditional on, sentence by sentence
    (none where a sentence only mentions them, as a need may)."""
    codes: list[str] = []
    for sentence in re.split(r"[.;:!?\n]+", text):
        if CONDITION.search(_normal(sentence)):
            codes += [code for code in grounds_named(sentence) if code not in codes]
    return [code for code in GROUNDS if code in codes]


def reasons_unconditional(found: Violations, *, texts: Iterable[str], field: str) -> None:
    """A reason posted by hand (not one of the listed ones) that names a ground is refused with its code."""
    codes: list[str] = []
    for text in texts:
        codes += [code for code in grounds_named(text) if code not in codes]
    for code in codes:
        found.add(code, field=field)


def hints(*, needs: str = "", notes: Iterable[str] = ()) -> list[str]:
    """The grounds the free text may tie the service to: for a person to read, never a refusal.

    A description of needs may rightly mention the police or a residence permit, so it gives a
    hint only where a sentence makes the service conditional; a note about an end or a decline
    gives one wherever it names a ground.
    """
    codes = makes_conditional(needs)
    for note in notes:
        codes += [code for code in grounds_named(note) if code not in codes]
    return [code for code in GROUNDS if code in codes]
