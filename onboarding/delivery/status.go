package delivery

// Statuses of a delivery.
const (
	StatusPending  = "pending"   // waiting for the (next) attempt
	StatusSent     = "sent"      // handed over (zugestellt)
	StatusPickedUp = "picked-up" // fetched by the Fachverfahren or a clerk (abgeholt)
	StatusAccepted = "accepted"  // accepted by the Fachverfahren (angenommen)
	StatusRejected = "rejected"  // rejected by the Fachverfahren
	StatusFailed   = "failed"    // given up after the attempt limit or a permanent error
)

// Statuses lists every status in the order of a delivery's life.
func Statuses() []string {
	return []string{StatusPending, StatusSent, StatusPickedUp, StatusAccepted, StatusRejected, StatusFailed}
}

// StatusLabel is the German name of a status.
func StatusLabel(s string) string {
	switch s {
	case StatusPending:
		return "wartet auf Zustellung"
	case StatusSent:
		return "zugestellt"
	case StatusPickedUp:
		return "abgeholt"
	case StatusAccepted:
		return "angenommen"
	case StatusRejected:
		return "abgelehnt"
	case StatusFailed:
		return "fehlgeschlagen"
	}
	return s
}

// Citizen statuses reported through OnStatus.
const (
	CitizenDelivered = "zugestellt"
	CitizenPickedUp  = "abgeholt"
	CitizenAccepted  = "angenommen"
	CitizenProblem   = "problem"
)

// Retryable reports whether an admin may send a delivery in status s
// again.
func Retryable(s string) bool { return s == StatusFailed || s == StatusRejected || s == StatusPending }
