"""The iframe transport for wry (registered through the ``wry`` entry-point group)."""
