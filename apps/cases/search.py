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


def name_groups(names: Iterable[str]) -> list[tuple[str, ...]]:
    """Each word of the names with the forms it may also be written in, first form first.

    A particle joins the word after it as an alternative form ("Al-Amin" is also
    "alamin", "Ben Ali" also "benali"), so the joined and the separate spellings meet.
    """
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for name in names:
        particles: list[str] = []
        for token in normalise(name).split():
            if token in _NOISE:
                particles.append(token)
                continue
            joined = ["".join(particles[i:]) + token for i in range(len(particles) - 1, -1, -1)]
            particles = []
            if len(token) > 1 and token not in seen:
                groups.append((token, *[j for j in joined if j != token]))
                seen.add(token)
    return groups


def tokens(names: Iterable[str]) -> list[str]:
    """Every form of every word, once each: what is hashed and stored."""
    found: list[str] = []
    for group in name_groups(names):
        found.extend(form for form in group if form not in found)
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
        names = list(names)
        words = tokens(names)
        return cls(
            names=frozenset(keyed_hash(t, purpose=Kind.NAME) for t in words),
            phonetics=frozenset(keyed_hash(phonetic(t), purpose=Kind.PHONETIC) for t in words),
            grams=frozenset(keyed_hash32(g, purpose="trigram") for g in trigrams(names)),
            count=len(name_groups(names)),
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
    """child id → similarity in [0, 1] for children sharing any name hash or trigram.

    Three quarters of the score is the share of the query's words found among the child's
    names (spelled alike or sounding alike), a quarter the overlap of their trigrams. A
    birth year within one of the child's adds up to 0.1, in proportion to the words found
    (a close year says nothing about a different name); years further apart halve it.
    So sharing one name of two (siblings, or the many children called Muhammad) stays
    below DUPLICATE_THRESHOLD even with the same birth year.
    """
    names = list(names)
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

    # Each word of the query, as the set of hashes any of its forms may be stored under.
    words = [
        {keyed_hash(form, purpose=Kind.NAME) for form in group}
        | {keyed_hash(phonetic(form), purpose=Kind.PHONETIC) for form in group}
        for group in name_groups(names)
    ]
    scores: dict[int, float] = {}
    for child_id in candidates:
        hashes = held[child_id]
        found = sum(1 for word in words if word & hashes) / len(words)
        grams = set(their_grams.get(child_id) or [])
        overlap = len(query.grams & grams) / max(1, len(query.grams | grams))
        score = 0.75 * found + 0.25 * overlap
        if year_distance and years[child_id]:
            distances = [year_distance[h] for h in years[child_id] if h in year_distance]
            if distances and min(distances) <= 1:
                score = min(1.0, score + 0.1 * found)
            else:
                score *= 0.5  # both birth years known and far apart: probably someone else
        scores[child_id] = round(score, 3)
    return scores


def likely_duplicates(*, names: Iterable[str], birth_year: int | None) -> dict[int, float]:
    """Children who are probably the same person: child id → score.

    One word alone (a first name, a nickname) is too common to flag anyone across agencies:
    it counts only with a birth year within one of the child's.
    """
    names = list(names)
    scores = {
        cid: s for cid, s in score_candidates(names=names, birth_year=birth_year).items() if s >= DUPLICATE_THRESHOLD
    }
    if len(name_groups(names)) >= 2 or not scores:
        return scores
    close_years = [h for h, distance in _year_hashes(birth_year).items() if distance <= 1]
    same_age = set(
        ChildSearchToken.objects.filter(child_id__in=scores, kind=Kind.BIRTH_YEAR, value__in=close_years).values_list(
            "child_id", flat=True
        )
    )
    return {cid: s for cid, s in scores.items() if cid in same_age}
