"""Signals other modules listen to when the tree changes shape."""

from django.dispatch import Signal

# Sent inside the move's transaction, after the subtree's paths were rewritten.
# Arguments: organization_id, old_path, new_path.
organization_moved = Signal()
