package i18n

import "io/fs"

// Files exposes the embedded catalogues to the portal until it loads them
// through this package.
func Files() fs.FS {
	sub, err := fs.Sub(files, "catalogue/portal")
	if err != nil {
		panic(err) // the folder is embedded; Sub fails only on a bad name
	}
	return sub
}
