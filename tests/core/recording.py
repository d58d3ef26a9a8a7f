"""A recording in-process transport: a fake, used only to unit-test core logic."""

from __future__ import annotations

import json
from typing import Any

from wry.app import PyWry
from wry.models import HtmlContent
from wry.transport import ShowOptions, Transport
from wry.widget import BaseWidget


class RecordingWidget(BaseWidget):
    """Keeps every event it is asked to deliver."""

    transport_name = "recording"

    def __init__(self, app: PyWry, label: str) -> None:
        super().__init__(app, label)
        self.sent: list[dict[str, Any]] = []
        self.displayed = 0

    def _send(self, encoded_event: str) -> None:
        self.sent.append(json.loads(encoded_event))

    def _close(self) -> None:
        pass

    def display(self) -> None:
        self.displayed += 1


class RecordingTransport(Transport):
    name = "recording"

    def __init__(self) -> None:
        self.created: list[RecordingWidget] = []
        self.shutdowns = 0

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> BaseWidget:
        widget = RecordingWidget(app, options.label)
        self.created.append(widget)
        return widget

    def shutdown(self) -> None:
        self.shutdowns += 1
