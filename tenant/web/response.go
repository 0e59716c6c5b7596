package web

import "net/http"

// statusWriter records the status and the number of body bytes a handler
// writes. Unwrap lets http.ResponseController reach the underlying writer
// (Hijack, SetReadDeadline, …); Flush is implemented directly because
// streaming handlers still type-assert http.Flusher.
type statusWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		// 1xx answers other than 101 are interim; the final status follows.
		if code < 200 && code != http.StatusSwitchingProtocols {
			w.ResponseWriter.WriteHeader(code)
			return
		}
		w.status = code
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.status = http.StatusOK
		w.wroteHeader = true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if !w.wroteHeader {
		w.status = http.StatusOK
		w.wroteHeader = true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusOr returns the recorded status, or def when nothing was written.
func (w *statusWriter) statusOr(def int) int {
	if !w.wroteHeader {
		return def
	}
	return w.status
}
