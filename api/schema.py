def public_endpoints_only(endpoints, **kwargs):
    """The published schema is our versioned API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
