"""Crossref: the HTTP session, the API client, and matching references to records."""
