"""Skill names from HRIS free text meet as one skill whatever their spelling."""

from __future__ import annotations

import pytest

from mentorship.skills import SkillNormaliser, skill_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Short-video strategy", "short video strategy"),
        ("  short_video   STRATEGY ", "short video strategy"),
        ("Diversity & Inclusion", "diversity and inclusion"),
        ("UX/UI research.", "ux ui research"),
        ("Ｐｙｔｈｏｎ", "python"),
    ],
)
def test_skill_key_unifies_case_punctuation_and_width(raw: str, key: str) -> None:
    assert skill_key(raw) == key


def test_tenant_synonyms_map_aliases_to_one_canonical_skill() -> None:
    normaliser = SkillNormaliser({"TikTok strategy": "Short-video strategy", "k8s": "Kubernetes"})
    assert normaliser.canonical("tiktok-strategy") == normaliser.canonical("Short video strategy")
    assert normaliser.canonical("K8S") == "kubernetes"
    assert normaliser.canonical("Python") == "python"


def test_synonym_chains_are_followed_to_their_end() -> None:
    normaliser = SkillNormaliser({"k8s": "kubernetes", "kubernetes": "container orchestration"})
    assert normaliser.canonical("k8s") == "container orchestration"


def test_a_synonym_cycle_is_a_configuration_error_naming_the_alias() -> None:
    with pytest.raises(ValueError, match="cycle"):
        SkillNormaliser({"a": "b", "b": "a"})


def test_goal_titles_name_skills_as_whole_words_including_synonyms() -> None:
    normaliser = SkillNormaliser({"TikTok": "Short-video strategy"})
    vocabulary = {"short video strategy": 0, "sql": 1, "python": 2}
    assert normaliser.skills_named_in("Grow in Short-Video Strategy and SQL", vocabulary) == [0, 1]
    assert normaliser.skills_named_in("Launch our TikTok channel", vocabulary) == [0]
    assert normaliser.skills_named_in("Learn pythonic idioms", vocabulary) == []
