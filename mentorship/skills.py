"""Skill names from HRIS free text, reduced to one canonical key before matching.

"Short-video strategy", "short video  Strategy" and a tenant's synonym "TikTok strategy" must meet
as the same skill, or matching silently misses the people it exists for. Pure Python: the webhook
path imports this module, so no numpy here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_SEPARATORS = re.compile(r"[\s\-_/.,;:·•+()\[\]{}'\"`]+")


def skill_key(name: str) -> str:
    """The comparison key of a skill name: case-folded, accents and punctuation unified.

    "&" reads as "and" so "Diversity & Inclusion" meets "diversity and inclusion".
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    return " ".join(part for part in _SEPARATORS.split(text) if part)


class SkillNormaliser:
    """Maps raw skill names to canonical keys, applying one tenant's synonyms map.

    Synonym chains ("k8s" -> "kubernetes" -> "container orchestration") are followed to their end;
    a cycle is a configuration error, reported with the offending name.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None) -> None:
        raw = {skill_key(alias): skill_key(target) for alias, target in (synonyms or {}).items()}
        resolved: dict[str, str] = {}
        for alias in raw:
            seen = [alias]
            target = raw[alias]
            while target in raw and raw[target] != target:
                if target in seen:
                    raise ValueError(f"synonyms: cycle through {alias!r}")
                seen.append(target)
                target = raw[target]
            resolved[alias] = target
        self._synonyms = {alias: target for alias, target in resolved.items() if alias != target}
        self._cache: dict[str, str] = {}

    def canonical(self, name: str) -> str:
        """The canonical key for `name` (cached: HRIS data repeats the same few spellings)."""
        found = self._cache.get(name)
        if found is None:
            key = skill_key(name)
            found = self._synonyms.get(key, key)
            self._cache[name] = found
        return found

    def skills_named_in(self, text: str, vocabulary: Mapping[str, int]) -> list[int]:
        """Ids of vocabulary skills that a free-text goal title names as whole words."""
        padded = f" {skill_key(text)} "
        named = [index for key, index in vocabulary.items() if f" {key} " in padded]
        for alias, target in self._synonyms.items():
            index = vocabulary.get(target)
            if index is not None and index not in named and f" {alias} " in padded:
                named.append(index)
        return sorted(named)
