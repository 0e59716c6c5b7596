-- Secrets in the open (issue 13): every mail records whom it is for, and a
-- copy of its text with the secret links masked. Staff never see mails to
-- citizens; the links of staff mails show only where they may.
ALTER TABLE mail_messages ADD COLUMN audience TEXT NOT NULL DEFAULT 'staff';
--split
ALTER TABLE mail_messages ADD COLUMN masked_text TEXT NOT NULL DEFAULT '';
--split
UPDATE mail_messages SET audience = 'citizen' WHERE template IN (
    'servicekonto-passwort', 'servicekonto-vorhanden', 'servicekonto-bestaetigen',
    'appointment-confirmation', 'appointment-reminder', 'appointment-cancelled-citizen', 'appointment-cancelled-centre',
    'antrag-entwurf-erinnerung', 'antrag-eingang', 'antrag-problem');
--split
-- Mails stored before: those whose template carries no secret keep their
-- text as the masked copy; the others stay without one (nothing shows).
UPDATE mail_messages SET masked_text = text_body
WHERE audience = 'staff' AND template NOT IN ('invitation', 'password-reset', 'marktplatz-registrierung-bestaetigen');
--split
CREATE INDEX mail_messages_audience_idx ON mail_messages (audience, template, status);
