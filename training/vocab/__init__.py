"""The label vocabularies, one module per language (`training.labels` uses them)."""
