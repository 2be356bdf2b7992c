"""The one signal this app sends: someone completed a module or passed a quiz.

Sent after the transaction commits, with `user` and `program`. The certificates app listens
to re-check a person's completion; learning does not need to know it exists.
"""

from django.dispatch import Signal

learning_progressed = Signal()
