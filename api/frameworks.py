from django.db.models import prefetch_related_objects
from ninja import Router
from ninja.pagination import paginate

from measures.policy import can_read_plans, framework_for_user, require
from outcomes.models import Framework

from .core import Pages
from .schemas import ERRORS, Error, FrameworkOut, FrameworkSummary

router = Router(tags=["frameworks"])


@router.get("/frameworks", response={200: list[FrameworkSummary], ERRORS: Error})
@paginate(Pages)
def list_frameworks(request):
    require(can_read_plans(request.user))
    return Framework.objects.order_by("-first_year", "code")


@router.get("/frameworks/{framework_id}", response={200: FrameworkOut, ERRORS: Error})
def get_framework(request, framework_id: int):
    """A framework's outcomes, with their outputs and indicators (baseline, target, milestones)."""
    framework = framework_for_user(request.user, framework_id)
    prefetch_related_objects([framework], "outcomes__outputs", "outcomes__indicators__milestones")
    return framework
