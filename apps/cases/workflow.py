"""The case workflow's declaration, read from the state machine, and the SQL that holds it.

The database refuses any state change the machine does not declare, through a plain
trigger (no session setting can switch it off). Its SQL is generated here; a test fails
when the trigger in the database and the machine drift apart.
"""

from apps.cases.models import Case, CaseState


def transitions() -> dict[str, tuple[list[str], str]]:
    """name → (source states, target state), from the model's declaration."""
    field = Case._meta.get_field("state")
    declared: dict[str, tuple[list[str], str]] = {}
    for t in field.get_all_transitions(Case):
        sources, target = declared.get(t.name, ([], str(t.target)))
        sources.append(str(t.source))
        declared[t.name] = (sorted(sources), target)
    return declared


def allowed_moves() -> set[tuple[str, str]]:
    return {(source, target) for sources, target in transitions().values() for source in sources}


def transition_guard_sql() -> str:
    """CREATE OR REPLACE for the function behind the trigger on cases_case."""
    pairs = ",\n            ".join(f"('{a}', '{b}')" for a, b in sorted(allowed_moves()))
    return f"""CREATE OR REPLACE FUNCTION cases_case_guard_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> '{CaseState.REGISTERED.value}' THEN
            RAISE EXCEPTION 'a case starts registered, not %', NEW.state USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.state IS DISTINCT FROM OLD.state AND (OLD.state, NEW.state) NOT IN (
            {pairs}
        ) THEN
        RAISE EXCEPTION 'the workflow has no move from % to %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;"""
