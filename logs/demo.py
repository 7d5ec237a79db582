"""Demo logs for `manage.py seed_demo`: each holder gets logs in different states."""

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from logs import services
from logs.enums import Level, Outcome
from logs.models import Log, Measure
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Unit

GUARDIAN_EMAIL = "foresatt@demo.stafettlogg.no"

# First name, last name, age, mother's and father's first names ("": none).
DemoChild = tuple[str, str, int, str, str]
MakeMeasure = Callable[..., dict[str, Any]]


def _years_ago(today: date, years: int) -> date:
    """The same day `years` ago (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _child(first: str, last: str, born: date, street: str) -> dict[str, Any]:
    return {
        "first_name": first,
        "last_name": last,
        "national_id": "",
        "birth_date": born,
        "address": street,
        "postcode": "0150",
        "place": "Oslo",
        "email": "",
    }


def _guardian(first: str, last: str, email: str = "") -> dict[str, str]:
    return {
        "first_name": first,
        "last_name": last,
        "phone": "912 34 567",
        "email": email,
        "address": "Skoleveien 1",
        "postcode": "0150",
        "place": "Oslo",
    }


# Each demo holder has children of their own (the school's and the kindergarten's).
CHILDREN: list[list[DemoChild]] = [
    [
        ("Emma", "Berg", 9, "Kari", "Per"),
        ("Noah", "Dahl", 7, "Lise", ""),
        ("Ida", "Lie", 11, "Tor", ""),
    ],
    [
        ("Ella", "Haugen", 5, "Mona", "Geir"),
        ("Jakob", "Moen", 4, "Siv", ""),
        ("Nora", "Lund", 3, "Ali", ""),
    ],
]


def seed_logs(
    *,
    holder: User,
    unit: Unit,
    actors_here: Sequence[User],
    actors_elsewhere: Sequence[User],
    password: str,
    variant: int = 0,
) -> int:
    """Idempotent: a holder who already holds logs gets none."""
    if Log.objects.filter(holder=holder).exists():
        return 0
    today = timezone.localdate()
    municipality = unit.municipality
    concern_category = ConcernCategory.objects.filter(municipality=municipality)
    measure_category = MeasureCategory.objects.filter(municipality=municipality)

    def measure(description: str, days: int, actors: Sequence[User] = ()) -> dict[str, Any]:
        return {
            "category": measure_category[len(description) % measure_category.count()],
            "description": description,
            "deadline": today + timedelta(days=days),
            "actors": list(actors),
        }

    first_name, last_name, age, mother, father = CHILDREN[variant % len(CHILDREN)][0]

    # 1. Level 2, an overdue measure with an actor from another unit, an evaluated one.
    first = services.create_log(
        by=holder,
        unit=unit,
        level=Level.TWO,
        child=_child(first_name, last_name, _years_ago(today, age), "Bjørkeveien 3"),
        guardians=[
            _guardian(mother, last_name, GUARDIAN_EMAIL if variant == 0 else ""),
            _guardian(father, last_name),
        ],
    )
    concern = services.create_concern(
        first,
        by=holder,
        category=concern_category[0],
        description=f"{first_name} sier lite i klassen og trekker seg unna i friminuttene.",
        goal=f"{first_name} deltar i samtaler i klassen og har noen å være sammen med.",
        child_voice="Jeg vil ha en venn å være med i friminuttet.",
        measure=measure(
            f"Samtalegruppe for {first_name} med helsesykepleier hver uke.", 0, actors_elsewhere[:1]
        ),
    )
    # Shown overdue, as if planned weeks ago: a new deadline is never in the past (R-GEN-04).
    # Saved, not updated: the statistics follow saves (stats.receivers).
    for late in Measure.objects.filter(concern=concern):
        late.deadline = today - timedelta(days=5)
        late.save(update_fields=["deadline"])
    done = services.add_measure(
        concern,
        by=holder,
        category=measure_category[1],
        description=f"Fadderordning for {first_name} med elev fra 6. trinn.",
        deadline=today + timedelta(days=20),
        actors=actors_here[:1],
    )
    services.evaluate_measure(
        done,
        by=holder,
        outcome=Outcome.DESIRED_EFFECT,
        text=f"{first_name} møter fadderen hver dag og smiler mer.",
        child_voice="Det er fint å ha noen å gå til.",
    )
    services.create_glimpse(
        first,
        by=holder,
        role=Role.HOLDER,
        text=f"{first_name} fortalte en historie for hele gruppa i dag!",
        happened_on=today - timedelta(days=2),
        publish=True,
    )
    if variant == 0:
        _demo_guardian_login(first, password)
    _second_and_third(holder, unit, actors_here, concern_category, measure, today, variant)
    return 3


def _demo_guardian_login(first: Log, password: str) -> None:
    guardian_user = User.objects.filter(email=GUARDIAN_EMAIL).first()
    if guardian_user is None:
        guardian_user = User.objects.create_user(
            GUARDIAN_EMAIL, password, first_name="Kari", last_name="Berg"
        )
    elif not guardian_user.has_usable_password():
        # The invitation made the login; the demo activates it with the demo password.
        guardian_user.set_password(password)
        guardian_user.save(update_fields=["password"])
    kari = first.guardians.get(email=GUARDIAN_EMAIL)
    if kari.user_id != guardian_user.pk:
        services.link_guardian_login(kari, user=guardian_user)


def _named(child: DemoChild, today: date) -> tuple[str, str, date]:
    return child[0], child[1], _years_ago(today, child[2])


def _second_and_third(
    holder: User,
    unit: Unit,
    actors_here: Sequence[User],
    concern_category: QuerySet[ConcernCategory],
    measure: MakeMeasure,
    today: date,
    variant: int,
) -> None:
    second_child, third_child = CHILDREN[variant % len(CHILDREN)][1:]
    second_name, third_name = second_child[0], third_child[0]

    # 2. Level 1, one closed concern and one open.
    second = services.create_log(
        by=holder,
        unit=unit,
        child=_child(*_named(second_child, today), "Granveien 8"),
        guardians=[_guardian(second_child[3], second_child[1])],
    )
    closed = services.create_concern(
        second,
        by=holder,
        category=concern_category[2],
        description=f"{second_name} er urolig i timene etter jul.",
        goal=f"Roligere skoledager for {second_name}.",
        measure=measure(f"Fast plass og tydelige pauser for {second_name}.", 10, actors_here[:1]),
    )
    services.evaluate_measure(
        closed.measures.get(),
        by=holder,
        outcome=Outcome.SOME_EFFECT,
        text=f"Bedre for {second_name}, men fortsatt uro etter lunsj.",
    )
    services.close_concern(closed, by=holder)
    services.create_concern(
        second,
        by=holder,
        category=concern_category[4],
        description=f"{second_name} sliter med grovmotorikk i gym.",
        goal=f"{second_name} mestrer ballspill sammen med de andre.",
        measure=measure(f"Motorikkgruppe for {second_name} to ganger i uka.", 30),
    )

    # 3. A passive log.
    third = services.create_log(
        by=holder,
        unit=unit,
        child=_child(*_named(third_child, today), "Eikeveien 12"),
        guardians=[_guardian(third_child[3], third_child[1])],
    )
    finished = services.create_concern(
        third,
        by=holder,
        category=concern_category[5],
        description=f"{third_name} har lesevansker på 3. trinn.",
        goal=f"{third_name} leser alderstilpasset tekst.",
        measure=measure(f"Lesekurs for {third_name} med spesialpedagog.", 15),
    )
    services.evaluate_measure(
        finished.measures.get(),
        by=holder,
        outcome=Outcome.DESIRED_EFFECT,
        text=f"{third_name} leser nå på nivå med klassen.",
    )
    services.close_concern(finished, by=holder)
    services.set_log_passive(third, by=holder, confirmed=True)
