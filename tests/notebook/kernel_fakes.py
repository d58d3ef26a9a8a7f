"""A recording comm: stands in for the kernel's iopub channel in Python-side unit tests.

ipywidgets opens its comm through ``comm.create_comm``; replacing that function gives every
widget a comm that records what would go on the wire and lets a test play the front end.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    """Keeps every published message; ``deliver_*`` plays messages from the front end."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.changed = threading.Condition()
        super().__init__(*args, **kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[bytes] | None = None,
        **keys: Any,
    ) -> None:
        with self.changed:
            self.published.append((msg_type, json.loads(json.dumps(data or {}))))
            self.changed.notify_all()

    # -- what went to the front end ------------------------------------------------------------

    def custom(self) -> list[dict[str, Any]]:
        """Contents of the custom messages sent so far."""
        with self.changed:
            return [
                d["content"]
                for t, d in self.published
                if t == "comm_msg" and d.get("method") == "custom"
            ]

    def state_updates(self, key: str) -> list[Any]:
        """Values of ``key`` sent in state updates, in order."""
        with self.changed:
            return [
                d["state"][key]
                for t, d in self.published
                if t == "comm_msg" and d.get("method") == "update" and key in d.get("state", {})
            ]

    def batches(self, channel: str = "custom") -> list[dict[str, Any]]:
        """Every batch sent through ``channel``, in order."""
        if channel == "custom":
            return [c for c in self.custom() if c.get("kind") == "batch"]
        return [v for v in self.state_updates("_py_event") if v.get("kind") == "batch"]

    def events(self, channel: str = "custom") -> list[dict[str, Any]]:
        """Every event delivered to the front end, in order, batches unpacked."""
        return [e for b in self.batches(channel) for e in json.loads(b["events"])]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` holds after a publish (or ``timeout``)."""
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    # -- playing the front end -----------------------------------------------------------------

    def from_front_end(self, data: dict[str, Any]) -> None:
        """Deliver a comm message as the front end would."""
        self.handle_msg({"content": {"comm_id": self.comm_id, "data": data}, "buffers": []})

    def custom_from_front_end(self, content: Any) -> None:
        """A ``model.send(content)`` from the front end."""
        self.from_front_end({"method": "custom", "content": content})

    def state_from_front_end(self, state: dict[str, Any]) -> None:
        """A ``model.set(...); model.save_changes()`` from the front end."""
        self.from_front_end({"method": "update", "state": state, "buffer_paths": []})
