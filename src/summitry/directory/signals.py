"""Signals of the directory for writes that bypass the models' own signals (bulk updates)."""

from django.dispatch import Signal

# Sent after reference data was written in bulk (sync_countries): listeners drop what they derived.
reference_data_changed = Signal()
