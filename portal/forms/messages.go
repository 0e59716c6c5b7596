package forms

import (
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/phone"
)

// msgKey names a validation message.
type msgKey string

// The validation messages.
const (
	msgRequired      msgKey = "required"
	msgSoftRequired  msgKey = "softRequired"
	msgTooLong       msgKey = "tooLong"
	msgChoice        msgKey = "choice"
	msgExclusive     msgKey = "exclusive"
	msgDate          msgKey = "date"
	msgDateFuture    msgKey = "dateFuture"
	msgBirthDate     msgKey = "birthDate"
	msgMoney         msgKey = "money"
	msgMoneyNegative msgKey = "moneyNegative"
	msgMoneyMax      msgKey = "moneyMax"
	msgMoneyMin      msgKey = "moneyMin"
	msgInteger       msgKey = "integer"
	msgIntegerRange  msgKey = "integerRange"
	msgIBAN          msgKey = "iban"
	msgIBANChecksum  msgKey = "ibanChecksum"
	msgEmail         msgKey = "email"
	msgPhone         msgKey = phone.Code
	msgPostcode      msgKey = "postcode"
	msgRowsMin       msgKey = "rowsMin" // a plural: "mindestens einen Eintrag", "mindestens 2 Einträge"
	msgRowsMax       msgKey = "rowsMax"
	msgFilesMax      msgKey = "filesMax"
	msgDeclaration   msgKey = "declaration"
	// Names of the persons the "persons" option set offers.
	msgApplicant msgKey = "applicant"
	msgPersonN   msgKey = "personN"
)

// message returns one of the engine's texts – a validation message or the
// name of a person in the "persons" option set – in lang (German when the
// language is not one of the portal's), with {0}, {1} replaced by args.
// The texts are in tenant/i18n: "field."+key (shared with the domains'
// field error codes) and "form.person.*"; a plural (rowsMin) takes its
// count as the first argument.
func message(lang string, key msgKey, args ...any) string {
	c := i18n.Default().Catalogue(lang)
	k := messageKey(key)
	if n, ok := firstInt(args); ok && c.IsPlural(k) {
		return c.Plural(k, n, args[1:]...)
	}
	return c.Tf(k, args...)
}

// messageKey is the catalogue key of an engine text.
func messageKey(key msgKey) string {
	switch key {
	case msgApplicant:
		return "form.person.applicant"
	case msgPersonN:
		return "form.person.n"
	}
	return i18n.FieldPrefix + string(key)
}

func firstInt(args []any) (int, bool) {
	if len(args) == 0 {
		return 0, false
	}
	n, ok := args[0].(int)
	return n, ok
}

// Upload messages.
const (
	msgUploadTooLarge msgKey = "uploadTooLarge"
	msgUploadType     msgKey = "uploadType"
	msgUploadEmpty    msgKey = "uploadEmpty"
	msgUploadTotal    msgKey = "uploadTotal"

	msgUploadDamagedPDF   msgKey = "uploadDamagedPDF"
	msgUploadNoPages      msgKey = "uploadNoPages"
	msgUploadPassword     msgKey = "uploadPassword"
	msgUploadDamagedImage msgKey = "uploadDamagedImage"
	msgUploadPixels       msgKey = "uploadPixels"
)
