package i18n

import "sozialplattform/tenant/fault"

// Codes of field errors the domains share; each has its text under
// "field."+code in every language (catalogue/field).
const (
	CodeMaxLength    = "maxLength"    // {max}: the most characters allowed
	CodeControlChars = "controlChars" // a text holds control characters
	CodePostcode     = "postcode"     // not five digits
)

// Coded is a field error with its code and parameters; its German message
// is the catalogue's, so that a domain names a problem without writing
// prose and every surface says it in its own language.
func Coded(field, code string, params map[string]any) fault.FieldError {
	t := Default().German().Field(fault.FieldError{Code: code, Params: params})
	return fault.FieldError{Field: field, Code: code, Params: params, Message: t.Value}
}

// FieldCoded is an error with one coded problem.
func FieldCoded(field, code string, params map[string]any) error {
	return fault.FieldErrors{Coded(field, code, params)}
}
