"""The authorization matrix: every URL × every persona × GET and POST (R-ROLE-07, R-ROLE-03…06).

Generated from the URL resolver: a URL without a row here fails `test_every_url_has_a_row`.
Each row gives the URL's arguments (built from the `world` of one log and its people) and the
expected status per persona for GET and POST. POST carries an empty body: refusals must come
before any form handling. Invisible is 404, visible-but-not-allowed is 403 (architecture.md).
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from organisations.enums import Role
from tests.factories import (
    MembershipFactory,
    UnitFactory,
    UserFactory,
    make_concern,
    make_log,
    pdf_upload,
)

LOGIN = "login"  # a redirect to the login page
PERSONAS = [
    "anonymous",
    "holder",  # holds the log
    "other_holder",  # holder in the same unit
    "holder_other_unit",  # holder in another unit of the municipality
    "leader",  # leader of the log's unit: no access to content (R-ROLE-03)
    "actor",  # actor on a measure of the log
    "unattached_actor",  # actor in the same unit, on nothing in the log
    "guardian",  # guardian of this child, with a login
    "other_guardian",  # guardian of another child
    "outsider",  # a holder in another municipality
]
SIGNED_IN = PERSONAS[1:]
HOLDER_ROLE = {"holder", "other_holder", "holder_other_unit", "outsider"}
STRANGERS = {"other_holder", "holder_other_unit", "leader", "unattached_actor"}
STRANGERS |= {"other_guardian", "outsider"}

# The admin is the operators' and municipality administrators' tool (R-ROLE-02), with its own
# permission checks; its access is tested in tests/organisations/test_admin.py.
EXCLUDED_NAMESPACES = {"admin"}


def everyone(get, post):
    return dict.fromkeys(PERSONAS, (get, post))


def signed_in(get, post, anonymous=(LOGIN, LOGIN)):
    return {"anonymous": anonymous} | dict.fromkeys(SIGNED_IN, (get, post))


def only(rows: dict, default=(404, 404), anonymous=(LOGIN, LOGIN)):
    """Listed personas get their row; every other signed-in persona gets `default`."""
    return {"anonymous": anonymous} | {p: rows.get(p, default) for p in SIGNED_IN}


def holder_pages(get, post, *, anonymous=(LOGIN, LOGIN)):
    """Pages of the holder role: other roles never learn they exist (404)."""
    rows = dict.fromkeys(HOLDER_ROLE, (get, post))
    default = (404, 405) if post == 405 else (404, 404)
    return only(rows, default=default, anonymous=anonymous)


def log_page(holder, *, actor=(404, 404), guardian=(404, 404), anonymous=(LOGIN, LOGIN)):
    """A page about the log: the holder, maybe its actor and guardian, nobody else."""
    return only({"holder": holder, "actor": actor, "guardian": guardian}, anonymous=anonymous)


@pytest.fixture
def world(municipality, unit, other_unit, holder, other_holder, holder_other_unit, leader, actor):
    """One level-2 log with a concern (actor attached), a consent and an unpublished glimpse."""
    from logs.services import create_glimpse, set_level, upload_consent

    log = make_log(holder, unit)
    set_level(log, by=holder, level=2)
    concern = make_concern(log, actors=[actor])
    upload_consent(
        log,
        by=holder,
        file=pdf_upload(),
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    glimpse = create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Et lysglimt", happened_on=timezone.localdate()
    )
    guardian_user = UserFactory()
    guardian = log.guardians.get()
    guardian.user = guardian_user
    guardian.save()
    meeting = _meeting_of(log, concern, actor)
    other_log = make_log(other_holder, unit, first_name="Ola")
    other_guardian = UserFactory()
    other_log.guardians.update(user=other_guardian)
    unattached = UserFactory()
    MembershipFactory(user=unattached, unit=unit, role=Role.ACTOR)
    outsider = UserFactory()
    MembershipFactory(user=outsider, unit=UnitFactory(), role=Role.HOLDER)
    stranger_note = _note_of_a_stranger()
    return {
        "users": {
            "anonymous": None,
            "holder": holder,
            "other_holder": other_holder,
            "holder_other_unit": holder_other_unit,
            "leader": leader,
            "actor": actor,
            "unattached_actor": unattached,
            "guardian": guardian_user,
            "other_guardian": other_guardian,
            "outsider": outsider,
        },
        "log": log,
        "guardian": guardian,
        "consent": log.consents.get(),
        "concern": concern,
        "measure": concern.measures.get(),
        "glimpse": glimpse,
        "note": stranger_note,
        "meeting": meeting,
    }


def _meeting_of(log, concern, actor):
    """A level-2 meeting of the log: holder, the guardian and the actor invited (R-MEET-01)."""
    from meetings.services import create_meeting

    start = timezone.now() + timedelta(days=7)
    return create_meeting(
        log,
        by=log.holder,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Testskolen",
        concerns=[concern],
        guardians=list(log.guardians.all()),
        actors=[actor],
    )


def _note_of_a_stranger():
    """A note nobody in the matrix may see: it belongs to a fresh user (R-NOTE-01)."""
    from notes.services import create_note

    return create_note(by=UserFactory(), text="PRIVAT-SENTINEL")


def _pk(key):
    return lambda world: [world[key].pk]


def _holder_export(world):
    """The holder's export of the log, made (a stand-in file; rendering is tested in
    tests/exports/): only the holder who asked may open it (R-EXP-01)."""
    from django.core.files.base import ContentFile

    from exports.enums import ExportStatus
    from exports.services import request_export

    if "export" not in world:
        export = request_export(
            world["log"], by=world["users"]["holder"], role=Role.HOLDER, parts=["concerns"]
        )
        export.file.save("x.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=False)
        export.status = ExportStatus.READY
        export.expires_at = timezone.now() + timedelta(hours=24)
        export.save()
        world["export"] = export
    return [world["export"].pk]


def _none(world):
    return []


def _holder(world):
    return [world["users"]["holder"].pk]


def _holder_role(world):
    holder = world["users"]["holder"]
    return [holder.pk, holder.memberships.get().pk]


def _pending_transfer(world):
    """A second log of the holder, sent to the holder in the other unit and waiting for
    them (R-TRAN-01…04); the world's own log stays active for the other rows."""
    from logs.services import transfer_log

    if "transfer" not in world:
        users = world["users"]
        log = make_log(users["holder"], world["log"].unit, first_name="Tove")
        world["transfer"] = transfer_log(
            log,
            by=users["holder"],
            to_user=users["holder_other_unit"],
            to_unit=users["holder_other_unit"].memberships.get().unit,
            reason="Flytter",
            consent_confirmed=True,
        )
    return [world["transfer"].pk]


MATRIX = {
    # Foundation.
    "home": (_none, signed_in(200, 405, anonymous=(LOGIN, 405))),
    "switch_role": (_none, signed_in(405, 302, anonymous=(405, LOGIN))),
    "set_language": (_none, everyone(405, 302)),
    "accounts:login": (_none, signed_in(302, 302) | {"anonymous": (200, 200)}),
    "accounts:login_verify": (_none, everyone(302, 302)),
    # Sign-in through an identity provider (R-SEC-08): no provider configured here → 404; a
    # callback without a login waiting for it → the refusal page (400), whoever asks.
    "oidc:start": (lambda world: ["idporten"], everyone(404, 405)),
    "oidc:callback": (_none, everyone(400, 405)),
    "accounts:logout": (_none, everyone(405, 302)),
    "accounts:settings": (_none, signed_in(200, 200)),
    "accounts:totp_setup": (_none, signed_in(200, 200)),
    "accounts:session_status": (_none, everyone(200, 405)),
    "accounts:keepalive": (_none, signed_in(405, 204, anonymous=(405, LOGIN))),
    "accounts:password_change": (_none, signed_in(200, 200)),
    "accounts:password_change_done": (_none, signed_in(200, 405)),
    "accounts:password_reset": (_none, everyone(200, 200)),
    "accounts:password_reset_done": (_none, everyone(200, 405)),
    "accounts:password_reset_confirm": (lambda w: ["MQ", "set-password"], everyone(200, 200)),
    "accounts:password_reset_complete": (_none, everyone(200, 405)),
    # Activation (R-GUAR-02, R-LEAD-01): open to everyone; an unknown link or an empty code
    # is a message on the page, never an error.
    "accounts:activate": (lambda w: ["ukjent-lenke"], everyone(200, 200)),
    "accounts:activate_code": (_none, everyone(200, 200)),
    # Personal notes (R-NOTE-01): everyone keeps their own; nobody reaches another's.
    "notes:list": (_none, signed_in(200, 200)),
    "notes:create": (_none, signed_in(200, 200)),
    "notes:edit": (_pk("note"), signed_in(404, 404)),
    "notes:delete": (_pk("note"), signed_in(404, 404)),
    # Actors (R-HOLD-03, R-MEET-03/04): holders and leaders.
    "organisations:actors": (
        _none,
        holder_pages(200, 405, anonymous=(LOGIN, 405)) | {"leader": (200, 405)},
    ),
    "organisations:register_actor": (_none, holder_pages(200, 200) | {"leader": (200, 200)}),
    # The actor pickers' live search (R-MEET-04): the own municipality's actors only.
    "organisations:actor_search": (
        _none,
        holder_pages(200, 405, anonymous=(LOGIN, 405)) | {"leader": (200, 405)},
    ),
    # The log list: holders, actors and guardians; leaders see no log content.
    "logs:list": (
        _none,
        only(
            {p: (200, 405) for p in SIGNED_IN if p != "leader"},
            default=(404, 405),
            anonymous=(LOGIN, 405),
        ),
    ),
    "logs:create": (_none, holder_pages(200, 200)),
    "logs:detail": (
        _pk("log"),
        log_page((200, 405), actor=(200, 405), guardian=(200, 405), anonymous=(LOGIN, 405))
        | dict.fromkeys(STRANGERS, (404, 405)),
    ),
    "logs:history": (
        _pk("log"),
        log_page((200, 405), actor=(403, 405), guardian=(200, 405), anonymous=(LOGIN, 405))
        | dict.fromkeys(STRANGERS, (404, 405)),
    ),
    "logs:child_edit": (_pk("log"), log_page((200, 200), actor=(403, 403), guardian=(403, 403))),
    "logs:level": (
        _pk("log"),
        log_page((405, 200), actor=(405, 403), guardian=(405, 403), anonymous=(405, LOGIN))
        | dict.fromkeys(STRANGERS, (405, 404)),
    ),
    "logs:guardian_add": (
        _pk("log"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    # Actors never see guardians (need-to-know): 404, not 403.
    "logs:guardian_edit": (_pk("guardian"), log_page((200, 200), guardian=(403, 403))),
    "logs:guardian_remove": (_pk("guardian"), log_page((200, 302), guardian=(403, 403))),
    # The printed invitation (R-LOG-04): the holder only, 404 for everyone else. This
    # guardian can already log in, so the holder is sent back to the log with a message.
    "logs:guardian_letter": (
        _pk("guardian"),
        log_page((405, 302), anonymous=(405, LOGIN))
        | dict.fromkeys(STRANGERS | {"actor", "guardian"}, (405, 404)),
    ),
    "logs:consent_upload": (
        _pk("log"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:consent_file": (
        _pk("consent"),
        log_page((200, 405), guardian=(200, 405), anonymous=(LOGIN, 405))
        | dict.fromkeys(STRANGERS | {"actor"}, (404, 405)),
    ),
    "logs:passive": (_pk("log"), log_page((200, 200), actor=(403, 403), guardian=(403, 403))),
    "logs:glimpse_create": (
        _pk("log"),
        log_page((200, 200), actor=(200, 200), guardian=(200, 200)),
    ),
    # The unpublished glimpse is the holder's: actors and guardians do not see it yet.
    "logs:glimpse_publish": (
        _pk("glimpse"),
        log_page((405, 302), anonymous=(405, LOGIN))
        | dict.fromkeys(STRANGERS, (405, 404))
        | {"actor": (405, 404), "guardian": (405, 404)},
    ),
    "logs:concern_create": (
        _pk("log"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:concern_edit": (
        _pk("concern"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:concern_close": (
        _pk("concern"),
        log_page((405, 302), actor=(405, 403), guardian=(405, 403), anonymous=(405, LOGIN))
        | dict.fromkeys(STRANGERS, (405, 404)),
    ),
    "logs:measure_create": (
        _pk("concern"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:measure_edit": (
        _pk("measure"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:measure_evaluate": (
        _pk("measure"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    # Not evaluated yet: the page sends everyone who may see the measure back to the log.
    "logs:evaluation_next": (
        _pk("measure"),
        log_page((302, 302), actor=(302, 302), guardian=(302, 302)),
    ),
    "logs:measure_deadline": (
        _pk("measure"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    # Transfer (R-TRAN-01…05): the holder sends; only the recipient decides; the recipient
    # sees the waiting log, so withdrawing it is a 403 for them, a 404 for everyone else.
    "logs:transfer_create": (
        _pk("log"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "logs:transfer_accept": (
        _pending_transfer,
        only({"holder_other_unit": (405, 302)}, default=(405, 404), anonymous=(405, LOGIN)),
    ),
    "logs:transfer_forward": (_pending_transfer, only({"holder_other_unit": (200, 200)})),
    "logs:transfer_withdraw": (
        _pending_transfer,
        only(
            {"holder": (405, 302), "holder_other_unit": (405, 403)},
            default=(405, 404),
            anonymous=(405, LOGIN),
        ),
    ),
    # Staff of the leader's units (R-LEAD-01, R-ROLE-03): the leader of the world's unit only;
    # every other role, and any person outside the leader's reach, is a 404. The world's
    # holder holds an active log, so removing their one role or deactivating them without a
    # hand-over is a message on the page, never a change.
    "staff:list": (_none, only({"leader": (200, 405)}, default=(404, 405), anonymous=(LOGIN, 405))),
    "staff:create": (_none, only({"leader": (200, 200)})),
    "staff:edit": (_holder, only({"leader": (200, 200)})),
    "staff:role_add": (
        _holder,
        only({"leader": (405, 200)}, default=(405, 404), anonymous=(405, LOGIN)),
    ),
    "staff:role_remove": (_holder_role, only({"leader": (200, 200)})),
    "staff:hand_over": (_holder, only({"leader": (200, 200)})),
    "staff:deactivate": (_holder, only({"leader": (200, 200)})),
    # The world's holder is active: reactivating is a message on the page.
    "staff:reactivate": (_holder, only({"leader": (200, 200)})),
    # Meetings (R-MEET-01…05): the holder plans them; invited actors and guardians read them
    # (R-ROLE-05, R-ROLE-06); leaders see no content; anyone else gets a 404.
    "meetings:list": (
        _none,
        only(
            {p: (200, 405) for p in SIGNED_IN if p != "leader"},
            default=(404, 405),
            anonymous=(LOGIN, 405),
        ),
    ),
    "meetings:choose_log": (_none, holder_pages(200, 405, anonymous=(LOGIN, 405))),
    "meetings:create": (
        _pk("log"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "meetings:detail": (
        _pk("meeting"),
        log_page((200, 405), actor=(200, 405), guardian=(200, 405), anonymous=(LOGIN, 405))
        | dict.fromkeys(STRANGERS, (404, 405)),
    ),
    "meetings:edit": (
        _pk("meeting"),
        log_page((200, 200), actor=(403, 403), guardian=(403, 403)),
    ),
    "meetings:cancel": (
        _pk("meeting"),
        log_page((200, 302), actor=(403, 403), guardian=(403, 403)),
    ),
    "meetings:minutes": (
        _pk("meeting"),
        log_page((200, 302), actor=(403, 403), guardian=(403, 403)),
    ),
    # Export (R-EXP-01): whoever sees the log page chooses parts (an empty POST is the form
    # again, «choose at least one»); a leader and anyone else get a 404. The export itself
    # is its owner's only: anyone else's id is a 404.
    "exports:choose": (
        _pk("log"),
        log_page((200, 200), actor=(200, 200), guardian=(200, 200)),
    ),
    "exports:status": (
        _holder_export,
        log_page((200, 405), anonymous=(LOGIN, 405)) | dict.fromkeys(SIGNED_IN[1:], (404, 405)),
    ),
    "exports:retry": (
        _holder_export,
        log_page((405, 302), anonymous=(405, LOGIN)) | dict.fromkeys(SIGNED_IN[1:], (405, 404)),
    ),
    "exports:file": (
        _holder_export,
        log_page((200, 405), anonymous=(LOGIN, 405)) | dict.fromkeys(SIGNED_IN[1:], (404, 405)),
    ),
    # The users overview (R-LEAD-04): the leader of the world's unit only; every other role
    # never learns it exists (R-ROLE-07). Read-only: a POST is refused before anything else.
    "staff:users": (
        _none,
        only({"leader": (200, 405)}, default=(404, 405), anonymous=(LOGIN, 405)),
    ),
    "staff:users_csv": (
        _none,
        only({"leader": (200, 405)}, default=(404, 405), anonymous=(LOGIN, 405)),
    ),
}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row_R_ROLE_07():
    missing = sorted(set(_url_names()) - set(MATRIX))
    assert not missing, f"URLs without a row in the authorization matrix: {missing}"


def test_every_row_names_every_persona():
    incomplete = {name: set(PERSONAS) - set(rows) for name, (_a, rows) in MATRIX.items()}
    assert not {name: gap for name, gap in incomplete.items() if gap}


CASES = [(name, who, method) for name in MATRIX for who in PERSONAS for method in ("get", "post")]


@pytest.mark.parametrize(("name", "who", "method"), CASES)
def test_authorization_matrix_R_ROLE_07(client, world, name, who, method):
    args_builder, expected = MATRIX[name]
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args_builder(world))
    response = getattr(client, method)(url)
    want = expected[who][0 if method == "get" else 1]
    if want == LOGIN:
        assert response.status_code == 302, (name, who, method, response.status_code)
        assert response["Location"].startswith("/konto/logg-inn/"), response["Location"]
    else:
        assert response.status_code == want, (name, who, method, response.status_code)
