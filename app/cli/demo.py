"""`dossier demo` (what `make demo` runs); the story itself is `app/demo/`."""

from __future__ import annotations

import typer


def demo(
    keep: bool = typer.Option(False, "--keep", help="Keep the temporary state directory."),
) -> None:
    """Run the demo story on the embedded defaults, in a fresh temporary directory."""
    from app.demo.main import run

    raise typer.Exit(run(keep=keep))
