package host

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// lineLogger logs what a plugin writes to its redirected stdout or stderr,
// line by line, and keeps stderr lines for error messages.
type lineLogger struct {
	mu      sync.Mutex
	log     hclog.Logger
	tail    *tailWriter
	partial []byte
}

// Write implements io.Writer.
func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tail != nil {
		l.tail.Write(p)
	}
	l.partial = append(l.partial, p...)
	for {
		i := strings.IndexByte(string(l.partial), '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(l.partial[:i])); line != "" {
			l.log.Info(line)
		}
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

// tailWriter keeps the last lines a plugin wrote to stderr, for error
// messages. go-plugin hands it one line per Write (the line, then "\n").
type tailWriter struct {
	mu      sync.Mutex
	max     int
	partial strings.Builder
	ring    []string
}

func newTailWriter(max int) *tailWriter { return &tailWriter{max: max} }

// Write implements io.Writer.
func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(p)
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			t.partial.WriteString(s)
			break
		}
		t.partial.WriteString(s[:i])
		t.push(t.partial.String())
		t.partial.Reset()
		s = s[i+1:]
	}
	return len(p), nil
}

func (t *tailWriter) push(line string) {
	line, debug := readable(strings.TrimSpace(line))
	if line == "" || debug {
		// Debug lines (go-plugin's own start-up chatter among them) are
		// logged, but would only crowd an error message.
		return
	}
	const maxLen = 300
	if len(line) > maxLen {
		line = line[:maxLen] + "…"
	}
	t.ring = append(t.ring, line)
	if len(t.ring) > t.max {
		t.ring = t.ring[len(t.ring)-t.max:]
	}
}

// lines returns the kept lines, oldest first.
func (t *tailWriter) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.ring...)
	if t.partial.Len() > 0 {
		if line, debug := readable(t.partial.String()); !debug {
			out = append(out, line)
		}
	}
	return out
}

// readable turns an hclog JSON line into "level: message k=v" and says
// whether it is at debug or trace level; other lines stay as they are.
func readable(line string) (string, bool) {
	if !strings.HasPrefix(line, "{") {
		return line, false
	}
	var m map[string]any
	if json.Unmarshal([]byte(line), &m) != nil {
		return line, false
	}
	msg, ok := m["@message"].(string)
	if !ok {
		return line, false
	}
	var b strings.Builder
	lvl, _ := m["@level"].(string)
	if lvl != "" {
		b.WriteString(lvl + ": ")
	}
	b.WriteString(msg)
	for k, v := range m {
		if !strings.HasPrefix(k, "@") {
			fmt.Fprintf(&b, " %s=%v", k, v)
		}
	}
	return b.String(), lvl == "debug" || lvl == "trace"
}
