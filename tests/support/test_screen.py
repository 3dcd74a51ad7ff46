"""The wording screen of R5: the grounds are found however a reason is worded, in en, pt, es and fr."""

from hypothesis import given
from hypothesis import strategies as st

from apps.support.rules import grounds_named, makes_conditional

COOPERATION = "SERVICES_UNCONDITIONAL.COOPERATION"
IDENTIFICATION = "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"
NATIONALITY = "SERVICES_UNCONDITIONAL.NATIONALITY"

GROUND_PHRASES = {
    COOPERATION: [
        "refuses to cooperate with the police",
        "won't co-operate with investigators",
        "is uncooperative",
        "declined to testify",
        "would not give evidence",
        "did not press charges",
        "no statement to the police",
        "não quer colaborar com a polícia",
        "recusou depor",
        "não fez queixa",
        "não quer cooperar com a investigação",
        "se niega a declarar",
        "no quiere colaborar con la policía",
        "no denunció al tratante",
        "refuse de coopérer",
        "n'a pas voulu porter plainte",
        "refuse de témoigner",
        "pas de déposition",
    ],
    IDENTIFICATION: [
        "is only a presumed victim",
        "not formally identified",
        "no conclusive grounds decision",
        "not a victim",
        "apenas presumível vítima",
        "ainda não identificada",
        "sem estatuto de vítima",
        "solo presunta víctima",
        "no ha sido identificada",
        "no reconocida como víctima",
        "seulement victime présumée",
        "pas encore identifiée",
        "sans statut de victime",
    ],
    NATIONALITY: [
        "is stateless",
        "not a national",
        "has no residence permit",
        "undocumented migrant",
        "is a foreigner",
        "sem autorização de residência",
        "é apátrida",
        "é estrangeira",
        "imigrante em situação irregular",
        "sin permiso de residencia",
        "es extranjero",
        "no tiene nacionalidad",
        "es apátrida",
        "sans titre de séjour",
        "est étrangère",
        "sans papiers",
        "est apatride",
    ],
}
MARKERS = ["only if", "desde que", "siempre que", "à condition que", "unless", "a menos que", "as long as",
           "seulement si", "depending on whether"]  # fmt: skip
SUBJECTS = ["The child", "She", "He", "A criança", "La niña", "L'enfant", "the young person"]
LEADS = ["Declined because", "Ended:", "Motivo:", "Porque", "Parce que", "", "Reason -"]


def _cased(draw_case: str, text: str) -> str:
    return {"upper": text.upper(), "lower": text.lower(), "title": text.title(), "as is": text}[draw_case]


@given(
    ground=st.sampled_from(sorted(GROUND_PHRASES)),
    data=st.data(),
    wording=st.tuples(
        st.sampled_from(LEADS),
        st.sampled_from(SUBJECTS),
        st.sampled_from(["upper", "lower", "title", "as is"]),
        st.sampled_from(["", ".", "!", " — see file", "; no other reason"]),
    ),
)
def test_a_ground_is_found_in_any_wording(ground, data, wording):
    lead, subject, case, tail = wording
    phrase = data.draw(st.sampled_from(GROUND_PHRASES[ground]))
    text = _cased(case, f"{lead} {subject} {phrase}{tail}")
    assert ground in grounds_named(text)


@given(
    ground=st.sampled_from(sorted(GROUND_PHRASES)),
    data=st.data(),
    marker=st.sampled_from(MARKERS),
)
def test_a_condition_on_a_ground_is_found_in_a_description_of_needs(ground, data, marker):
    phrase = data.draw(st.sampled_from(GROUND_PHRASES[ground]))
    text = f"Weekly counselling. Given {marker} the child {phrase}."
    assert ground in makes_conditional(text)


LEGITIMATE_REASONS = [
    "Completed: the goals were met",
    "No longer needed",
    "The child moved to Montalba",
    "No interpreter for Pular is available",
    "Migraine treated; no further appointments",
    "Training at the bakery cooperative ended",
    "No foreign-language teacher is free this term",
    "A vaga foi preenchida",
    "Queixa de dores resolvida",
    "Formação na cooperativa agrícola terminou",
    "Se trasladó a otra ciudad",
    "Plazas agotadas",
    "Fin du séjour à l'hôpital",
    "Poursuite des soins ailleurs",
    "Presumably moved on with her aunt's family",
    "Handed over to the adult mental health team",
]


def test_everyday_reasons_name_no_ground():
    assert {text: grounds_named(text) for text in LEGITIMATE_REASONS} == {text: [] for text in LEGITIMATE_REASONS}


def test_a_need_that_only_mentions_a_ground_is_not_a_condition():
    assert makes_conditional("Legal assistance for the asylum claim. The police interview is on Monday.") == []
