-- Onboarding and rollout tracking: the catalogue of Onlinedienste and
-- Antragsstrecken (reference data from the 63. OZG-Sprechstunde, 17.09.2025),
-- the Fachverfahren matrix, checklist templates, onboarding cases with their
-- checklist items and attachments, and the Sprechstunden.
CREATE TABLE onboarding_services (
    ozg_id        TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    legal_basis   TEXT NOT NULL DEFAULT '',
    external_note TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL
);
--split
CREATE TABLE onboarding_antragsstrecken (
    key         TEXT PRIMARY KEY,
    ozg_id      TEXT NOT NULL REFERENCES onboarding_services (ozg_id),
    label       TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL
);
--split
INSERT INTO onboarding_services (ozg_id, name, legal_basis, external_note, position) VALUES
('10084', 'Grundsicherung im Alter und bei Erwerbsminderung', 'SGB XII', '', 1),
('10086', 'Hilfe zum Lebensunterhalt (HzL)', 'SGB XII', '', 2),
('10606', 'Leistungen nach Asylbewerberleistungsgesetz', 'AsylbLG', '', 3),
('10090', 'Übernahme von Mietrückständen', '§36 SGB XII, §22 Abs. 8 SGB II, §6 AsylbLG', '', 4),
('10088', 'Bedarf für Bildung und Teilhabe (BuT)', 'SGB II, SGB XII, BKGG, AsylbLG', '', 5),
('10083', 'Bescheinigung für Geringverdiener', '', '', 6),
('10726', 'Förderung der Aufnahme einer Erwerbstätigkeit', 'SGB II', '', 7),
('10628', 'Aktivierung und berufliche Eingliederung', 'SGB II', '', 8),
('10082', 'Bürgergeld', 'SGB II', 'Externer Onlinedienst der Bundesagentur für Arbeit; die Sozialplattform verlinkt ihn.', 9),
('10728', 'Soziale Entschädigung', 'SGB XIV', 'SGB XIV – Soziale Entschädigung; zuständig ist das Landesverwaltungsamt, keine kommunale Antragsstrecke.', 10);
--split
INSERT INTO onboarding_antragsstrecken (key, ozg_id, label, legal_basis, position) VALUES
('grusi', '10084', 'Grundsicherung (GruSi)', 'SGB XII', 1),
('hzl', '10086', 'Hilfe zum Lebensunterhalt 1.0', 'SGB XII', 2),
('eb-hzl', '10086', 'EB-HzL – Einmalige Bedarfe', '§31 SGB XII', 3),
('asylblg', '10606', 'AsylbLG', 'AsylbLG', 4),
('mrh', '10090', 'Mietrückstände (MRH)', '§36 Abs. 1 SGB XII bzw. §22 Abs. 8 SGB II, §6 AsylbLG', 5),
('but', '10088', 'Bildung und Teilhabe (BuT)', '§22, §28 SGB II, SGB XII, BKGG, AsylbLG', 6),
('wbs', '10083', 'Wohnberechtigungsschein (WBS)', '', 7),
('lza', '10726', 'Langzeitarbeitslose (LZA)', '§16e SGB II', 8),
('tam', '10726', 'Teilhabe Arbeitsmarkt (TAM)', '§16i SGB II', 9),
('esg', '10726', 'Einstiegsgeld (ESG)', '§16b SGB II', 10),
('frf', '10726', 'Freie Förderung (FRF)', '§16f SGB II', 11),
('ess', '10628', 'Leistungen zur Eingliederung von Selbstständigen (ESS)', '§16c SGB II', 12),
('avg', '10628', 'Aktivierungs- und Vermittlungsgutschein (AVG)', '§16 Abs. 1 SGB II i. V. m. § 45 SGB III', 13),
('vmb', '10628', 'Vermittlungsbudget (VMB)', '§16 Abs. 1 SGB II i. V. m. § 44 SGB III', 14),
('agh', '10628', 'Arbeitsgelegenheiten (AGH)', '§16d SGB II', 15),
('kel', '10628', 'Kommunale Eingliederung (KEL)', '§16a SGB II', 16),
('16h', '10628', 'Förderung schwer erreichbarer junger Menschen', '§16h SGB II', 17);
--split
CREATE TABLE onboarding_fachverfahren (
    id            TEXT PRIMARY KEY,
    product       TEXT NOT NULL,
    vendor        TEXT NOT NULL DEFAULT '',
    fit_connect   TEXT NOT NULL DEFAULT 'unknown',
    osci          TEXT NOT NULL DEFAULT 'unknown',
    xta2          TEXT NOT NULL DEFAULT 'unknown',
    xsozial_basis TEXT NOT NULL DEFAULT 'unknown',
    remarks       TEXT NOT NULL DEFAULT '',
    as_of         {{time}} NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    {{time}} NOT NULL
);
--split
CREATE TABLE onboarding_checklist_templates (
    id          TEXT PRIMARY KEY,
    variant     INTEGER NOT NULL DEFAULT 0,
    phase       TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    active      {{bool}} NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  {{time}} NOT NULL
);
--split
CREATE TABLE onboarding_cases (
    id                       TEXT PRIMARY KEY,
    tenant_id                TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    antragsstrecke           TEXT NOT NULL REFERENCES onboarding_antragsstrecken (key),
    order_id                 TEXT NOT NULL DEFAULT '',
    ordered_at               {{time}} NOT NULL,
    variant                  INTEGER NOT NULL DEFAULT 0,
    fachverfahren_id         TEXT REFERENCES onboarding_fachverfahren (id),
    transport                {{json}} NOT NULL DEFAULT '{}',
    key_expires_at           {{time}},
    planned_live_on          {{time}},
    preparation_status       TEXT NOT NULL DEFAULT 'not-started',
    preparation_started_at   {{time}},
    preparation_completed_at {{time}},
    tests_status             TEXT NOT NULL DEFAULT 'not-started',
    tests_started_at         {{time}},
    tests_completed_at       {{time}},
    production_status        TEXT NOT NULL DEFAULT 'not-started',
    production_started_at    {{time}},
    production_completed_at  {{time}},
    live_month               TEXT NOT NULL DEFAULT '',
    test_delivery_at         {{time}},
    test_delivery_ref        TEXT NOT NULL DEFAULT '',
    live_confirmed_at        {{time}},
    live_confirmed_by        TEXT NOT NULL DEFAULT '',
    last_progress_at         {{time}} NOT NULL,
    stale_reminded_at        {{time}},
    key_reminded_at          {{time}},
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               {{time}} NOT NULL,
    updated_at               {{time}} NOT NULL
);
--split
CREATE UNIQUE INDEX onboarding_cases_tenant_stream_idx ON onboarding_cases (tenant_id, antragsstrecke);
--split
-- The rollout report's grouped counts are answered from these indexes
-- without sorting; the last one covers its pass over all cases when only
-- some tenants are visible.
CREATE INDEX onboarding_cases_stream_status_idx ON onboarding_cases (antragsstrecke, preparation_status, tests_status, production_status);
--split
CREATE INDEX onboarding_cases_tenant_status_idx ON onboarding_cases (tenant_id, preparation_status, tests_status, production_status, antragsstrecke);
--split
CREATE INDEX onboarding_cases_live_month_idx ON onboarding_cases (production_status, live_month);
--split
CREATE INDEX onboarding_cases_rollout_idx ON onboarding_cases (antragsstrecke, tenant_id, preparation_status, tests_status, production_status, live_month);
--split
CREATE TABLE onboarding_case_items (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES onboarding_cases (id) ON DELETE CASCADE,
    template_id TEXT NOT NULL DEFAULT '',
    variant     INTEGER NOT NULL DEFAULT 0,
    phase       TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    done        {{bool}} NOT NULL DEFAULT FALSE,
    done_at     {{time}},
    done_by     TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  {{time}} NOT NULL
);
--split
CREATE INDEX onboarding_case_items_case_idx ON onboarding_case_items (case_id, position);
--split
CREATE TABLE onboarding_attachments (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES onboarding_cases (id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL REFERENCES onboarding_case_items (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{blob}} NOT NULL,
    uploaded_by  TEXT NOT NULL DEFAULT '',
    uploaded_at  {{time}} NOT NULL
);
--split
CREATE INDEX onboarding_attachments_item_idx ON onboarding_attachments (item_id);
--split
CREATE TABLE onboarding_consultation_rule (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    weekday          INTEGER NOT NULL,
    interval_weeks   INTEGER NOT NULL,
    start_time       TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    anchor_on        {{time}} NOT NULL,
    location         TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       {{time}} NOT NULL
);
--split
CREATE TABLE onboarding_consultations (
    id               TEXT PRIMARY KEY,
    number           INTEGER NOT NULL,
    starts_at        {{time}} NOT NULL,
    duration_minutes INTEGER NOT NULL,
    topic            TEXT NOT NULL DEFAULT '',
    generated        {{bool}} NOT NULL DEFAULT FALSE,
    cancelled        {{bool}} NOT NULL DEFAULT FALSE,
    reminded_at      {{time}},
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
--split
CREATE INDEX onboarding_consultations_starts_idx ON onboarding_consultations (starts_at);
--split
CREATE TABLE onboarding_consultation_attendance (
    consultation_id TEXT NOT NULL REFERENCES onboarding_consultations (id) ON DELETE CASCADE,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name            TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL,
    registered_by   TEXT NOT NULL DEFAULT '',
    registered_at   {{time}} NOT NULL,
    PRIMARY KEY (consultation_id, tenant_id)
);
--split
CREATE INDEX onboarding_consultation_attendance_tenant_idx ON onboarding_consultation_attendance (tenant_id);
