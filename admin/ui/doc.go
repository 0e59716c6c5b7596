// Package ui is the console's shell: what every page package under admin/
// stands on. Shell holds the platform's stores and access checks, parses
// the layout with the shared form parts once and adds each page package's
// pages to it (AddPages, one template set per page), renders pages with
// the navigation the person's rights open (Menu), and answers errors with
// the console's error pages. User and UserForm wrap handlers that need a
// logged-in person and, for forms, a valid form token; Form keeps input
// and messages next to their fields.
//
// ui imports no page package and no domain; the page packages embed
// *Shell.
package ui
