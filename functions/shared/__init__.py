"""Glue shared by the handlers: lazy dependencies and the one mapping of domain errors to HTTP."""
