"""Finding a child by name without decrypting anyone.

Names are normalised (transliterated to Latin letters, accents and case dropped), cut
into tokens, coded phonetically (metaphone) and into trigrams; only keyed hashes of
those are stored (ChildSearchToken, ChildNameTrigrams). A search hashes the query the
same way and compares hashes; the score never needs a plaintext name.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import jellyfish
from unidecode import unidecode

from apps.cases.models import Child, ChildNameTrigrams, ChildSearchToken
from apps.core.crypto import keyed_hash, keyed_hash32

Kind = ChildSearchToken.Kind
# Words that say nothing about who a person is (transliterated particles).
_NOISE = {"al", "el", "bin", "ben", "ibn", "de", "da", "do", "dos", "das", "van", "von", "la", "le"}
DUPLICATE_THRESHOLD = 0.6
SEARCH_THRESHOLD = 0.45


def normalise(text: str) -> str:
    latin = unidecode(text or "").lower()
    return re.sub(r"[^a-z0-9]+", " ", latin).strip()


def tokens(names: Iterable[str]) -> list[str]:
    found: list[str] = []
    for name in names:
        for token in normalise(name).split():
            if len(token) > 1 and token not in _NOISE and token not in found:
                found.append(token)
    return found


def phonetic(token: str) -> str:
    return jellyfish.metaphone(token) or token


def trigrams(names: Iterable[str]) -> set[str]:
    grams: set[str] = set()
    for token in tokens(names):
        padded = f"  {token} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


@dataclass(frozen=True)
class Fingerprint:
    names: frozenset[int]
    phonetics: frozenset[int]
    grams: frozenset[int]
    count: int

    @classmethod
    def of(cls, names: Iterable[str]) -> "Fingerprint":
        words = tokens(names)
        return cls(
            names=frozenset(keyed_hash(t, purpose=Kind.NAME) for t in words),
            phonetics=frozenset(keyed_hash(phonetic(t), purpose=Kind.PHONETIC) for t in words),
            grams=frozenset(keyed_hash32(g, purpose="trigram") for g in trigrams(names)),
            count=len(words),
        )


def child_index(*, child: Child, names: Iterable[str], birth_year: int | None) -> None:
    """Replace the child's search hashes (in the caller's transaction)."""
    names = list(names)
    words = tokens(names)
    rows = {(Kind.NAME, keyed_hash(t, purpose=Kind.NAME)) for t in words}
    rows |= {(Kind.PHONETIC, keyed_hash(phonetic(t), purpose=Kind.PHONETIC)) for t in words}
    if birth_year is not None:
        rows.add((Kind.BIRTH_YEAR, keyed_hash(str(birth_year), purpose=Kind.BIRTH_YEAR)))
    ChildSearchToken.objects.filter(child=child).delete()
    ChildSearchToken.objects.bulk_create([ChildSearchToken(child=child, kind=k, value=v) for k, v in rows])
    grams = sorted(keyed_hash32(g, purpose="trigram") for g in trigrams(names))
    ChildNameTrigrams.objects.update_or_create(child=child, defaults={"trigrams": grams})


def child_unindex(*, child: Child) -> None:
    ChildSearchToken.objects.filter(child=child).delete()
    ChildNameTrigrams.objects.filter(child=child).delete()


def _year_hashes(birth_year: int | None) -> dict[int, int]:
    if birth_year is None:
        return {}
    return {
        keyed_hash(str(y), purpose=Kind.BIRTH_YEAR): abs(y - birth_year) for y in range(birth_year - 3, birth_year + 4)
    }


def score_candidates(
    *, names: Iterable[str], birth_year: int | None, child_ids: Iterable[int] | None = None
) -> dict[int, float]:
    """child id → similarity in [0, 1] for children sharing any name hash or trigram."""
    query = Fingerprint.of(names)
    if query.count == 0:
        return {}
    tokens_qs = ChildSearchToken.objects.filter(
        kind__in=[Kind.NAME, Kind.PHONETIC], value__in=list(query.names | query.phonetics)
    )
    grams_qs = ChildNameTrigrams.objects.filter(trigrams__overlap=list(query.grams))
    if child_ids is not None:
        ids = list(child_ids)
        tokens_qs, grams_qs = tokens_qs.filter(child_id__in=ids), grams_qs.filter(child_id__in=ids)
    candidates = set(tokens_qs.values_list("child_id", flat=True)) | set(grams_qs.values_list("child_id", flat=True))
    if not candidates:
        return {}
    held: dict[int, set[int]] = defaultdict(set)
    years: dict[int, set[int]] = defaultdict(set)
    for child_id, kind, value in ChildSearchToken.objects.filter(child_id__in=candidates).values_list(
        "child_id", "kind", "value"
    ):
        (years if kind == Kind.BIRTH_YEAR else held)[child_id].add(value)
    their_grams = dict(ChildNameTrigrams.objects.filter(child_id__in=candidates).values_list("child_id", "trigrams"))
    year_distance = _year_hashes(birth_year)

    words = tokens(names)
    scores: dict[int, float] = {}
    for child_id in candidates:
        hashes = held[child_id]
        matched = sum(
            1
            for t in words
            if keyed_hash(t, purpose=Kind.NAME) in hashes or keyed_hash(phonetic(t), purpose=Kind.PHONETIC) in hashes
        )
        grams = set(their_grams.get(child_id) or [])
        overlap = len(query.grams & grams) / max(1, len(query.grams | grams))
        score = 0.75 * matched / len(words) + 0.25 * overlap
        if year_distance and years[child_id]:
            distances = [year_distance[h] for h in years[child_id] if h in year_distance]
            if distances and min(distances) <= 1:
                score = min(1.0, score + 0.1)
            else:
                score *= 0.5  # both birth years known and far apart: probably someone else
        scores[child_id] = round(score, 3)
    return scores
