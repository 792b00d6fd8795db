"""Relevance: which of a claim's linked studies test it (see `rules`)."""

from tracker.relevance.rules import Reason, Relevance, assess

__all__ = ["Reason", "Relevance", "assess"]
