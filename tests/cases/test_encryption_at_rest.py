"""A child's identifying values exist only as ciphertext outside the process that opens them.

A database dump (the wheel's pg_dump), the logs, the broker folder and the media folder
hold none of a registered child's names, aliases, birth date (in any usual format) or
narrative; master keys rotate without touching the data; destroying the child's key
makes everything sealed with it unreadable for good; a sealed value opens only where it
was sealed.
"""

import logging
import os
import re
import secrets
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from unidecode import unidecode

from apps.audit.models import Channel
from apps.cases import search
from apps.cases.models import Case, CaseTransition, Child, ChildKey, ChildNameTrigrams, ChildSearchToken, Document
from apps.cases.services import (
    ChildIdentity,
    case_register,
    child_anonymise,
    child_possible_duplicates,
    document_attach,
    document_open,
    master_keys_rotate,
)
from apps.core import crypto
from apps.core.tasks import health_ping
from config import embedded_db
from tests.accounts.factories import AgencyFactory, TeamFactory
from tests.cases.factories import DEFAULT_CASE, caseworker_in, read_identity, read_notes, register, supervisor_in

GIVEN, FAMILY, ALIAS = "Zuleika", "Okonkwo-Ferreira", "Zuzú Baobá"
BORN = date(2012, 3, 7)
NARRATIVE = (
    "Zuleika wove raffia baskets in a shuttered Quelimane warehouse; Mama Ebunoluwa confiscated her "
    "passport and threatened her grandmother."
)
SUSPECTS = "Ebunoluwa Quarshie-Lindqvist, driver of a maroon Kombi, telephone +351 913 572 468."
CONTACTS = "Great-aunt Philomena Adebayo-Strand, +351 926 418 357"
FILENAME = "zuleika-okonkwo-ferreira-birth-certificate.pdf"
DOCUMENT = b"%PDF-1.4 Certidao de nascimento: Zuleika Okonkwo-Ferreira, nascida a 07/03/2012 em Quelimane."

# What must not be readable anywhere outside the database's ciphertext.
NEEDLES = list(
    dict.fromkeys(
        [
            GIVEN,
            FAMILY,
            "Okonkwo",
            "Okonkwo Ferreira",
            "OkonkwoFerreira",
            f"{GIVEN} {FAMILY}",
            ALIAS,
            "Zuzu",
            "Baoba",
            # the birth date, as people and programs write it
            "2012-03-07",
            "07/03/2012",
            "03/07/2012",
            "7/3/2012",
            "20120307",
            "07.03.2012",
            "07-03-2012",
            "2012/03/07",
            "7 March 2012",
            "March 7, 2012",
            "7 de marco de 2012",
            # the narrative, the suspects and the contacts, word by word and whole
            NARRATIVE,
            *(w for w in re.findall(r"[A-Za-z-]+", NARRATIVE) if len(w) >= 6),
            "Quarshie",
            "Lindqvist",
            "Kombi",
            "913572468",
            "913 572 468",
            "Philomena",
            "Adebayo",
            "926418357",
        ]
    )
)


def plain(text: str) -> str:
    """Compared without regard to case or accents."""
    return unidecode(text).casefold()


def readable(text: str) -> str:
    """The text with its hex-dumped bytes and JSON escapes turned back into characters.

    pg_dump writes bytea as hex and a JSON column may escape non-ASCII letters: a name
    stored unsealed in either would otherwise slip past a plain search of the dump.
    """

    def from_hex(match: re.Match[str]) -> str:
        return bytes.fromhex(match.group(1)).decode("utf-8", errors="replace")

    text = re.sub(r"\\\\?x((?:[0-9a-fA-F]{2})+)", from_hex, text)
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def found_in(text: str) -> list[str]:
    haystack = plain(readable(text))
    return [needle for needle in NEEDLES if plain(needle) in haystack]


def pg_dump() -> str:
    """Every row of the test database as SQL, through the wheel's pg_dump (as apps/core/backup.py runs it)."""
    connection.ensure_connection()
    db = connection.settings_dict
    args = ["--host", str(db["HOST"] or "127.0.0.1"), "--port", str(db["PORT"] or 5432), "--username", str(db["USER"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or ""), "PGCONNECT_TIMEOUT": "10"}
    tool = embedded_db.server(settings.HAVEN_STATE_DIR).bin("pg_dump")
    result = subprocess.run(
        # Data only: the schema holds no one's data, but its choice lists hold ordinary words
        # ("passport") that would match the narrative's words by coincidence.
        [tool, *args, "--format=plain", "--data-only", "--no-owner", "--no-privileges", str(db["NAME"])],
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8", errors="replace")


def files_under(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p): p.read_bytes().decode("utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def register_zuleika(actor, agency):
    identity = ChildIdentity(
        given_names=GIVEN,
        family_names=FAMILY,
        aliases=(ALIAS,),
        birth_date=BORN,
        contacts=CONTACTS,
        address="Rua do Embondeiro 7, Alvora",
        family_situation="Lives with her great-aunt.",
    )
    registration = case_register(
        actor=actor,
        agency=agency,
        identity=identity,
        child_facts={"sex": "female", "birth_date_basis": "documented", "nationalities": ["MZ"]},
        case_facts={**DEFAULT_CASE, "exploitation_narrative": NARRATIVE, "suspects": SUSPECTS},
    )
    document = document_attach(
        actor=actor,
        case=registration.case,
        kind=Document.Kind.BIRTH_CERTIFICATE,
        filename=FILENAME,
        content=DOCUMENT,
        content_type="application/pdf",
        no_abuse_images=True,
    )
    return registration.case, document


@pytest.mark.django_db(transaction=True)
def test_a_dump_the_logs_the_broker_and_media_hold_nothing_that_identifies_the_child(media, caplog, client):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # every SQL statement and its parameters into the log too
    try:
        agency = AgencyFactory()
        caseworker = caseworker_in(agency, TeamFactory(agency=agency))
        case, document = register_zuleika(caseworker, agency)
        assert read_identity(case.child).given_names == GIVEN  # it is all there, sealed
        child_possible_duplicates(actor=caseworker, names=[f"{GIVEN} {FAMILY}", ALIAS], birth_year=BORN.year)

        # A web request: a search in the query string and the document's download.
        client.force_login(caseworker)
        client.get("/", {"q": f"{GIVEN} {FAMILY} {BORN.isoformat()}"})
        downloaded = client.get(reverse("cases:document_download", args=[document.pk]), {"q": GIVEN})
        assert downloaded.status_code == 200
        assert b"".join(downloaded) == DOCUMENT

        # A message through the broker folder (no worker needed to write it).
        if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
            health_ping.apply_async(args=["no-child-data"], queue=f"test-{secrets.token_hex(4)}")
    finally:
        connection.force_debug_cursor = False

    dump = pg_dump()
    logs = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    broker = files_under(Path(settings.BROKER_DIR))
    stored = files_under(Path(media))

    # The places searched hold this child's records: the search below is not of nothing.
    assert case.reference in dump
    assert bytes(Child.objects.get(pk=case.child_id).names).hex() in dump
    assert any(r.name == "haven.access" for r in caplog.records)
    assert any(r.name == "django.db.backends" for r in caplog.records)
    assert len(stored) == 1
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        assert broker
    # ... and the search itself finds what is there.
    assert found_in(f"x {GIVEN.upper()} born 07/03/2012 y \\x{'Zuzú'.encode().hex()}") == [GIVEN, "Zuzu", "07/03/2012"]

    leaks = {"database dump": found_in(dump), "logs": found_in(logs)}
    leaks |= {f"broker file {name}": found_in(text) for name, text in broker.items()}
    leaks |= {f"media file {name}": found_in(text) for name, text in stored.items()}
    assert {where: what for where, what in leaks.items() if what} == {}


# --- Keys ----------------------------------------------------------------------------------------


@pytest.fixture
def master_keys(settings):
    def use(text):
        settings.HAVEN_MASTER_KEYS = text
        crypto.forget_cached_keys()

    yield use
    crypto.forget_cached_keys()


@pytest.fixture
def zuleika(db, media):
    agency = AgencyFactory()
    caseworker = caseworker_in(agency, TeamFactory(agency=agency))
    case, document = register_zuleika(caseworker, agency)
    return case, document, caseworker


def test_master_keys_rotate_and_the_old_one_can_then_go(zuleika, master_keys, settings):
    case, document, caseworker = zuleika
    old = settings.HAVEN_MASTER_KEYS
    new = f"rotated:{crypto.new_key_text()}"

    # The new key comes first; children sealed before still open through the old one.
    master_keys(f"{new},{old}")
    assert read_identity(case.child).given_names == GIVEN
    # ... but not without it, until their data keys are re-wrapped.
    master_keys(new)
    with pytest.raises(crypto.KeyUnavailable):
        read_identity(case.child)

    master_keys(f"{new},{old}")
    assert master_keys_rotate() == ChildKey.objects.filter(wrapped__isnull=False).count() >= 1
    assert set(ChildKey.objects.values_list("master_key_id", flat=True)) == {"rotated"}
    assert master_keys_rotate() == 0

    master_keys(new)
    identity = read_identity(Child.objects.get(pk=case.child_id))
    assert (identity.given_names, identity.family_names, identity.aliases, identity.birth_date) == (
        GIVEN,
        FAMILY,
        (ALIAS,),
        BORN,
    )
    assert read_notes(Case.objects.get(pk=case.pk))["exploitation_narrative"] == NARRATIVE
    opened = document_open(actor=caseworker, document_id=document.pk, channel=Channel.WEB)
    assert (opened.filename, opened.content) == (FILENAME, DOCUMENT)


def test_a_data_key_under_a_master_key_nobody_has_any_more_is_unavailable(zuleika, master_keys):
    case, _, _ = zuleika
    master_keys(f"other:{crypto.new_key_text()}")
    with pytest.raises(crypto.KeyUnavailable):
        read_identity(case.child)


def test_anonymising_shreds_the_child_and_keeps_the_rows(zuleika):
    case, document, caseworker = zuleika
    child = case.child
    rows_before = (
        Child.objects.count(),
        Case.objects.count(),
        Document.objects.count(),
        CaseTransition.objects.count(),
    )
    assert search.score_candidates(names=[f"{GIVEN} {FAMILY}"], birth_year=BORN.year) == {child.pk: 1.0}

    child_anonymise(actor=supervisor_in(case.owning_agency), child=child)

    with pytest.raises(crypto.KeyUnavailable):
        read_identity(child)
    with pytest.raises(crypto.KeyUnavailable):
        read_notes(case)
    with pytest.raises(crypto.KeyUnavailable):
        document_open(actor=caseworker, document_id=document.pk, channel=Channel.WEB)
    assert (
        Child.objects.count(),
        Case.objects.count(),
        Document.objects.count(),
        CaseTransition.objects.count(),
    ) == rows_before
    child.refresh_from_db()
    assert child.anonymised_at is not None
    assert child.names is not None  # the ciphertext stays, unreadable
    key = ChildKey.objects.get(child=child)
    assert key.wrapped is None
    assert key.destroyed_at is not None

    assert not ChildSearchToken.objects.filter(child=child).exists()
    assert not ChildNameTrigrams.objects.filter(child=child).exists()
    for names in ([f"{GIVEN} {FAMILY}"], [ALIAS], [GIVEN]):
        assert child.pk not in search.score_candidates(names=names, birth_year=BORN.year)
    assert child_possible_duplicates(actor=caseworker, names=[f"{GIVEN} {FAMILY}"], birth_year=BORN.year) == []


def test_only_a_supervisor_of_the_agency_may_anonymise(zuleika):
    case, _, caseworker = zuleika
    with pytest.raises(PermissionDenied):
        child_anonymise(actor=caseworker, child=case.child)
    with pytest.raises(PermissionDenied):
        child_anonymise(actor=supervisor_in(AgencyFactory()), child=case.child)
    assert read_identity(case.child).given_names == GIVEN


# --- A sealed value opens only where it was sealed -----------------------------------------------


def test_a_sealed_value_copied_into_another_childs_row_does_not_open(zuleika):
    case, _, caseworker = zuleika
    zuleika_child = Child.objects.get(pk=case.child_id)
    other = register(caseworker, case.owning_agency, given="Other", family="Child").case

    Child.objects.filter(pk=other.child_id).update(names=bytes(zuleika_child.names))
    with pytest.raises(crypto.TamperedData):
        read_identity(Child.objects.get(pk=other.child_id))

    Case.objects.filter(pk=other.pk).update(exploitation_narrative=bytes(case.exploitation_narrative))
    with pytest.raises(crypto.TamperedData):
        read_notes(Case.objects.select_related("child").get(pk=other.pk))


def test_a_sealed_value_moved_to_another_column_of_the_same_child_does_not_open(zuleika):
    case, _, _ = zuleika
    child = Child.objects.get(pk=case.child_id)
    Child.objects.filter(pk=child.pk).update(contacts=bytes(child.address))
    with pytest.raises(crypto.TamperedData):
        read_identity(Child.objects.get(pk=child.pk))


def test_a_data_key_copied_to_another_child_does_not_unwrap(zuleika):
    case, _, caseworker = zuleika
    other = register(caseworker, case.owning_agency, given="Other", family="Child").case
    theirs = ChildKey.objects.get(child_id=case.child_id)
    ChildKey.objects.filter(child_id=other.child_id).update(wrapped=bytes(theirs.wrapped))
    with pytest.raises(crypto.TamperedData):
        read_identity(Child.objects.get(pk=other.child_id))


def test_an_altered_ciphertext_does_not_open(zuleika):
    case, _, _ = zuleika
    child = Child.objects.get(pk=case.child_id)
    altered = bytearray(bytes(child.names))
    altered[-1] ^= 1
    Child.objects.filter(pk=child.pk).update(names=bytes(altered))
    with pytest.raises(crypto.TamperedData):
        read_identity(Child.objects.get(pk=child.pk))
