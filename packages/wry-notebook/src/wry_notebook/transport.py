"""The ``notebook`` transport: ``app.show()`` inside a Jupyter kernel returns a displayed widget."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from wry.page import page_assets
from wry.transport import ShowOptions, Transport, in_jupyter_kernel

if TYPE_CHECKING:
    from wry.app import PyWry
    from wry.models import HtmlContent
    from wry_notebook.handle import NotebookWidget

log = logging.getLogger("wry.notebook")


class NotebookTransport(Transport):
    """anywidget in the notebook's output area (JupyterLab, Notebook 7, VS Code).

    ``show()`` options beyond the common ones: ``display`` (default: only inside a kernel),
    ``channel`` (``"custom"`` messages or ``"traitlets"``) and ``batch_interval`` (seconds
    between two batches of one burst).
    """

    name = "notebook"

    def create(self, app: PyWry, content: HtmlContent, options: ShowOptions) -> NotebookWidget:
        """Build the widget and display it when running in a kernel."""
        from wry_notebook.handle import NotebookWidget  # imports anywidget: only when used

        extra = options.extra
        show_now = extra.pop("display", None)
        channel = extra.pop("channel", "custom")
        interval = float(extra.pop("batch_interval", 0.01))
        if extra:  # refused before the widget exists: nothing to close, no window:closed
            raise TypeError(f"show() got options the notebook transport does not know: {extra}")
        handle = NotebookWidget(
            app,
            options.label,
            content,
            theme=options.theme,
            height=options.height,
            assets=page_assets(),
            channel=channel,
            interval=interval,
        )
        in_kernel = in_jupyter_kernel()
        if show_now if show_now is not None else in_kernel:
            handle.display()
        elif show_now is None:  # e.g. WRY_TRANSPORT=notebook left set for a plain script
            log.warning(
                "%r: the notebook transport shows widgets in a Jupyter kernel, and this is "
                "not one: nothing shows it and its events wait. Run this in a notebook, or "
                "choose another transport (transport=... or WRY_TRANSPORT; "
                "python -m wry doctor shows the choice)",
                handle,
            )
        return handle
