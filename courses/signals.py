"""Learning events, sent inside the transaction that records them.

Listeners (xAPI statements, report rollups) write in the same transaction, so
an event and what follows from it are committed together or not at all.
"""

from blinker import Namespace

_signals = Namespace()
# sender: the learner; kwargs: item (OutlineItem)
lesson_viewed = _signals.signal("lesson-viewed")
# sender: the learner; kwargs: item (OutlineItem)
lesson_read = _signals.signal("lesson-read")
# sender: the learner; kwargs: enrollment (Enrollment, completed_at stamped)
course_completed = _signals.signal("course-completed")
