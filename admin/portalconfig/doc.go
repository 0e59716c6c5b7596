// Package portalconfig serves the console page where a tenant runs its
// citizen portal: branding (colour, logo), contact and imprint data,
// responsible offices per Rechtskreis, links to online services on other
// portals (the Landesredaktion's state-wide links on the Land) and the
// sign-language videos. Its routes are in admin/routes.go.
package portalconfig
