"""Quiz events, sent inside the transaction that records them (see courses/signals.py)."""

from blinker import Namespace

_signals = Namespace()
# sender: the Attempt, just created
attempt_started = _signals.signal("attempt-started")
# sender: the Attempt, finished (submitted or closed at its deadline); it may still be pending
attempt_finished = _signals.signal("attempt-finished")
# sender: the Attempt, once its score is final (at finish, or when the last essay is graded)
attempt_graded = _signals.signal("attempt-graded")
