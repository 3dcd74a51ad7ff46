from datetime import date

from apps.accounts.models import Role
from apps.audit.models import Channel
from apps.cases.services import ChildIdentity, case_register, case_sealed_values, child_identity
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory

DEFAULT_CASE = {"identification_method": "police", "scope": "transnational", "exploitation_forms": ["ForcedBegging"]}


def caseworker_in(agency=None, team=None):
    agency = agency or (team.agency if team else AgencyFactory())
    return MembershipFactory(role=Role.CASEWORKER, agency=agency, team=team).user


def supervisor_in(agency):
    return MembershipFactory(role=Role.SUPERVISOR, agency=agency).user


def register(actor=None, agency=None, *, given="Aïcha", family="Benali", aliases=(), birth=date(2011, 5, 4), **case):
    if actor is None:
        agency = agency or AgencyFactory()
        actor = caseworker_in(agency, TeamFactory(agency=agency))
    agency = agency or actor.memberships.first().agency
    identity = ChildIdentity(
        given_names=given,
        family_names=family,
        aliases=tuple(aliases),
        birth_date=birth,
        address="Rua das Flores 12, Alvora",
        contacts="+351 900 000 000",
    )
    facts = {**DEFAULT_CASE, **{k: v for k, v in case.items() if k not in {"child_facts"}}}
    return case_register(
        actor=actor,
        agency=agency,
        identity=identity,
        child_facts=case.get("child_facts", {"unaccompanied": True, "nationalities": ["MA"]}),
        case_facts=facts,
    )


def read_identity(child):
    """The child's identity, read (and logged) as the caseworker who registered their first case."""
    case = child.cases.order_by("pk").first()
    return child_identity(child, actor=case.registered_by, channel=Channel.WEB, case=case)


def read_notes(case):
    """The case's sealed notes, read (and logged) as the caseworker who registered it."""
    return case_sealed_values(case, actor=case.registered_by, channel=Channel.WEB)


def walk_past_guards(case, *states, actor=None, at=None):
    """Move a case along the workflow without asking other apps' guards, each move with the
    transition row the database requires in the same transaction; for set-ups only."""
    from django.db import transaction
    from django.utils import timezone

    from apps.cases import vault
    from apps.cases.models import Case, CaseTransition

    case = Case.objects.select_related("child").get(pk=case.pk)
    reason = vault.seal(case.child, vault.data_key(case.child), CaseTransition, "reason", "Fictional: test set-up.")
    actor = actor or case.assigned_caseworker or supervisor_in(case.owning_agency)
    at = at or timezone.now()
    source = case.state
    for target in states:
        with transaction.atomic():
            CaseTransition.objects.create(case=case, name=f"{source}_to_{target}", from_state=source,
                                          to_state=target, actor=actor, at=at, reason=reason)  # fmt: skip
            Case.objects.filter(pk=case.pk).update(state=target)
        source = target
    return Case.objects.get(pk=case.pk)
