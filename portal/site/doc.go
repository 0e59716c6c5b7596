// Package site holds what a tenant publishes on its citizen portal: its
// branding (primary colour within KERN's contrast rules, a logo), contact
// data and imprint details, the responsible offices per Rechtskreis, links
// to online services on other portals (the Landesredaktion registers
// state-wide links on the Land's tenant, a municipality its own) and the
// sign-language videos the operator publishes. It also names the
// catalogue of services the portal informs about.
//
// The portal reads it; the console changes it. Every change is audited in
// the same transaction.
package site
