"""The seed's "Building Components That Work Everywhere" example, verbatim (import renamed).

Every transport's tests import it from here, so the example is checked as written.
"""

# ruff: noqa
# fmt: off
from wry.state_mixins import EmittingWidget

class NotificationMixin(EmittingWidget):
    def notify(self, title: str, body: str, level: str = "info"):
        self.emit("pywry:alert", {
            "message": body,
            "title": title,
            "type": level,
        })

    def confirm(self, question: str, callback_event: str):
        self.emit("pywry:alert", {
            "message": question,
            "type": "confirm",
            "callback_event": callback_event,
        })
# fmt: on
