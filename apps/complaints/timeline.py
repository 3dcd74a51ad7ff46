"""Complaints on the case timeline: only for the agency's supervisors and the child's guardian,
and never for anyone the complaint names (R8). The text stays on the complaint's own page."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.cases.selectors import agency_roles
from apps.casework.timeline import TimelineContext, TimelineEntry, person, timeline_source
from apps.complaints.models import ComplaintStatus
from apps.complaints.selectors import complaint_list
from apps.guardianship.selectors import active_appointment


@timeline_source
def complaints(context: TimelineContext) -> Iterator[TimelineEntry]:
    case, actor = context.case, context.actor
    supervises = Role.SUPERVISOR in agency_roles(actor=actor, agency_id=case.owning_agency_id)
    if not supervises:
        appointment = active_appointment(case=case, at=context.at)
        if appointment is None or appointment.guardian_id != actor.pk:
            return
    # complaint_list leaves out every complaint that names the actor.
    for complaint in complaint_list(actor=actor, at=context.at).filter(case=case):
        yield TimelineEntry(
            at=complaint.lodged_at, kind="complaint", by=person(complaint.recorded_by),
            title=_("Complaint lodged by %(who)s") % {"who": complaint.get_lodged_by_display()},
            detail=_("About: %(about)s. Answer due %(due)s.")
            % {"about": complaint.get_about_display(), "due": f"{complaint.answer_due_at:%Y-%m-%d}"},
        )  # fmt: skip
        if complaint.status == ComplaintStatus.ANSWERED and complaint.answered_at is not None:
            yield TimelineEntry(
                at=complaint.answered_at, kind="complaint", by=person(complaint.answered_by),
                title=_("Complaint answered to the child (%(how)s)") % {"how": complaint.get_answer_channel_display()},
            )  # fmt: skip
