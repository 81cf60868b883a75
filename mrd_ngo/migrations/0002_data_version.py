"""The data version's change log and the trigger function that appends to it (mrd_ngo/versions.py).

The triggers themselves are installed on the apps' tables after every migrate (`install_triggers`).
"""
from django.db import migrations

CREATE = """
CREATE TABLE mrd_data_change (
    id bigserial PRIMARY KEY,
    changes bigint NOT NULL DEFAULT 1,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE FUNCTION mrd_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO mrd_data_change DEFAULT VALUES RETURNING id INTO new_id;
    -- Every thousandth change folds the older rows into one with the same count, so reading the
    -- version stays short. One folder at a time, and only under READ COMMITTED (a REPEATABLE READ
    -- transaction could fail deleting rows another folder removed).
    IF new_id % 1000 = 0 AND current_setting('transaction_isolation') = 'read committed'
       AND pg_try_advisory_xact_lock(hashtext('mrd_data_change')) THEN
        WITH folded AS (DELETE FROM mrd_data_change WHERE id < new_id RETURNING changes)
        INSERT INTO mrd_data_change (changes) SELECT sum(changes) FROM folded HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
"""
DROP = """
DROP FUNCTION IF EXISTS mrd_data_changed() CASCADE;
DROP TABLE IF EXISTS mrd_data_change;
"""


class Migration(migrations.Migration):

    dependencies = [("mrd_ngo", "0001_worker_heartbeat")]

    operations = [migrations.RunSQL(CREATE, DROP)]
