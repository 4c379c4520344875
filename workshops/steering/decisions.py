"""What the steering group's decisions on a draft agenda amount to under the sign-off rule.

Reads only: the rule functions in ``workshops.steering.agenda`` record the decisions and agree
the agenda when ``state(workshop).met``. Only the decisions of people on the steering
group now count, each member's latest on the draft as it is (``AgendaComment.counts``).

- a majority: more than half of the steering group's members have signed off;
- every member: all of them have;
- the chair: the member the rule names has, while on the steering group;
- a set number: at least that many have (never more than the group has members).

A member who asks for changes holds up the agenda only where their sign-off is needed
(every member, or the chair); under a majority the others may still agree it.
"""

from dataclasses import dataclass, field

from collaborative.people.models import User
from workshops.models import AgendaComment, SignOffRule, Workshop

Decision = AgendaComment.Decision


@dataclass
class SignOffState:
    rule: SignOffRule
    members: list[User]
    signed_off: list[User] = field(default_factory=list)
    changes_requested: list[User] = field(default_factory=list)
    not_answered: list[User] = field(default_factory=list)
    needed: int = 0
    met: bool = False
    blocked: str = ""

    @property
    def progress(self) -> str:
        """Where the sign-off stands, in a sentence."""
        if self.blocked:
            return self.blocked
        if self.rule.rule == SignOffRule.Rule.CHAIR:
            if self.met:
                return f"The chair, {self.rule.chair}, has signed it off."
            return f"The chair, {self.rule.chair}, has not signed it off yet."
        done = len(self.signed_off)
        return (
            f"{done} of the {self.needed} sign-off{'s' if self.needed != 1 else ''} needed "
            f"{'has' if done == 1 else 'have'} been given."
        )


def needed_for(rule: SignOffRule, member_count: int) -> int:
    """How many sign-offs the rule needs from a steering group of ``member_count``."""
    if rule.rule == SignOffRule.Rule.MAJORITY:
        return member_count // 2 + 1
    if rule.rule == SignOffRule.Rule.ALL:
        return max(member_count, 1)
    if rule.rule == SignOffRule.Rule.NUMBER:
        return rule.number or 1
    return 1


def state(workshop: Workshop, rule: SignOffRule | None = None) -> SignOffState:
    """The steering group's decisions on the workshop's draft, and whether they meet the rule."""
    rule = rule or SignOffRule.current()
    members = list(User.objects.steering_group().select_related("trust").order_by("full_name"))
    decisions = {
        entry.author_id: entry.decision
        for entry in AgendaComment.objects.filter(workshop=workshop, counts=True)
    }
    result = SignOffState(rule=rule, members=members, needed=needed_for(rule, len(members)))
    for member in members:
        decision = decisions.get(member.pk)
        if decision == Decision.SIGNED_OFF:
            result.signed_off.append(member)
        elif decision == Decision.CHANGES_REQUESTED:
            result.changes_requested.append(member)
        else:
            result.not_answered.append(member)
    if rule.rule == SignOffRule.Rule.CHAIR:
        chair_id = rule.chair_id
        if chair_id is None or all(member.pk != chair_id for member in members):
            result.blocked = (
                "The rule needs the chair's sign-off, and no member of the steering group is "
                "named as chair: ask the programme operations manager to name one."
            )
        result.met = not result.blocked and any(m.pk == chair_id for m in result.signed_off)
        return result
    if result.needed > len(members):
        result.blocked = (
            f"The rule needs {result.needed} sign-offs, and the steering group has "
            f"{len(members)} member{'s' if len(members) != 1 else ''}: ask the programme "
            "operations manager to change the rule."
        )
        return result
    result.met = len(result.signed_off) >= result.needed
    return result
