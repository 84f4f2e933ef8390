"""The referenced providers: which one a written name stands for, and the closest one if none.

[§Au près de quel organisme] The programme lists the providers by name; invoices and dossiers
spell them in many ways. A name matches a referenced provider when it spells, ignoring case,
accents, spaces, hyphens and apostrophes (`Top-Tech` is TOPTECH), either its name or one of the
aliases the programme file lists for it (its legal names, `AFNOR Certification`), possibly
followed or preceded by a legal form the file lists (`TOPTECH SAS`). A name that matches none is
refused by the rules (E09, X01), with the closest accepted name as a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from xl_idf.errors import ValueRejected
from xl_idf.values import Reading, fold, read_text

if TYPE_CHECKING:
    from xl_idf.programme import Parameters

Aliases = tuple[tuple[str, tuple[str, ...]], ...]  # (referenced provider, its other names)

# A suggestion needs three quarters of the characters in common (difflib's ratio): TOPTEK is
# close to TOPTECH (0.77), ALTEN, another firm, is not close to ALTRAN (0.73).
SUGGESTION_CUTOFF = 0.75
# A referenced name that begins the written one, or the reverse (`Cylad Consulting`, `In
# Extenso`), is suggested too, when the shorter of the two has at least this many characters.
SUGGESTION_PREFIX = 4


def name_key(text: str) -> str:
    """The key a provider's name is matched by: folded, without spaces, hyphens or apostrophes."""
    # Stricter than values.fold, which keeps words apart: `Toptech` and `Top-Tech` are one
    # provider, where invoice numbers F-1-17 and F-11-7 (keyed by fold) are two invoices.
    return fold(text).replace(" ", "")


@dataclass(frozen=True)
class _Directory:
    """Every accepted name of a programme's providers, by key."""

    providers: dict[str, str]  # key of an accepted name -> the referenced provider
    spellings: dict[str, str]  # key of an accepted name -> that name, as the file writes it
    forms: frozenset[str]  # keys of the legal forms
    form_words: int  # the most words a legal form can take: one per letter (« S.A.R.L. »)

    def bases(self, text: str) -> Iterator[str]:
        """The keys `text` may stand for: itself, then without a legal form after or before it."""
        words = fold(text).split()
        yield "".join(words)
        # Bounded by the longest legal form, so a long text costs no more than its length.
        for count in range(1, min(self.form_words, len(words) - 1) + 1):
            if "".join(words[-count:]) in self.forms:
                yield "".join(words[:-count])
            if "".join(words[:count]) in self.forms:
                yield "".join(words[count:])


@lru_cache(maxsize=64)
def _directory(providers: tuple[str, ...], aliases: Aliases, forms: tuple[str, ...]) -> _Directory:
    """The directory of a parameter snapshot; cached, as every row of a sheet asks it again."""
    names = [(name, name) for name in providers]
    names += [(alias, provider) for provider, others in aliases for alias in others]
    form_keys = frozenset(name_key(form) for form in forms)
    return _Directory(
        providers={name_key(name): provider for name, provider in names},
        spellings={name_key(name): name for name, _ in names},
        forms=form_keys - {""},
        form_words=max(map(len, form_keys), default=0),
    )


def _known(params: Parameters) -> _Directory:
    """The accepted names of the providers referenced in `params`."""
    return _directory(params.providers, params.provider_aliases, params.legal_forms)


def identify(text: str, params: Parameters) -> str | None:
    """The referenced provider `text` names (by its name or an alias, a legal form aside)."""
    return _identify(text, params.providers, params.provider_aliases, params.legal_forms)


@lru_cache(maxsize=4096)
def _identify(
    text: str, providers: tuple[str, ...], aliases: Aliases, forms: tuple[str, ...]
) -> str | None:
    """`identify`, cached: every line of a quarter names one of a few providers."""
    known = _directory(providers, aliases, forms)
    return next((known.providers[key] for key in known.bases(text) if key in known.providers), None)


def match_provider(raw: object, params: Parameters) -> str | None:
    """The referenced provider a cell names, or None (blank, unreadable or unreferenced)."""
    if isinstance(raw, str):
        # Every line of a quarter names one of a few providers, spelled a few ways: cached.
        return _match_text(raw, params.providers, params.provider_aliases, params.legal_forms)
    return _match(raw, params)


@lru_cache(maxsize=4096)
def _match_text(
    raw: str, providers: tuple[str, ...], aliases: Aliases, forms: tuple[str, ...]
) -> str | None:
    """`match_provider` of a text, for the parameters' providers."""
    try:
        text = read_text(raw).value
    except ValueRejected:
        return None
    return None if text is None else _identify(text, providers, aliases, forms)


def _match(raw: object, params: Parameters) -> str | None:
    """`match_provider` of any value."""
    try:
        text = read_text(raw).value
    except ValueRejected:
        return None
    return None if text is None else identify(text, params)


def read_provider(raw: object, params: Parameters) -> Reading[str]:
    """A provider's cell: the referenced name it spells (noted if written otherwise), else as is."""
    got = read_text(raw)
    if got.value is None:
        return got
    provider = identify(got.value, params)
    if provider is None or provider == got.value:
        # An unreferenced name is kept as written, for the rules to refuse with a suggestion.
        return got
    return Reading(provider, f"prestataire saisi « {got.value} », lu {provider}")


def closest(text: str, params: Parameters) -> str | None:
    """The accepted name closest to `text`, which matches none; None when nothing is close."""
    known = _known(params)
    keys: Sequence[str] = list(known.spellings)
    scored = []
    for base in known.bases(text):
        for key in difflib.get_close_matches(base, keys, n=1, cutoff=SUGGESTION_CUTOFF):
            scored.append((difflib.SequenceMatcher(None, base, key).ratio(), key))
    if scored:
        return known.spellings[max(scored)[1]]
    key = name_key(text)
    prefixed = [
        other
        for other in keys
        if min(len(other), len(key)) >= SUGGESTION_PREFIX
        and (key.startswith(other) or other.startswith(key))
    ]
    return known.spellings[max(prefixed, key=len)] if prefixed else None


def suggestion(text: str, params: Parameters) -> str:
    """The end of a message refusing `text`: « ; vouliez-vous dire … ? », or nothing."""
    name = closest(text, params)
    return "" if name is None else f" ; vouliez-vous dire « {name} » ?"


def conflicts(
    providers: tuple[str, ...], aliases: Aliases, forms: tuple[str, ...]
) -> Iterator[tuple[str, str]]:
    """What would make a name stand for two providers: (parameter at fault, why in French)."""
    owners: dict[str, tuple[str, str]] = {}  # key -> (the name that has it, its provider)
    for name in providers + tuple(alias for _, names in aliases for alias in names):
        if not name_key(name):
            at_fault = "providers" if name in providers else "provider_aliases"
            yield at_fault, f"nom « {name} » sans aucune lettre ni chiffre"
    for name in providers:
        first = owners.setdefault(name_key(name), (name, name))
        if first[0] != name:
            why = "ne diffèrent que par la casse, les accents, les espaces ou la ponctuation"
            yield "providers", f"« {name} » et « {first[0]} » {why}"
    for provider, names in aliases:
        if provider not in providers:
            yield "provider_aliases", f"prestataire « {provider} » absent de « providers »"
            continue
        for alias in names:
            given = owners.get(name_key(alias))
            if given is not None:
                why = f"déjà donné à « {given[1]} » (« {given[0]} »)"
                yield "provider_aliases", f"nom « {alias} » {why}"
            owners.setdefault(name_key(alias), (alias, provider))
    form_keys: set[str] = set()
    for form in forms:
        key = name_key(form)
        if not key or key in form_keys:
            yield "legal_forms", f"forme juridique « {form} » vide ou en double"
        form_keys.add(key)
    # A name followed by a legal form must not be another provider's name or alias.
    known = _directory(providers, aliases, forms)
    for name, provider in owners.values():
        for base in list(known.bases(name))[1:]:
            other = owners.get(base, (name, provider))[1]
            if other != provider:
                at_fault = "providers" if name == provider else "provider_aliases"
                why = f"mais sans sa forme juridique il désigne « {other} »"
                yield at_fault, f"« {name} » désigne « {provider} », {why}"
