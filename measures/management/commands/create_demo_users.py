"""Demo users, one per role, for development only (refused when DEBUG is off)."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from ilo_tracker.audit import Source, recorded
from measures.models import Unit
from measures.policy import MANAGERS_GROUP, STAFF_GROUP

# username, password, group, units, superuser
DEMO_USERS = [
    ("staff", "staff-demo-2026", STAFF_GROUP, ["PARDEV"], False),
    ("staff2", "staff2-demo-2026", STAFF_GROUP, ["PROGRAM"], False),
    ("focal", "focal-demo-2026", STAFF_GROUP, [], False),
    ("manager", "manager-demo-2026", MANAGERS_GROUP, [], False),
    ("admin", "admin-demo-2026", None, [], True),
]
# Focal points clear the updates "staff" submits about PARDEV's lines (README: Clearance).
DEMO_FOCAL_POINTS = {"focal": ["PARDEV"]}


class Command(BaseCommand):
    help = "Create the demo users (staff, focal point, manager, administrator). Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are never created when DEBUG is off.")
        with recorded(Source.COMMAND, reason="create_demo_users"):
            self.create()

    def create(self):
        for name in (STAFF_GROUP, MANAGERS_GROUP):
            Group.objects.get_or_create(name=name)
        self.stdout.write("Demo users (for local demonstration only):")
        for username, password, group, units, superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = user.is_superuser = superuser
            user.email = f"{username}@example.org"
            user.save()
            if group:
                user.groups.set([Group.objects.get(name=group)])
            user.units.set(Unit.objects.filter(code__in=units))
            focal_units = DEMO_FOCAL_POINTS.get(username, [])
            user.focal_units.set(Unit.objects.filter(code__in=focal_units))
            role = group or "Administrator"
            if focal_units:
                role += f", focal point of {', '.join(focal_units)}"
            self.stdout.write(f"  {username:8} {password:20} {role}")
