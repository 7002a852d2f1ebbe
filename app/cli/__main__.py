"""`python -m app.cli`: the `dossier` command."""

from app.cli import main

main()
