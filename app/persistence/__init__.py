"""Models, repositories (every query lives here) and the unit of work."""
