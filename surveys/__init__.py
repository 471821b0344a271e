"""Internal-customer service: department pledges, satisfaction cycles, anonymous answers."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the tables, the blueprint, the `surveys` commands and the home-page task."""
    from surveys import models  # noqa: F401  (tables must be known before queries)
