package exporter

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeInline makes source text safe as one line of Markdown for both
// CommonMark and Python-Markdown (MkDocs, TechDocs): whitespace runs,
// newlines included, become one space; control characters are dropped;
// & < > become entities, so no HTML, comment or autolink survives;
// characters that start inline syntax are backslash-escaped, and those a
// TechDocs extension reads (~ ^ == and :emoji:) become numeric entities;
// a block marker at the start (#, -, +, *, "1.", "1)", =, ":") is escaped
// so the text cannot open a heading, list, quote or rule. Rendered, the
// result reads exactly like the source text.
func escapeInline(s string) string {
	t := oneLine(s)
	return string(appendEscaped(make([]byte, 0, len(t)+len(t)/8), t))
}

// writeInline writes prefix, escapeInline(s) and suffix to b, or nothing
// when the escaped text is empty; it reports whether it wrote.
func writeInline(b *bytes.Buffer, prefix, s, suffix string) bool {
	t := oneLine(s)
	if t == "" {
		return false
	}
	b.WriteString(prefix)
	b.Write(appendEscaped(b.AvailableBuffer(), t))
	b.WriteString(suffix)
	return true
}

// appendEscaped appends escapeInline's escaping of s, which oneLine has
// already cleaned, to dst.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		// Copy the run of bytes that never need escaping in one go.
		j := i
		for j < len(s) && !markdownSpecial[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		switch c {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '\\', '`', '*', '_', '[', ']', '{', '}', '|':
			dst = append(dst, '\\', c)
		case '~':
			dst = append(dst, "&#126;"...)
		case '^':
			dst = append(dst, "&#94;"...)
		case '=':
			if i == 0 || (i+1 < len(s) && s[i+1] == '=') || (i > 0 && s[i-1] == '=') {
				dst = append(dst, "&#61;"...)
			} else {
				dst = append(dst, c)
			}
		case ':':
			if i == 0 || (i+1 < len(s) && isShortcodeChar(s[i+1])) {
				dst = append(dst, "&#58;"...)
			} else {
				dst = append(dst, c)
			}
		case '#', '+', '-', '!':
			if i == 0 {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		case '.', ')':
			if i > 0 && allDigits(s[:i]) {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// markdownSpecial marks the bytes appendEscaped may change.
var markdownSpecial = func() (t [256]bool) {
	for _, c := range []byte("&<>\\`*_[]{}|~^=:#+-!.)") {
		t[c] = true
	}
	return t
}()

// escapeHTML encodes & < > and quotes: for text that MkDocs puts into HTML
// unescaped (site_name, site_description), kept on one line.
func escapeHTML(s string) string {
	return htmlReplacer.Replace(oneLine(s))
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;")

// oneLine collapses whitespace runs (newlines included) to one space, trims
// the ends and drops control characters and invalid UTF-8.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return collapseLine(s)
}

// collapseLine is oneLine without the fast path: the definition.
func collapseLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isOneLine reports whether oneLine(s) == s: no whitespace but single
// inner spaces, no control, zero-width or U+FFFD character, valid UTF-8.
func isOneLine(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r <= 0xff && (unicode.IsSpace(r) || unicode.IsControl(r)) || r > 0xff && isWideSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// isWideSpace is unicode.IsSpace above U+00FF (no control characters
// live there), plus the zero-width space and the BOM that oneLine drops.
func isWideSpace(r rune) bool {
	switch r {
	case '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\u200b', '\ufeff':
		return true
	}
	return '\u2000' <= r && r <= '\u200a'
}

func isShortcodeChar(c byte) bool {
	return c == '+' || c == '-' || c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// safeURL returns u as a link target when it is an absolute http(s) URL,
// with the characters that could end a Markdown link target encoded; ok is
// false for any other scheme (javascript:, data:, relative paths).
func safeURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return "", false
	}
	s := p.String()
	return urlReplacer.Replace(s), true
}

var urlReplacer = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", " ", "%20", `"`, "%22", "'", "%27", "\\", "%5C", "`", "%60")

// mdLink renders a Markdown link to u, or the escaped text alone when u is
// not a safe URL.
func mdLink(text, u string) string {
	t := escapeInline(text)
	if su, ok := safeURL(u); ok && t != "" {
		return "[" + t + "](" + su + ")"
	}
	return t
}
