"""Training and evaluation data for the learned field reader; not part of the wheel."""
