/* vt_network_schema.c — the shop network's PostgreSQL schema, as migrations: entry k takes
 * vitrine.schema_migrations' highest version k to k + 1, each in its own transaction. Append,
 * never edit (docs/network.md#schema). */
#include "network_internal.h"

/* 1: stores, kiosks (each with its own LOGIN role), content-addressed models, catalog versions,
 * sessions and events (partitioned by month, unique per origin database and sequence number),
 * the roles' privileges and row-level security. The ensure_partitions function is called by
 * migrate and maintain (never by a kiosk: it cannot create tables). */
static const char k_migration_1[] =
    "CREATE TABLE vitrine.stores (\n"
    "  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,48}$'),\n"
    "  created_at timestamptz NOT NULL DEFAULT now());\n"
    "CREATE TABLE vitrine.kiosks (\n"
    "  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,48}$'),\n"
    "  store text NOT NULL REFERENCES vitrine.stores(name),\n"
    "  role name NOT NULL UNIQUE,\n"
    "  added_at timestamptz NOT NULL DEFAULT now(),\n"
    "  started_at timestamptz, last_seen timestamptz, host text, version text,\n"
    "  fps real, camera text, catalog_version int, warnings text, shipped bigint, pending bigint);\n"
    "CREATE TABLE vitrine.models (\n"
    "  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),\n"
    "  size bigint NOT NULL, data bytea NOT NULL, added_at timestamptz NOT NULL DEFAULT now());\n"
    "CREATE TABLE vitrine.catalog_versions (\n"
    "  store text NOT NULL REFERENCES vitrine.stores(name),\n"
    "  version int NOT NULL CHECK (version > 0),\n"
    "  published_at timestamptz NOT NULL DEFAULT now(), published_by text, summary text,\n"
    "  catalog text NOT NULL,\n"
    "  PRIMARY KEY (store, version));\n"
    "CREATE TABLE vitrine.catalog_models (\n"
    "  store text NOT NULL, version int NOT NULL,\n"
    "  path text NOT NULL CHECK (path !~ '(^/|(^|/)\\.\\.(/|$))'),\n"
    "  sha256 text NOT NULL REFERENCES vitrine.models(sha256),\n"
    "  PRIMARY KEY (store, version, path),\n"
    "  FOREIGN KEY (store, version) REFERENCES vitrine.catalog_versions ON DELETE CASCADE);\n"
    "CREATE INDEX catalog_models_sha ON vitrine.catalog_models (sha256);\n"
    "CREATE TABLE vitrine.sessions (\n"
    "  origin uuid NOT NULL, id bigint NOT NULL,\n"
    "  kiosk text NOT NULL REFERENCES vitrine.kiosks(name), store text NOT NULL,\n"
    "  started_at timestamptz NOT NULL, stopped_at timestamptz,\n"
    "  dropped_events bigint NOT NULL DEFAULT 0, source text,\n"
    "  PRIMARY KEY (origin, id));\n"
    "CREATE TABLE vitrine.events (\n"
    "  origin uuid NOT NULL, seq bigint NOT NULL,\n"
    "  kiosk text NOT NULL, store text NOT NULL, session bigint NOT NULL,\n"
    "  ts timestamptz NOT NULL, type text NOT NULL,\n"
    "  product_id text, product_name text, marker int, price double precision, currency text,\n"
    "  dwell_seconds double precision, frame int, reason text,\n"
    "  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
    "  UNIQUE (origin, seq, ts)) PARTITION BY RANGE (ts);\n"
    "CREATE TABLE vitrine.events_default PARTITION OF vitrine.events DEFAULT;\n"
    "CREATE INDEX events_store_ts ON vitrine.events (store, ts);\n"
    "CREATE INDEX events_kiosk_ts ON vitrine.events (kiosk, ts);\n"
    /* A month's partition, made before its first event (rows already in the default partition
     * for that month are moved into it, in the same transaction). */
    "CREATE FUNCTION vitrine.ensure_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $f$\n"
    "DECLARE lo timestamptz := date_trunc('month', month)::date; hi timestamptz := (date_trunc('month', month) + interval '1 month')::date;\n"
    "        part text := 'events_' || to_char(month, 'YYYY_MM');\n"
    "BEGIN\n"
    "  IF to_regclass('vitrine.' || part) IS NOT NULL THEN RETURN false; END IF;\n"
    "  EXECUTE format('CREATE TABLE vitrine.%I (LIKE vitrine.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);\n"
    "  EXECUTE format('WITH m AS (DELETE FROM vitrine.events_default WHERE ts >= %L AND ts < %L RETURNING *) '\n"
    "                 'INSERT INTO vitrine.%I SELECT * FROM m', lo, hi, part);\n"
    "  EXECUTE format('ALTER TABLE vitrine.events ATTACH PARTITION vitrine.%I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);\n"
    "  RETURN true;\n"
    "END $f$;\n"
    /* The kiosk a login role is (NULL for any other role). */
    "CREATE FUNCTION vitrine.my_kiosk() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER\n"
    "  SET search_path = pg_catalog, vitrine AS $f$ SELECT name FROM vitrine.kiosks WHERE role = session_user $f$;\n"
    "CREATE FUNCTION vitrine.my_store() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER\n"
    "  SET search_path = pg_catalog, vitrine AS $f$ SELECT store FROM vitrine.kiosks WHERE role = session_user $f$;\n"
    "REVOKE ALL ON FUNCTION vitrine.ensure_partition(date) FROM PUBLIC;\n"
    /* Least privilege: a kiosk reads and updates its own row, inserts its own sessions and
     * events, reads its own store's catalogs and their models — nothing else. The console reads
     * everything and publishes. */
    "GRANT USAGE ON SCHEMA vitrine TO vitrine_kiosk, vitrine_console;\n"
    "GRANT SELECT ON vitrine.schema_migrations TO vitrine_kiosk, vitrine_console;\n"
    "GRANT SELECT, UPDATE (started_at, last_seen, host, version, fps, camera, catalog_version, warnings, shipped, pending)\n"
    "  ON vitrine.kiosks TO vitrine_kiosk;\n"
    "GRANT SELECT, INSERT, UPDATE (stopped_at, dropped_events) ON vitrine.sessions TO vitrine_kiosk;\n"
    "GRANT INSERT ON vitrine.events TO vitrine_kiosk;\n"
    "GRANT SELECT ON vitrine.catalog_versions, vitrine.catalog_models, vitrine.models TO vitrine_kiosk;\n"
    "GRANT SELECT ON ALL TABLES IN SCHEMA vitrine TO vitrine_console;\n"
    "GRANT INSERT ON vitrine.stores, vitrine.models, vitrine.catalog_versions, vitrine.catalog_models TO vitrine_console;\n"
    "ALTER TABLE vitrine.kiosks ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE vitrine.sessions ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE vitrine.events ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE vitrine.catalog_versions ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE vitrine.catalog_models ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE vitrine.models ENABLE ROW LEVEL SECURITY;\n"
    "CREATE POLICY kiosk_self ON vitrine.kiosks TO vitrine_kiosk USING (role = session_user) WITH CHECK (role = session_user);\n"
    "CREATE POLICY kiosk_own ON vitrine.sessions TO vitrine_kiosk\n"
    "  USING (kiosk = (SELECT vitrine.my_kiosk())) WITH CHECK (kiosk = (SELECT vitrine.my_kiosk()) AND store = (SELECT vitrine.my_store()));\n"
    "CREATE POLICY kiosk_own ON vitrine.events FOR INSERT TO vitrine_kiosk\n"
    "  WITH CHECK (kiosk = (SELECT vitrine.my_kiosk()) AND store = (SELECT vitrine.my_store()));\n"
    "CREATE POLICY kiosk_store ON vitrine.catalog_versions FOR SELECT TO vitrine_kiosk USING (store = (SELECT vitrine.my_store()));\n"
    "CREATE POLICY kiosk_store ON vitrine.catalog_models FOR SELECT TO vitrine_kiosk USING (store = (SELECT vitrine.my_store()));\n"
    "CREATE POLICY kiosk_store ON vitrine.models FOR SELECT TO vitrine_kiosk\n"
    "  USING (EXISTS (SELECT 1 FROM vitrine.catalog_models cm WHERE cm.sha256 = models.sha256 AND cm.store = (SELECT vitrine.my_store())));\n"
    "CREATE POLICY console_all ON vitrine.kiosks TO vitrine_console USING (true);\n"
    "CREATE POLICY console_all ON vitrine.sessions TO vitrine_console USING (true);\n"
    "CREATE POLICY console_all ON vitrine.events TO vitrine_console USING (true);\n"
    "CREATE POLICY console_all ON vitrine.catalog_versions TO vitrine_console USING (true) WITH CHECK (true);\n"
    "CREATE POLICY console_all ON vitrine.catalog_models TO vitrine_console USING (true) WITH CHECK (true);\n"
    "CREATE POLICY console_all ON vitrine.models TO vitrine_console USING (true) WITH CHECK (true);\n";

const vt_network_migration vt_network_migrations[] = {
    { 1, "stores, kiosks, models, catalog versions, sessions, events by month, roles and row-level security", k_migration_1 },
};
const int vt_network_nmigrations = (int)(sizeof vt_network_migrations / sizeof vt_network_migrations[0]);

/* Run before the first migration, in its transaction: the schema, its version table and the two
 * group roles (cluster-wide, so made only when missing). */
const char vt_network_bootstrap_sql[] =
    "DO $d$ BEGIN\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vitrine_kiosk') THEN CREATE ROLE vitrine_kiosk NOLOGIN; END IF;\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vitrine_console') THEN CREATE ROLE vitrine_console NOLOGIN; END IF;\n"
    "END $d$;\n"
    "CREATE SCHEMA IF NOT EXISTS vitrine;\n"
    "CREATE TABLE IF NOT EXISTS vitrine.schema_migrations (\n"
    "  version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), description text NOT NULL);\n";
