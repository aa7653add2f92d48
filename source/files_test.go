package source

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAtMost: the stat size only sizes the buffer; the limit holds
// for a file that grew, and a file that shrank reads short.
func TestReadAtMost(t *testing.T) {
	tests := []struct {
		name            string
		content         string
		size, max       int64
		want            string
		wantErrTooLarge bool
	}{
		{name: "as stated", content: "0123456789", size: 10, max: 10, want: "0123456789"},
		{name: "grew", content: "0123456789", size: 3, max: 100, want: "0123456789"},
		{name: "grew past the limit", content: "0123456789", size: 3, max: 5, wantErrTooLarge: true},
		{name: "stated past the limit", content: "0123456789", size: 10, max: 9, wantErrTooLarge: true},
		{name: "shrank", content: "012", size: 10, max: 100, want: "012"},
		{name: "empty", content: "", size: 0, max: 100, want: ""},
	}
	for _, tt := range tests {
		for _, slow := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.content)
			if slow {
				r = iotest.OneByteReader(r)
			}
			got, err := readAtMost(r, tt.size, tt.max)
			if tt.wantErrTooLarge {
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("%s (one byte at a time: %v): err = %v, want ErrTooLarge", tt.name, slow, err)
				}
				continue
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("%s (one byte at a time: %v) = %q, %v; want %q", tt.name, slow, got, err, tt.want)
			}
		}
	}
	if _, err := readAtMost(iotest.ErrReader(errors.New("disk on fire")), 10, 100); err == nil || err.Error() != "disk on fire" {
		t.Errorf("read error = %v, want it passed through", err)
	}
}
