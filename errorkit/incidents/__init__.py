"""errorkit.incidents: every server error grouped into an incident that staff
inspect in the admin. Add ``"errorkit.incidents"`` to INSTALLED_APPS."""
