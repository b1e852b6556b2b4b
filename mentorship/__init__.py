"""mentorbridge domain: canonical models, programmes, scoring, matching, training. Pure Python."""
