"""Dossier: receipt and invoice extraction that obeys the client-file lifecycle."""
