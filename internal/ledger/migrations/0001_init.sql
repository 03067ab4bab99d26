-- findings: one row per finding key, ever. An open finding has resolved_at NULL. A finding
-- that reappears after it was resolved is reopened: first_seen keeps the first occurrence,
-- opened_at is when the current occurrence began, occurrences counts them.
CREATE TABLE findings (
	key              TEXT PRIMARY KEY,
	check_id         TEXT NOT NULL,
	slug             TEXT NOT NULL,
	layer            TEXT NOT NULL,
	severity         INTEGER NOT NULL,
	api_version      TEXT NOT NULL,
	kind             TEXT NOT NULL,
	namespace        TEXT NOT NULL,
	name             TEXT NOT NULL,
	uid              TEXT NOT NULL,
	path             TEXT NOT NULL,
	message          TEXT NOT NULL,
	first_seen       BIGINT NOT NULL,
	opened_at        BIGINT NOT NULL,
	last_seen        BIGINT NOT NULL,
	resolved_at      BIGINT,
	manager          TEXT NOT NULL,
	resolved_manager TEXT NOT NULL,
	occurrences      INTEGER NOT NULL
);
CREATE INDEX findings_open ON findings (resolved_at, severity);
CREATE INDEX findings_namespace ON findings (namespace);
CREATE INDEX findings_check ON findings (check_id);

-- events: what changed, when, why and by whom. Times are Unix nanoseconds (UTC).
CREATE TABLE events (
	id       {{id}},
	at       BIGINT NOT NULL,
	type     TEXT NOT NULL,
	key      TEXT NOT NULL REFERENCES findings (key),
	severity INTEGER NOT NULL,
	message  TEXT NOT NULL,
	cause    TEXT NOT NULL,
	manager  TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_key_at ON events (key, at);

-- snapshots: the posture's counts at one time, for the posture-over-time chart.
CREATE TABLE snapshots (
	id       {{id}},
	at       BIGINT NOT NULL,
	total    INTEGER NOT NULL,
	critical INTEGER NOT NULL,
	high     INTEGER NOT NULL,
	medium   INTEGER NOT NULL,
	low      INTEGER NOT NULL,
	info     INTEGER NOT NULL
);
CREATE INDEX snapshots_at ON snapshots (at);

CREATE TABLE snapshot_counts (
	snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
	layer       TEXT NOT NULL,
	severity    INTEGER NOT NULL,
	findings    INTEGER NOT NULL,
	PRIMARY KEY (snapshot_id, layer, severity)
);

CREATE TABLE snapshot_coverage (
	snapshot_id  BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
	layer        TEXT NOT NULL,
	pass         INTEGER NOT NULL,
	fail         INTEGER NOT NULL,
	not_assessed INTEGER NOT NULL,
	error        INTEGER NOT NULL,
	PRIMARY KEY (snapshot_id, layer)
);
