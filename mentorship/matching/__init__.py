"""The matching engine: provably optimal mentor–mentee pairs, explained, for one programme.

numpy and scipy live here only (the `matching` extra); the webhook path never imports this package.
"""

from mentorship.matching.engine import match_programme, suggest_mentors
from mentorship.matching.outcome import MatchOutcome, ProposedPair

__all__ = ["MatchOutcome", "ProposedPair", "match_programme", "suggest_mentors"]
