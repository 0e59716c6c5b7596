package jobs

import "log/slog"

// cronLogger lets robfig/cron log through slog. Its chatty Info messages
// (start, wake, run, skip) go to Debug; its errors, panics included, to Error.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, keysAndValues ...any) {
	c.l.Debug("cron: "+msg, keysAndValues...)
}

func (c cronLogger) Error(err error, msg string, keysAndValues ...any) {
	c.l.Error("cron: "+msg, append(keysAndValues, "error", err)...)
}
