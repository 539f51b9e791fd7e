"""A user who holds two capacities on a ticket (an office member who sits in a special group, a
department handler who is also in the office) can take every action the page offers it.

1. A user holding two capacities on a ticket is refused an action the page offers it.
   services._as(user, ticket, *wanted) returns the first of `wanted` the user holds, without
   asking whether the transition of the ticket's current state accepts that capacity; the page
   (actions.offered) offers every action of any capacity the user holds. A liaison office
   member who also sits in the special group, on an escalated ticket: "assign" is offered,
   _as picks OFFICE (listed first), the table wants GROUP, refused ("is for the special
   group"). Likewise "escalate" on an assigned ticket for a lead-department handler who is
   also in the office (_as picks DEPARTMENT; the table wants OFFICE or SYSTEM).
   Fixed at the root: _as picks, among `wanted` ∩ capacities, one that
   TABLE[(ticket.state, action)].actors accepts (every service passes its action), so every
   service agrees with actions.offered. The test walks every action the page offers such a user.
"""

import pytest

from issues import actions
from issues.models import Ticket
from issues.permissions import capacities
from issues.workflow import TABLE, InvalidTransition, State
from tests.factories import UserFactory

from .test_permissions import ticket_in
from .test_permissions import world as world  # noqa: PLC0414 - the fixture

pytestmark = pytest.mark.django_db

DATA = {
    "department": None,  # filled per world
    "note": "测试",
    "confirm": True,
    "rating": 5,
    "working_days": 5,
    "decision": "yes",
    "into": "",
}


@pytest.mark.parametrize(
    ("state", "roles", "extra"),
    [
        (State.ESCALATED, ["liaison_office", "special_group"], "group"),
        (State.ASSIGNED, ["liaison_office", "department"], "lead"),
    ],
)
def test_every_action_offered_to_a_user_of_two_capacities_is_accepted(
    state, roles, extra, people, companies, world, regions
):
    ticket = ticket_in(state, people, companies, world)
    both = UserFactory(
        username="both",
        roles=roles,
        region=regions.city,
        department=world.land if extra == "lead" else None,
    )
    if extra == "group":
        world.group.members.add(both)
    ticket = Ticket.objects.select_related("enterprise__region", "category").get(pk=ticket.pk)
    held = capacities(both, ticket)
    assert len(held) == 2, held
    refused = []
    for entry in actions.offered(ticket, both):
        data = {**DATA, "department": world.land.pk}
        form = entry.build(ticket, both, data)
        if not form.is_valid():
            continue  # the data, not the capacity (covered elsewhere)
        try:
            entry.perform(actor=both, ticket=ticket, data=form.cleaned_data)
        except InvalidTransition as exc:
            accepted = TABLE[(state, entry.action)].actors
            refused.append((entry.action.value, sorted(held), sorted(accepted), str(exc)))
        ticket = Ticket.objects.select_related("enterprise__region", "category").get(pk=ticket.pk)
        if ticket.state != state:
            ticket = ticket_in(state, people, companies, world)
    assert not refused, refused
