package framework

import "strings"

// OneLine folds a message onto one line: every run of white space,
// newlines included, becomes one space, and the ends are trimmed. Errors
// shown to a user or kept in a record go through it, so one failure is
// one line of a log or a table.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
