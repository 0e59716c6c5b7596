// Package finder is the Sozialleistungsfinder: 15 questions grouped by life
// area, and rules that tell for each benefit whether the answers point to a
// possible claim ("Möglicherweise Anspruch"), probably none ("Wahrscheinlich
// kein Anspruch"), or whether answers are missing ("Fehlende Angaben").
//
// The rules are data, not code: rules.json (embedded, versioned) holds the
// questions, parameters with validity dates and legal references
// (Regelbedarfsstufen, Regelaltersgrenze by birth year, Kindergeld …),
// named definitions and, per benefit, criteria that are conditions over
// the answers. Conditions are evaluated in Kleene's three-valued logic:
// a missing answer is unknown, and unknown propagates (unknown AND false =
// false, unknown AND true = unknown). Numbers are intervals, so that a
// missing answer narrows a comparison only as far as it must. A benefit's
// status is the conjunction of its criteria.
//
// Texts are not part of the rules: they are message keys (TextKeys) that
// the portal's catalogues hold in every language.
package finder
