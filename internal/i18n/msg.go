package i18n

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/setad/setad/internal/persian"
)

// Msg is a message key with its named arguments, one value from the code that decides what to say to the
// page that says it. It keeps the raw arguments, not their text, so that a form, a previewed import kept
// in the database or a file renders it in its reader's language. The zero Msg is no message.
type Msg struct {
	Key  string `json:"key"`
	Args []Arg  `json:"args,omitempty"`
}

// M returns the message key with args, each filling the catalogue's placeholder of its name.
func M(key string, args ...Arg) Msg { return Msg{Key: key, Args: args} }

// IsZero reports whether m is no message.
func (m Msg) IsZero() bool { return m.Key == "" }

// Text renders m in the request's language.
func (m Msg) Text(ctx context.Context) string { return m.In(From(ctx)) }

// In renders m in lang.
func (m Msg) In(lang Lang) string { return Message(lang, m.Key, m.Args...) }

// Arg is one named argument of a message. Build it with ArgText, ArgNum, ArgDay, ArgKey or ArgName: its
// kind says how the value is written in each language.
type Arg struct {
	Name  string `json:"name"`
	Kind  string `json:"kind,omitempty"`
	Value string `json:"value"`
	En    string `json:"en,omitempty"` // the English form of a name whose Value is Persian
}

// The kinds of argument; text is shown as it is.
const (
	kindText = ""
	kindNum  = "num"
	kindDay  = "day"
	kindKey  = "key"
	kindName = "name"
	kindUser = "user"
)

// ArgText is a text shown as it is, such as a person's name or a file name.
func ArgText(name, s string) Arg { return Arg{Name: name, Value: s} }

// ArgUser is a text someone typed (a name, a note), set apart from the sentence around it with Unicode's
// first-strong isolate, so that a Persian name in an English sentence, or a Latin one in a Persian
// sentence, does not reorder the words and numbers beside it.
func ArgUser(name, s string) Arg { return Arg{Name: name, Kind: kindUser, Value: s} }

// ArgNum is an integer, written with the reader's digits and thousands separator.
func ArgNum(name string, n int) Arg { return Arg{Name: name, Kind: kindNum, Value: strconv.Itoa(n)} }

// ArgDay is a calendar date (its year, month and day, whatever its zone), written in the reader's
// calendar as Day writes it.
func ArgDay(name string, d time.Time) Arg {
	return Arg{Name: name, Kind: kindDay, Value: d.Format(time.DateOnly)}
}

// ArgKey is another message, without arguments, such as an education level or an office.
func ArgKey(name, key string) Arg { return Arg{Name: name, Kind: kindKey, Value: key} }

// ArgName is a name kept in both languages, such as a county's.
func ArgName(name, fa, en string) Arg { return Arg{Name: name, Kind: kindName, Value: fa, En: en} }

// in writes the argument's value in lang. A value that does not read as its kind is shown as it is.
func (a Arg) in(lang Lang) string {
	switch a.Kind {
	case kindNum:
		if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil {
			return persian.FormatInt(n, lang == Fa)
		}
	case kindDay:
		if d, err := time.Parse(time.DateOnly, a.Value); err == nil {
			return dayIn(lang, d)
		}
	case kindKey:
		return Message(lang, a.Value)
	case kindUser:
		return "\u2068" + a.Value + "\u2069"
	case kindName:
		if lang == En && a.En != "" {
			return a.En
		}
	}
	return a.Value
}

// pluralForm is which form of a plural choice goes with the argument: 0 for CLDR's "one", 1 for "other".
// English says "1 board" and "0 boards"; Persian, whose texts put the singular after every number, counts 0
// and 1 as "one". An argument that is not a number takes "other".
func (a Arg) pluralForm(lang Lang) int {
	n, err := strconv.ParseInt(a.Value, 10, 64)
	if a.Kind != kindNum || err != nil {
		return 1
	}
	if n == 1 || lang == Fa && n == 0 {
		return 0
	}
	return 1
}

// Placeholders returns the names of the placeholders of key's Persian text, in order, or nil for an
// unknown key.
func Placeholders(key string) []string { return placeholders(fa[key]) }

func placeholders(msg string) []string {
	var names []string
	for {
		p, _, after, ok := nextPlaceholder(msg)
		if !ok {
			return names
		}
		names = append(names, p.name)
		msg = after
	}
}

// placeholder is one {name}, or one plural choice {name|one|other} with its two forms.
type placeholder struct {
	name  string
	forms []string
}

// nextPlaceholder finds the first placeholder of msg: a brace, a lower-case name of letters, digits and
// underscores, optionally a plural choice (a bar, the form for one, a bar, the form for other, neither
// holding a brace or a bar), and a brace. Any other brace is text.
func nextPlaceholder(msg string) (p placeholder, before, after string, ok bool) {
	for from := 0; ; {
		i := strings.IndexByte(msg[from:], '{')
		if i < 0 {
			return placeholder{}, "", "", false
		}
		i += from
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			return placeholder{}, "", "", false
		}
		j += i
		inner := msg[i+1 : j]
		name, choice, plural := strings.Cut(inner, "|")
		if validName(name) {
			if !plural {
				return placeholder{name: name}, msg[:i], msg[j+1:], true
			}
			if one, other, ok := strings.Cut(choice, "|"); ok && !strings.ContainsAny(one+other, "{|") {
				return placeholder{name: name, forms: []string{one, other}}, msg[:i], msg[j+1:], true
			}
		}
		from = i + 1
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
