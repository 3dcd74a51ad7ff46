"""Finding a child by name, and telling likely duplicates, through keyed hashes only."""

import hmac
import unicodedata
from datetime import date
from hashlib import md5, sha256

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from unidecode import unidecode

from apps.cases import search
from apps.cases.models import ChildNameTrigrams, ChildSearchToken, PossibleDuplicateNotice
from apps.cases.services import ChildIdentity, child_identity_update, child_possible_duplicates
from apps.core import crypto
from tests.accounts.factories import AgencyFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in

Kind = ChildSearchToken.Kind

# --- Normalising, without a database ------------------------------------------------------


def _accented_forms() -> dict[str, list[str]]:
    """Latin letters with diacritics, by the plain letter they stand for."""
    forms: dict[str, list[str]] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha() and unidecode(char).lower() == base.lower():
            forms.setdefault(base.lower(), []).append(char)
    return forms


ACCENTED = _accented_forms()
COMBINING = ["\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u030a", "\u0327", "\u030c"]
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@st.composite
def disguised(draw, word: str) -> str:
    """The same word with accents added and the case of any letter changed."""
    out = []
    for letter in word:
        choice = draw(st.sampled_from(["plain", "upper", "accent", "combining"]))
        if choice == "upper":
            out.append(letter.upper())
        elif choice == "accent" and letter in ACCENTED:
            out.append(draw(st.sampled_from(ACCENTED[letter])))
        elif choice == "combining":
            out.append(letter + draw(st.sampled_from(COMBINING)))
        else:
            out.append(letter)
    return "".join(out)


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = search.normalise(text)
    assert search.normalise(once) == once
    assert set(once) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert once == " ".join(once.split())


@given(st.data(), st.lists(words, min_size=1, max_size=4))
def test_accents_and_case_never_matter(data, plain_words):
    plain = " ".join(plain_words)
    variant = " ".join(data.draw(disguised(w)) for w in plain_words)
    assert search.normalise(variant) == search.normalise(plain)
    assert search.tokens([variant]) == search.tokens([plain])
    assert search.Fingerprint.of([variant]) == search.Fingerprint.of([plain])


@given(st.lists(words, min_size=2, max_size=4), st.lists(st.sampled_from([" ", "-", "'", ".", ", ", "  "]), min_size=3))
def test_hyphens_apostrophes_and_spaces_between_words_are_alike(parts, separators):
    joined = parts[0] + "".join(separators[i % len(separators)] + p for i, p in enumerate(parts[1:]))
    assert search.tokens([joined]) == search.tokens([" ".join(parts)])


def test_a_particle_also_joins_the_word_after_it():
    assert search.name_groups(["Muhammad Al-Amin"]) == [("muhammad",), ("amin", "alamin")]
    assert search.name_groups(["Aïcha Ben Ali"]) == [("aicha",), ("ali", "benali")]
    assert search.name_groups(["María de la Cruz"]) == [("maria",), ("cruz", "lacruz", "delacruz")]
    assert search.tokens(["Mohamed Alamin"]) == ["mohamed", "alamin"]


def test_different_spellings_of_one_name_sound_alike():
    codes = {search.phonetic(t) for t in ("muhammad", "mohamed", "mohammed", "mohammad", "muhammed")}
    assert len(codes) == 1
    assert search.phonetic("aicha") == search.phonetic("aisha")
    assert search.phonetic("maria") != search.phonetic("muhammad")


# --- Scores against registered children ---------------------------------------------------

PEOPLE = {
    "al_amin": ("Muhammad", "Al-Amin", (), date(2009, 2, 14)),
    "ali": ("Muhammad", "Ali", (), date(2009, 8, 1)),
    "aicha": ("Aïcha", "Benali", (), date(2011, 5, 4)),
    "yasmin": ("Yasmin", "Benali", (), date(2011, 11, 20)),  # her sister
    "blessing": ("Blessing", "Osagie", ("Precious",), date(2009, 1, 22)),
    "kiki": ("", "", ("Kiki",), None),  # known only by an alias
}


@pytest.fixture
def people(db):
    agency = AgencyFactory()
    caseworker = caseworker_in(agency, TeamFactory(agency=agency))
    children = {}
    for key, (given_names, family, aliases, born) in PEOPLE.items():
        case = register(caseworker, agency, given=given_names, family=family, aliases=aliases, birth=born).case
        children[key] = case.child_id
    return children


def score(people, who, names, birth_year):
    return search.score_candidates(names=names, birth_year=birth_year).get(people[who], 0.0)


DUPLICATE, FOUND, MISSED = "likely duplicate", "found by a search", "missed"


def _verdict(value):
    if value >= search.DUPLICATE_THRESHOLD:
        return DUPLICATE
    return FOUND if value >= search.SEARCH_THRESHOLD else MISSED


EXAMPLES = [
    # Another spelling of the same child.
    (["Mohamed", "Alamin"], 2010, "al_amin", DUPLICATE),
    (["Mohammed Al Amin"], None, "al_amin", DUPLICATE),
    (["MUHAMMAD AL-AMIN"], 2009, "al_amin", DUPLICATE),
    (["Muhammad", "Alamin"], 2008, "al_amin", DUPLICATE),
    (["Aicha", "Benali"], 2012, "aicha", DUPLICATE),
    (["aïcha benali"], None, "aicha", DUPLICATE),
    (["Aisha Benali"], 2011, "aicha", DUPLICATE),
    (["Aïcha Ben Ali"], 2011, "aicha", DUPLICATE),
    # Known by an alias.
    (["Precious"], None, "blessing", DUPLICATE),
    (["Precious", "Osagie"], 2010, "blessing", DUPLICATE),
    (["Kiki"], 2013, "kiki", DUPLICATE),
    # The surname alone finds the whole family.
    (["Benali"], None, "aicha", DUPLICATE),
    (["Benali"], None, "yasmin", DUPLICATE),
    # Sharing one name of two is someone else, even born the same year: a sister, or
    # another of the many children called Muhammad. A search still shows them.
    (["Yasmin", "Benali"], 2011, "aicha", FOUND),
    (["Aïcha", "Benali"], 2011, "yasmin", FOUND),
    (["Muhammad", "Ali"], 2009, "al_amin", FOUND),
    (["Muhammad", "Al-Amin"], 2009, "ali", FOUND),
    # The same name, but born years apart.
    (["Aicha", "Benali"], 2015, "aicha", FOUND),
    (["Muhammad", "Al-Amin"], 2003, "al_amin", FOUND),
    # Unrelated names.
    (["Maria", "Santos"], 2009, "ali", MISSED),
    (["Maria", "Santos"], None, "al_amin", MISSED),
    (["Maria", "Santos"], 2011, "aicha", MISSED),
    (["Mohamed", "Alamin"], 2009, "aicha", MISSED),
    (["Fatoumata", "Diallo"], 2010, "blessing", MISSED),
]


@pytest.mark.parametrize(("names", "birth_year", "who", "expected"), EXAMPLES)
def test_search_finds_variants_and_misses_strangers(people, names, birth_year, who, expected):
    value = score(people, who, names, birth_year)
    assert _verdict(value) == expected, f"{names} {birth_year} ~ {who}: {value}"


def test_a_birth_year_one_apart_still_counts_as_close(people):
    same = score(people, "aicha", ["Aisha Benali"], 2011)
    for year in (2010, 2012):
        assert score(people, "aicha", ["Aisha Benali"], year) == same
    assert score(people, "aicha", ["Aisha Benali"], None) < same  # no year: no bonus, no penalty
    assert score(people, "aicha", ["Aisha Benali"], 2013) < search.DUPLICATE_THRESHOLD


def test_the_best_match_comes_first(people):
    scores = search.score_candidates(names=["Mohamed Alamin"], birth_year=2009)
    assert max(scores, key=scores.__getitem__) == people["al_amin"]
    assert scores[people["al_amin"]] > scores.get(people["ali"], 0)


def test_nothing_to_search_for_finds_nobody(people):
    assert search.score_candidates(names=["", "al", "-"], birth_year=2009) == {}


def test_search_can_be_limited_to_some_children(people):
    scores = search.score_candidates(names=["Benali"], birth_year=None, child_ids=[people["yasmin"]])
    assert set(scores) == {people["yasmin"]}


# --- Duplicates and the agencies that may see them ------------------------------------------


@pytest.fixture
def two_agencies(db):
    alvora, montalba = AgencyFactory(country="PT"), AgencyFactory(country="ES", time_zone="Europe/Madrid")
    return {
        "alvora": alvora,
        "montalba": montalba,
        "ana": caseworker_in(alvora, TeamFactory(agency=alvora, name="Intake")),
        "lucia": caseworker_in(montalba, TeamFactory(agency=montalba, name="Unaccompanied minors")),
        "alvora_supervisor": supervisor_in(alvora),
        "montalba_supervisor": supervisor_in(montalba),
    }


def test_another_agencys_likely_duplicate_is_told_to_them_and_not_shown_here(two_agencies):
    w = two_agencies
    theirs = register(w["lucia"], w["montalba"], given="Mohamed", family="Alamin", birth=date(2009, 3, 12)).case
    ours = register(w["ana"], w["alvora"], given="Muhammad", family="Al-Amin", birth=date(2010, 6, 30))

    assert ours.possible_duplicates == []
    found = child_possible_duplicates(actor=w["ana"], names=["Muhammad Al-Amin"], birth_year=2010)
    assert theirs not in [case for case, _ in found]
    assert [case for case, _ in found] == [ours.case]  # her own, just registered

    notice = PossibleDuplicateNotice.objects.get()
    assert (notice.agency, notice.existing_case, notice.new_case) == (w["montalba"], theirs, ours.case)
    assert notice.score >= search.DUPLICATE_THRESHOLD
    assert notice.resolved_at is None

    # Montalba's supervisor sees their own child as a likely match, and not Alvora's.
    for_them = child_possible_duplicates(actor=w["montalba_supervisor"], names=["Muhammad Al-Amin"], birth_year=2010)
    assert [case for case, _ in for_them] == [theirs]


def test_a_likely_duplicate_the_caseworker_may_see_is_returned_and_nobody_else_is_told(two_agencies):
    w = two_agencies
    first = register(w["ana"], w["alvora"], given="Aïcha", family="Benali", birth=date(2011, 5, 4)).case
    second = register(w["ana"], w["alvora"], given="Aicha", family="Benali", birth=date(2012, 1, 1))

    assert second.possible_duplicates == [first]
    assert not PossibleDuplicateNotice.objects.exists()
    pairs = child_possible_duplicates(
        actor=w["ana"], names=["Aicha Benali"], birth_year=2012, exclude_child=second.case.child
    )
    assert [case for case, _ in pairs] == [first]
    assert pairs[0][1] == 1.0


def test_an_unrelated_child_elsewhere_causes_no_notice(two_agencies):
    w = two_agencies
    register(w["lucia"], w["montalba"], given="Muhammad", family="Ali", birth=date(2009, 8, 1))
    registration = register(w["ana"], w["alvora"], given="Maria", family="Santos", birth=date(2009, 8, 1))
    assert registration.possible_duplicates == []
    assert not PossibleDuplicateNotice.objects.exists()


def test_a_sibling_in_another_agency_causes_no_notice(two_agencies):
    w = two_agencies
    register(w["lucia"], w["montalba"], given="Yasmin", family="Benali", birth=date(2011, 11, 20))
    register(w["ana"], w["alvora"], given="Aïcha", family="Benali", birth=date(2011, 5, 4))
    assert not PossibleDuplicateNotice.objects.exists()


# --- What the search tables hold ---------------------------------------------------------------


def _unkeyed(value: str, purpose: str) -> set[int]:
    """Hashes of a value anyone could compute without the search key."""
    candidates = set()
    for text in (f"{purpose}\x1f{value}", value):
        for digest in (
            sha256(text.encode()).digest(),
            md5(text.encode()).digest(),  # noqa: S324 - what an attacker would try
            hmac.new(b"", text.encode(), sha256).digest(),
        ):
            candidates.add(int.from_bytes(digest[:8], "big") >> 1)
            candidates.add(int.from_bytes(digest[:8], "big", signed=True))
            candidates.add(int.from_bytes(digest[:4], "big", signed=True))
    return candidates


def _stored(child_id):
    tokens = set(ChildSearchToken.objects.filter(child_id=child_id).values_list("kind", "value"))
    grams = set(ChildNameTrigrams.objects.get(child_id=child_id).trigrams)
    return tokens, grams


def test_search_tables_hold_keyed_hashes_and_no_plain_values(db):
    case = register(given="Aïcha", family="Benali", aliases=("Chacha",), birth=date(2011, 5, 4)).case
    names = ["Aïcha", "Benali", "Chacha"]
    tokens, grams = _stored(case.child_id)

    words = search.tokens(names)
    expected = {(Kind.NAME, crypto.keyed_hash(w, purpose=Kind.NAME)) for w in words}
    expected |= {(Kind.PHONETIC, crypto.keyed_hash(search.phonetic(w), purpose=Kind.PHONETIC)) for w in words}
    expected.add((Kind.BIRTH_YEAR, crypto.keyed_hash("2011", purpose=Kind.BIRTH_YEAR)))
    assert tokens == expected
    assert grams == {crypto.keyed_hash32(g, purpose="trigram") for g in search.trigrams(names)}

    plain: set[int] = set()
    for w in words:
        plain |= _unkeyed(w, Kind.NAME) | _unkeyed(search.phonetic(w), Kind.PHONETIC)
    plain |= _unkeyed("2011", Kind.BIRTH_YEAR) | {2011}
    for g in search.trigrams(names):
        plain |= _unkeyed(g, "trigram")
    assert not {value for _, value in tokens} & plain
    assert not grams & plain

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_name IN ('cases_childsearchtoken', 'cases_childnametrigrams')"
        )
        textual = {(t, c) for t, c, kind in cursor.fetchall() if kind in ("text", "character varying", "bytea")}
    assert textual == {("cases_childsearchtoken", "kind")}  # one of three fixed words


@pytest.fixture
def search_key(settings, db):
    def use(text):
        settings.HAVEN_SEARCH_KEY = text
        crypto.forget_cached_keys()

    yield use
    crypto.forget_cached_keys()


def test_another_search_key_changes_every_stored_value(search_key):
    registration = register(given="Aïcha", family="Benali", aliases=("Chacha",), birth=date(2011, 5, 4))
    case, child_id = registration.case, registration.case.child_id
    tokens_before, grams_before = _stored(child_id)

    search_key(crypto.new_key_text())
    identity = ChildIdentity(
        given_names="Aïcha", family_names="Benali", aliases=("Chacha",), birth_date=date(2011, 5, 4)
    )
    child_identity_update(actor=case.registered_by, case=case, identity=identity)
    tokens_after, grams_after = _stored(child_id)

    assert len(tokens_after) == len(tokens_before)
    assert len(grams_after) == len(grams_before)
    assert not {v for _, v in tokens_before} & {v for _, v in tokens_after}
    assert not grams_before & grams_after
    assert search.score_candidates(names=["Aicha Benali"], birth_year=2011) == {child_id: 1.0}


def test_hashes_made_under_one_search_key_find_nothing_under_another(search_key, settings):
    old = settings.HAVEN_SEARCH_KEY
    child_id = register(given="Aïcha", family="Benali", birth=date(2011, 5, 4)).case.child_id
    search_key(crypto.new_key_text())
    assert child_id not in search.score_candidates(names=["Aïcha Benali"], birth_year=2011)
    search_key(old)
    assert search.score_candidates(names=["Aïcha Benali"], birth_year=2011)[child_id] == 1.0


@pytest.mark.django_db
def test_one_common_first_name_alone_flags_no_one_without_a_close_birth_year():
    from apps.cases.search import likely_duplicates

    held = register(given="Muhammad", family="Haddad", birth=date(2010, 1, 1)).case
    assert held.child_id not in likely_duplicates(names=["Muhammad"], birth_year=None)
    assert held.child_id not in likely_duplicates(names=["Muhammad"], birth_year=2004)
    assert held.child_id in likely_duplicates(names=["Muhammad"], birth_year=2011)


@pytest.mark.django_db
def test_a_match_in_another_team_of_the_same_agency_reaches_its_supervisors():
    from apps.cases.models import PossibleDuplicateNotice
    from tests.accounts.factories import TeamFactory
    from tests.cases.factories import caseworker_in

    first = register(given="Samira", family="Oulad").case
    other_team = TeamFactory(agency=first.owning_agency)
    second = register(
        caseworker_in(first.owning_agency, other_team), first.owning_agency, given="Samira", family="Oulad"
    )
    assert second.possible_duplicates == []
    assert PossibleDuplicateNotice.objects.filter(agency=first.owning_agency, existing_case=first).exists()
