"""Generated plans at production scale, for benchmarks (`make bench`) and load tests.

    manage.py generate_scale_data                      # 42 plans, 10,000 lines, 50,000 updates
    manage.py generate_scale_data --plans 40 --seed 7  # the same sizes, other plans

The same seed gives the same plans, lines and updates (not the same ids). Lines go to the
units SCALE1 … SCALE5, about a fifth each; questions are linked to P&B outputs when
`load_reference_data` has run. Written with bulk_create, in one transaction.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from measures.models import (
    ActionLine,
    DeadlineKind,
    Part,
    Plan,
    Question,
    StatusCategory,
    StatusUpdate,
    Unit,
)
from outcomes.models import Output

SYMBOL = "GB.{n:03d}/SCALE/1"
UNITS = [f"SCALE{n}" for n in range(1, 6)]
WORDS = str.split(
    "le Bureau a organisé un atelier tripartite sur la protection sociale et la promotion de "
    "l'emploi des jeunes dans les pays concernés avec les mandants le rapport sera présenté à "
    "la prochaine session du Conseil d'administration les activités se poursuivent suivi des "
    "normes internationales du travail coopération technique évaluation"
)
FIRST_DAY = datetime.date(2000, 1, 1)
DAYS = 30 * 365
BATCH = 2000


class Command(BaseCommand):
    help = "Generate plans, action lines and status updates at scale (bulk, reproducible)."

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=42)
        parser.add_argument("--lines", type=int, default=10_000, help="in all plans together")
        parser.add_argument("--updates", type=int, default=50_000)
        parser.add_argument(
            "--largest", type=int, default=1000, help="lines of the first plan (the largest)"
        )
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *, plans, lines, updates, largest, seed, **options):
        if plans < 1 or lines < plans or largest > lines - (plans - 1):
            raise CommandError("Give at least one line per plan, the largest plan included.")
        symbols = [SYMBOL.format(n=n) for n in range(1, plans + 1)]
        if Plan.objects.filter(symbol__in=symbols).exists():
            raise CommandError("Generated plans are already in this database.")
        rng = random.Random(seed)
        sizes = [largest] + _split(rng, lines - largest, plans - 1)
        with transaction.atomic():
            units = [Unit.objects.get_or_create(code=c, defaults={"name": c})[0] for c in UNITS]
            outputs = list(Output.objects.order_by("pk").values_list("pk", flat=True))
            created = [
                self._plan(rng, symbol, size, units, outputs)
                for symbol, size in zip(symbols, sizes, strict=True)
            ]
            all_lines = [line for plan_lines, _ in created for line in plan_lines]
            all_questions = [question for _, questions in created for question in questions]
            self._updates(rng, updates, all_lines, all_questions)
        self.stdout.write(
            f"{plans} plans, {len(all_lines):,} lines, {updates:,} status updates (seed {seed})."
        )

    def _plan(self, rng, symbol, size, units, outputs):
        plan = Plan.objects.create(
            symbol=symbol,
            title=f"Plan de mise en œuvre généré ({size} lignes)",
            date=FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS)),
        )
        parts = Part.objects.bulk_create(
            Part(plan=plan, order=p, number=str(p), title=_sentence(rng, 6))
            for p in range(1, max(1, size // 250) + 2)
        )
        question_count = max(1, size // 5)
        questions = Question.objects.bulk_create(
            Question(part=parts[q % len(parts)], order=q, code=f"{q})", title=_sentence(rng, 12))
            for q in range(1, question_count + 1)
        )
        lines = ActionLine.objects.bulk_create(
            (
                _line(rng, questions[i % question_count], i // question_count + 1)
                for i in range(size)
            ),
            batch_size=BATCH,
        )
        ActionLine.units.through.objects.bulk_create(
            (
                ActionLine.units.through(actionline_id=line.pk, unit_id=rng.choice(units).pk)
                for line in lines
            ),
            batch_size=BATCH,
        )
        if outputs:
            Question.outputs.through.objects.bulk_create(
                Question.outputs.through(question_id=q.pk, output_id=rng.choice(outputs))
                for q in questions
                if rng.random() < 0.3
            )
        return lines, questions

    def _updates(self, rng, count, lines, questions):
        categories = list(StatusCategory)
        start = timezone.make_aware(datetime.datetime(2000, 1, 1))

        def update(n):
            about_question = rng.random() < 0.1
            as_of = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            return StatusUpdate(
                action_line=None if about_question else rng.choice(lines),
                question=rng.choice(questions) if about_question else None,
                as_of=as_of,
                category=rng.choice(categories),
                narrative=_sentence(rng, rng.randrange(8, 60)),
                entered_at=start + datetime.timedelta(days=(as_of - FIRST_DAY).days, seconds=n),
                source=StatusUpdate.Source.IMPORT,
            )

        StatusUpdate.objects.bulk_create((update(n) for n in range(count)), batch_size=BATCH)


def _split(rng, total, parts):
    """`total` in `parts` positive sizes that vary around the mean."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    sizes = [max(1, int(total * w / sum(weights))) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _line(rng, question, order):
    kind = rng.choices(
        [DeadlineKind.DATED, DeadlineKind.ONGOING, DeadlineKind.AS_NEEDED, DeadlineKind.UNREAD],
        weights=[80, 10, 5, 5],
    )[0]
    due = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
    return ActionLine(
        question=question,
        order=order,
        text="- " + _sentence(rng, rng.randrange(10, 40)),
        timeline=f"D'ici {due:%m/%Y}" if kind == DeadlineKind.DATED else "De manière continue",
        due_date=due if kind == DeadlineKind.DATED else None,
        deadline_kind=kind,
    )
