from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from measures.policy import can_read_plans, framework_for_user, require
from outcomes.models import Framework, Indicator
from reports import iati

from .core import Pages
from .schemas import ERRORS, IATI_FILE, Error, FrameworkOut, FrameworkSummary, ReportDate

router = Router(tags=["frameworks"])


@router.get("/frameworks", response={200: list[FrameworkSummary], ERRORS: Error})
@paginate(Pages)
def list_frameworks(request):
    require(can_read_plans(request.user))
    return Framework.objects.order_by("-first_year", "code")


@router.get("/frameworks/{framework_id}", response={200: FrameworkOut, ERRORS: Error})
def get_framework(request, framework_id: int, as_of: ReportDate | None = None):
    """A framework's outcomes, with their outputs and indicators: baseline, milestones and
    target assessed as of `as_of` (default: today), and the measurements known then."""
    framework = framework_for_user(request.user, framework_id)
    indicators = Indicator.objects.with_results_as_of(as_of or timezone.localdate())
    prefetch_related_objects(
        [framework], "outcomes__outputs", Prefetch("outcomes__indicators", indicators)
    )
    return framework


@router.get("/frameworks/{framework_id}/iati", response={ERRORS: Error}, openapi_extra=IATI_FILE)
def get_framework_iati(request, framework_id: int, as_of: ReportDate | None = None):
    """The framework as an IATI activity; its outputs' linked lines counted as of `as_of`."""
    framework = framework_for_user(request.user, framework_id)
    as_of = as_of or timezone.localdate()
    content = iati.framework_file(framework, as_of, request.build_absolute_uri("/").rstrip("/"))
    return iati.download(content, framework, as_of)
