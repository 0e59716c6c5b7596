-- The language the citizen applied in (issue 17): the form speaks six
-- languages, the PDF and the XSozial-basis message stay German for the
-- office, which needs to know in which language to answer. '' for the
-- applications submitted before.
ALTER TABLE applications ADD COLUMN lang TEXT NOT NULL DEFAULT '';
