"""Signals other packages listen to, so accounts never imports them.

`member_placed` is sent, inside the open transaction, whenever a user gets a
department for the first time or moves to another one; courses listens and
enrolls the user in what that department was assigned. `members_placed` is the
same for many users at once (a roster): sent once, with a list of
(user, previous department id) pairs, so the enrollments are made in bulk.

`roles_changed` is sent, inside the open transaction, when an account's roles change
(`old` is None for an account just created with them; `actor_id` is None when no person
did it, as for a roster); audit listens and records it in the log.
"""

from blinker import Namespace

_signals = Namespace()
member_placed = _signals.signal("member-placed")
members_placed = _signals.signal("members-placed")
roles_changed = _signals.signal("roles-changed")
