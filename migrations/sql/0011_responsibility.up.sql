-- Who is responsible for an Antragsstrecke (issue 17). By law the Landkreis
-- or kreisfreie Stadt runs SGB XII, AsylbLG and BuT for the people of its
-- Gemeinden ("kreis"); an Antragsstrecke of level "gemeinde" is the
-- Gemeinde's own. A Landkreis may have its Gemeinden carry out an
-- Antragsstrecke in its stead (Heranziehung under the Land's implementing
-- law); onboarding_delegations records that per Landkreis, set by the
-- ministry or the Landkreis. The portal routes a Gemeinde's citizens to
-- whoever is responsible.
ALTER TABLE onboarding_antragsstrecken ADD COLUMN responsible_level TEXT NOT NULL DEFAULT 'kreis';
--split
CREATE TABLE onboarding_delegations (
    kreis_key      TEXT NOT NULL,
    antragsstrecke TEXT NOT NULL REFERENCES onboarding_antragsstrecken (key),
    created_at     {{time}} NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kreis_key, antragsstrecke)
);
