"""The support console of incidents: the admin's pages, charts and the
customer pages. Nothing here runs on an API request's path; recording (capture,
fingerprint, scrub, count, write, alert) is in the modules beside this package.
"""
