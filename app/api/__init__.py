"""The HTTP edge: parse, authorise, call a service, map errors."""
