"""The notebook transport for wry (registered through the ``wry`` entry-point group)."""
