"""Signals the apps send to each other without importing each other (lower layers send)."""

from django.dispatch import Signal

# Sent after many rows of ``sender`` were written in bulk (no post_save per row), with
# ``unit_ids``: the districts whose data changed. Figures computed from those rows refresh once.
bulk_changed = Signal()
