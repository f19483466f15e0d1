package host

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// maxLineBytes caps what is kept of one line of a plugin's output: a
// plugin that writes megabytes without a newline costs that much reading,
// not that much memory, and each Write looks at the new bytes only.
const maxLineBytes = 4 << 10

// lineLogger logs what a plugin writes to its redirected stdout or stderr,
// line by line, and keeps stderr lines for error messages.
type lineLogger struct {
	mu   sync.Mutex
	log  hclog.Logger
	tail *tailWriter
	line cappedLine
}

// Write implements io.Writer.
func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tail != nil {
		l.tail.Write(p)
	}
	l.line.feed(p, func(line string) {
		if line = strings.TrimSpace(line); line != "" {
			l.log.Info(line)
		}
	})
	return len(p), nil
}

// cappedLine gathers a line across writes, keeping its first maxLineBytes
// and counting the rest.
type cappedLine struct {
	buf     []byte
	dropped int
}

// feed adds p, calling emit with each line it completes.
func (c *cappedLine) feed(p []byte, emit func(string)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		room := maxLineBytes - len(c.buf)
		if room > len(chunk) {
			room = len(chunk)
		}
		c.buf = append(c.buf, chunk[:room]...)
		c.dropped += len(chunk) - room
		if i < 0 {
			return
		}
		emit(c.String())
		c.buf, c.dropped = c.buf[:0], 0
		p = p[i+1:]
	}
}

// String returns the line so far, saying how much of it was dropped.
func (c *cappedLine) String() string {
	if c.dropped > 0 {
		return fmt.Sprintf("%s… (%d more bytes)", c.buf, c.dropped)
	}
	return string(c.buf)
}

// len is the number of bytes gathered so far.
func (c *cappedLine) len() int { return len(c.buf) + c.dropped }

// tailWriter keeps the last lines a plugin wrote to stderr, for error
// messages. go-plugin hands it one line per Write (the line, then "\n").
type tailWriter struct {
	mu      sync.Mutex
	max     int
	partial cappedLine
	ring    []string
}

func newTailWriter(max int) *tailWriter { return &tailWriter{max: max} }

// Write implements io.Writer.
func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial.feed(p, t.push)
	return len(p), nil
}

func (t *tailWriter) push(line string) {
	line, debug := readable(strings.TrimSpace(line))
	if line == "" || debug {
		// Debug lines (go-plugin's own start-up chatter among them) are
		// logged, but would only crowd an error message.
		return
	}
	t.ring = append(t.ring, cut(line))
	if len(t.ring) > t.max {
		// Copied down rather than resliced, so the ring's array stays
		// max+1 long however many lines go through it.
		n := copy(t.ring, t.ring[len(t.ring)-t.max:])
		t.ring = t.ring[:n]
	}
}

// cut shortens a line for an error message.
func cut(line string) string {
	const maxLen = 300
	if len(line) > maxLen {
		return line[:maxLen] + "…"
	}
	return line
}

// lines returns the kept lines, oldest first.
func (t *tailWriter) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.ring...)
	if t.partial.len() > 0 {
		if line, debug := readable(strings.TrimSpace(t.partial.String())); !debug && line != "" {
			out = append(out, cut(line))
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
