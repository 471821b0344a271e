"""Who may see and do what: the one access policy every page, export and API call asks.

Roles (accounts.models.ROLES) say what kind of work a person does; heading a department
(Department.head) lets its head read the figures and learners of the subtree they lead.
Routes ask through accounts.access (`requires(policy.may_author)`), templates through the
`policy` template global, services by calling these functions. No request objects here.

"Who may see this learner" is `may_see_learner`; "which departments may this viewer's
reports cover" is `scope_for` (with a department tree at hand) or
`headed_department_ids` (a head's share, without one).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from accounts.tree import Tree, department_tree

NO_DEPARTMENT = 0  # a learner without a department: only whoever sees everything sees them

TEACHING = ("trainer", "admin")
HR = ("hr", "admin")
STAFF = ("trainer", "hr", "admin")


# --- what a role lets one do ------------------------------------------------------------


def may_author(user: User) -> bool:
    """Write courses, lessons, quizzes, briefings and contests: trainers and admins."""
    return user.has_role(*TEACHING)


def may_tutor(user: User) -> bool:
    """Answer learners' work (grade essays, grant quiz overrides, answer lesson
    questions): trainers and admins."""
    return user.has_role(*TEACHING)


def may_see_answers(user: User) -> bool:
    """Item analysis and each learner's individual answers: trainers and admins."""
    return user.has_role(*TEACHING)


def is_hr_staff(user: User) -> bool:
    """HR's own tools (reminders, survey cycles, rollout figures): HR and admins."""
    return user.has_role(*HR)


def is_staff(user: User) -> bool:
    """Staff pages every trainer, HR person and admin opens (the policy rollout)."""
    return user.has_role(*STAFF)


def may_administer(user: User) -> bool:
    """The audit log, outbox, API tokens and school settings: admins."""
    return user.has_role("admin")


def may_be_changed_by_api(account: User) -> bool:
    """Whether an API token may change this account: never an admin's, so that a leaked
    roster token cannot lock the administrators out or take their role."""
    return not may_administer(account)


def may_read_reports(user: User) -> bool:
    """The HR reports: HR and admins everywhere, department heads for their subtree.

    `heads_a_department` is loaded with the signed-in user (accounts.service.load_user),
    so asking this for the header costs no query.
    """
    return is_hr_staff(user) or bool(user.heads_a_department)


def sees_every_department(user: User, *, trainers: bool = False) -> bool:
    """HR and admins see every department; trainers too where `trainers` (the teaching
    views: concept mastery, briefing rates, anyone's course progress)."""
    return is_hr_staff(user) or (trainers and user.has_role("trainer"))


# --- which departments and learners ---------------------------------------------------


def headed_department_ids(user: User) -> frozenset[int]:
    """The departments the user heads and every department below them (empty if none)."""
    if not user.heads_a_department:
        return frozenset()
    tree = department_tree()
    return frozenset(i for root in _headed_roots(user, tree) for i in tree.subtree(root))


def _headed_roots(user: User, tree: Tree) -> tuple[int, ...]:
    """The departments the user heads that no other one they head is above, by name."""
    headed = {n.id for n in tree.nodes.values() if n.head_id == user.id}
    return tuple(d for d in sorted(headed, key=lambda i: tree.nodes[i].name)
                 if not headed.intersection(tree.ancestors(d)))


def may_see_learner(viewer: User, learner: User, *, trainers: bool = False) -> bool:
    """Who may see this learner (their progress, certificates, report): the learner
    themself; HR and admins; the head of any department above or at the learner's; and,
    where `trainers`, every trainer."""
    if viewer.id == learner.id or sees_every_department(viewer, trainers=trainers):
        return True
    return (learner.department_id or NO_DEPARTMENT) in headed_department_ids(viewer)


@dataclass(frozen=True)
class Scope:
    """What a viewer's reports cover: every department (HR, admin) or the subtrees they head."""

    everything: bool
    roots: tuple[int, ...]
    allowed: frozenset[int]
    unmasked: bool  # admins see small groups' figures: they may see every answer anyway
    sees_answers: bool  # trainers and admins

    def can_see(self, department_id: int | None) -> bool:
        return self.everything or (department_id or NO_DEPARTMENT) in self.allowed


def scope_for(user: User, tree: Tree, *, trainers: bool = False) -> Scope | None:
    """None when the user may not open HR reports (trainers only where `trainers`)."""
    answers = may_see_answers(user)
    if sees_every_department(user, trainers=trainers):
        return Scope(True, tuple(tree.roots), frozenset(), may_administer(user), answers)
    roots = _headed_roots(user, tree)
    if not roots:
        return None
    allowed = frozenset(i for root in roots for i in tree.subtree(root))
    return Scope(False, roots, allowed, False, answers)

