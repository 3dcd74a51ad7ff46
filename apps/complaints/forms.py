"""The forms of complaints: each hands its values to one service (apps/complaints/services.py),
which validates them and writes; the admin and the pages use the same ones."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, User
from apps.cases.access import Action, cases_for
from apps.cases.models import Case
from apps.complaints.models import AnswerChannel, Complaint, ComplaintAbout, LodgedBy
from apps.core.admin import ServiceForm, text_field, when_field
from apps.guardianship.selectors import active_appointments


def lodgeable_cases(actor: User) -> QuerySet[Case]:
    """The actor's wards, and the cases they work on as staff (to record a child's complaint)."""
    return cases_for(actor, Action.WORK_OR_GUARD)


def nameable_people(cases: QuerySet[Case]) -> QuerySet[User]:
    """Staff of the agencies owning these cases, and the guardians appointed to them."""
    staff = Membership.objects.active().filter(agency__in=cases.values("owning_agency")).values("user_id")
    guardians = active_appointments(at=timezone.now()).filter(case__in=cases.values("pk")).values("guardian_id")
    return User.objects.filter(Q(pk__in=staff) | Q(pk__in=guardians), is_active=True).order_by("full_name", "email")


class ComplaintAddForm(ServiceForm):
    lodged_by = forms.ChoiceField(label=gettext_lazy("Lodged by"), choices=LodgedBy.choices)
    about = forms.ChoiceField(label=gettext_lazy("About"), choices=ComplaintAbout.choices)
    named_people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Staff members it is about"), queryset=User.objects.none(), required=False,
        help_text=gettext_lazy("They will never see this complaint, anywhere."),
    )  # fmt: skip
    complaint_text = text_field(
        gettext_lazy("The complaint"), required=True, rows=8,
        help_text=gettext_lazy("In the child's or guardian's own words. Stored sealed with the child's own key."),
    )  # fmt: skip
    lodged_at = when_field(gettext_lazy("Lodged"))

    class Meta:
        model = Complaint
        fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.actor is not None:
            self.choices("named_people").queryset = nameable_people(lodgeable_cases(self.actor))

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"case": data["case"], "lodged_by": data["lodged_by"], "about": data["about"],
                "named": list(data["named_people"]), "text": data["complaint_text"],
                "lodged_at": data["lodged_at"]}  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("The answer given to the child"), max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}), help_text=gettext_lazy("Stored sealed with the child's own key."),
    )  # fmt: skip
    channel = forms.ChoiceField(label=gettext_lazy("How it was given"), choices=AnswerChannel.choices)
    given_at = when_field(gettext_lazy("Given"))


class StartForm(forms.Form):
    """Nothing to ask: the review starts now, with the user's name."""
