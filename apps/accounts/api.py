"""API endpoints about the caller: who am I, in which agencies, with which roles."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import membership_list_for_user


class MeView(APIView):
    """The signed-in user and their active roles; a client's first call to check its access."""

    class MembershipOut(serializers.Serializer[Any]):
        agency = serializers.CharField(source="agency.name")
        agency_id = serializers.IntegerField()
        agency_kind = serializers.CharField(source="agency.kind")
        country = serializers.CharField(source="agency.country")
        team = serializers.CharField(source="team.name", default=None)
        role = serializers.CharField()
        since = serializers.DateTimeField(source="started_at")

    def get(self, request: Request) -> Response:
        memberships = membership_list_for_user(user=request.user)
        return Response(
            {
                "email": request.user.email,  # type: ignore[union-attr]
                "full_name": request.user.full_name,  # type: ignore[union-attr]
                "memberships": self.MembershipOut(memberships, many=True).data,
            }
        )
