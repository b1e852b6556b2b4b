"""Baselines and checks that share no code with the engine's enumeration, rules, scoring or solver.

They read the same inputs (pools and skill arrays from `mentorship.matching.cohort`) and the
programme's weights, and recompute everything else from the definitions.
"""
