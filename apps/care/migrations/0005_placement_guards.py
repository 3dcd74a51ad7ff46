"""Care invariants the database holds whatever writes the rows — raw SQL as the application
role included, which owns none of these tables and so can neither drop nor disable the
triggers; no trigger reads a session setting.

- An urgent placement always has its urgent action, and only an urgent placement has one:
  a deferred constraint trigger, checked at commit (the service writes the placement and
  then its action in one transaction), so no urgent placement escapes its review.
- NEVER_DETAIN for the provider: a placement's care provider is never a police, immigration
  or prosecution agency, read from the agency's kind at the time of writing; and an agency
  that provides or provided care does not become one of those kinds, so no placement turns
  into custody afterwards. The kinds are those of apps.accounts.models.ENFORCEMENT_KINDS
  when this was written; tests/care/test_database.py fails if that set moves on.
"""

from django.db import migrations, models

ENFORCEMENT_KINDS_SQL = "('immigration', 'police', 'prosecution')"

URGENT_HAS_ACTION = """
CREATE FUNCTION care_urgent_placement_check(placement bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    is_urgent boolean;
    has_action boolean;
BEGIN
    SELECT p.urgent INTO is_urgent FROM care_placement AS p WHERE p.id = placement;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    has_action := EXISTS (SELECT 1 FROM care_urgentaction AS u WHERE u.placement_id = placement);
    IF is_urgent AND NOT has_action THEN
        RAISE EXCEPTION 'urgent placement % has no urgent action: it is recorded and reviewed as one', placement
            USING ERRCODE = 'check_violation';
    ELSIF has_action AND NOT is_urgent THEN
        RAISE EXCEPTION 'placement % has an urgent action and stays urgent', placement
            USING ERRCODE = 'check_violation';
    END IF;
END $$;

CREATE FUNCTION care_placement_urgent_has_action() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM care_urgent_placement_check(NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION care_urgentaction_keeps_placement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.placement_id IS NOT NULL THEN
        PERFORM care_urgent_placement_check(OLD.placement_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.placement_id IS NOT NULL THEN
        PERFORM care_urgent_placement_check(NEW.placement_id);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER care_placement_urgent_has_action
    AFTER INSERT OR UPDATE OF urgent ON care_placement DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION care_placement_urgent_has_action();
CREATE CONSTRAINT TRIGGER care_urgentaction_keeps_placement
    AFTER INSERT OR UPDATE OF placement_id OR DELETE ON care_urgentaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION care_urgentaction_keeps_placement();
"""

PROVIDER_NOT_ENFORCEMENT = """
CREATE FUNCTION care_placement_provider_not_enforcement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    provider_kind text;
BEGIN
    -- FOR SHARE: the agency's kind cannot change under this placement until it is written.
    SELECT a.kind INTO provider_kind FROM accounts_agency AS a WHERE a.id = NEW.provider_id FOR SHARE;
    IF provider_kind IN ('immigration', 'police', 'prosecution') THEN
        RAISE EXCEPTION 'NEVER_DETAIN: a child is never placed with a % agency', provider_kind
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER care_placement_provider_not_enforcement
    BEFORE INSERT OR UPDATE OF provider_id ON care_placement
    FOR EACH ROW WHEN (NEW.provider_id IS NOT NULL) EXECUTE FUNCTION care_placement_provider_not_enforcement();

CREATE FUNCTION care_agency_provider_stays_care() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM care_placement AS p WHERE p.provider_id = NEW.id) THEN
        RAISE EXCEPTION 'NEVER_DETAIN: agency % provides care to children and does not become a % agency',
            NEW.id, NEW.kind USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER care_agency_provider_stays_care
    BEFORE UPDATE OF kind ON accounts_agency
    FOR EACH ROW WHEN (NEW.kind IN ('immigration', 'police', 'prosecution') AND NEW.kind IS DISTINCT FROM OLD.kind)
    EXECUTE FUNCTION care_agency_provider_stays_care();
"""

REVERSE = """
DROP TRIGGER care_agency_provider_stays_care ON accounts_agency;
DROP FUNCTION care_agency_provider_stays_care();
DROP TRIGGER care_placement_provider_not_enforcement ON care_placement;
DROP FUNCTION care_placement_provider_not_enforcement();
DROP TRIGGER care_urgentaction_keeps_placement ON care_urgentaction;
DROP TRIGGER care_placement_urgent_has_action ON care_placement;
DROP FUNCTION care_urgentaction_keeps_placement();
DROP FUNCTION care_placement_urgent_has_action();
DROP FUNCTION care_urgent_placement_check(bigint);
"""


class Migration(migrations.Migration):
    # Apart from 0004, which fills the country: the table is altered once its rows are written.
    dependencies = [
        ("accounts", "0002_membership_team_same_agency"),
        ("care", "0004_placement_country_and_cancellation"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(country__regex="^[A-Z]{2}$"), name="care_placement_country_iso"
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | models.Q(ends_at=models.F("starts_at")),
                name="care_placement_cancelled_never_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")), name="care_placement_not_superseded_by_itself"
            ),
        ),
        migrations.RunSQL(URGENT_HAS_ACTION + PROVIDER_NOT_ENFORCEMENT, REVERSE),
    ]
