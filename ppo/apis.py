from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ppo.selectors import memberships_of


class MembershipSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    agency_type = serializers.CharField(source="agency.type")
    scheme = serializers.SlugField(source="agency.scheme.slug", allow_null=True, default=None)
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class MeApi(APIView):
    """The signed-in user and the agencies and roles they act in."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = {
            "email": request.user.email,
            "full_name": request.user.full_name,
            "memberships": memberships_of(user=request.user),
        }
        return Response(MeSerializer(data).data)
