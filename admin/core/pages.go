package core

import (
	"context"
	"embed"

	"sozialplattform/admin/ui"
)

// Pages serves the platform core's console pages. It embeds the shell for
// rendering, access checks and error pages; its routes are in
// admin/routes.go.
type Pages struct {
	*ui.Shell
	// StreamLabels names the Antragsstrecken in the audit log's sentences
	// (onboarding's catalogue); nil shows their keys. Set it once at
	// start, before serving.
	StreamLabels func(ctx context.Context) (map[string]string, error)
}

//go:embed templates
var templateFS embed.FS

// New returns the core's pages and adds their templates (templates/pages,
// page names without prefix) to the shell's set. Call it once at start,
// before serving.
func New(s *ui.Shell) (*Pages, error) {
	if err := s.AddPages(templateFS, nil, nil, "templates/pages/*.html", ""); err != nil {
		return nil, err
	}
	return &Pages{Shell: s}, nil
}
