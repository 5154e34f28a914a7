package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keyArg is where the message key sits among the arguments of each message function; the arguments
// follow it.
var keyArg = map[string]int{"M": 0, "T": 1, "Message": 1}

// messageCall is one call of a message function found in the source.
type messageCall struct {
	pos      string
	keys     []string // the key, or every catalogue key its literal prefix and suffix allow
	pattern  string   // the key as written, for the report
	args     []string // the names passed, in order
	argKinds []string // the Arg constructor of each
}

// TestEveryCallerMatchesItsMessage reads every call of M, T and Message in the module's Go source and
// generated templates (go/parser, no type checker) and holds it to the catalogues: its key exists in both
// languages, the names it passes are exactly the placeholders of the fa and the en text, and the text
// rendered with sample values of those kinds holds no fmt debris, no left-over brace and is not empty. A
// key built at run time from a literal prefix ("elig."+code) is held to every catalogue key with that
// prefix. Arguments are Arg constructors with a literal name written in the call, and a message with
// arguments has a literal key, so that nothing escapes the check.
func TestEveryCallerMatchesItsMessage(t *testing.T) {
	calls, problems := findMessageCalls(t, "../..")
	for _, p := range problems {
		t.Error(p)
	}
	if len(calls) < 300 {
		t.Fatalf("found only %d message calls: the scan is broken", len(calls))
	}
	withArgs := 0
	reached := map[string]bool{}
	for _, c := range calls {
		if len(c.args) > 0 {
			withArgs++
		}
		if c.keys == nil {
			continue // a key chosen at run time, without arguments
		}
		if len(c.keys) == 0 {
			t.Errorf("%s: no catalogue key matches %s", c.pos, c.pattern)
		}
		for _, key := range c.keys {
			reached[key] = true
			for _, p := range callProblems(c, key) {
				t.Error(p)
			}
		}
	}
	if withArgs < 50 {
		t.Fatalf("found only %d message calls with arguments: the scan is broken", withArgs)
	}
	// A key with placeholders must be reached by a call the test can check, or nothing proves that its
	// placeholders are filled.
	for key, msg := range fa {
		if len(placeholders(msg)) > 0 && !reached[key] {
			t.Errorf("%q takes arguments but no call with a literal key uses it", key)
		}
	}
}

// callProblems holds one call to one key it may mean.
func callProblems(c messageCall, key string) []string {
	var problems []string
	passed := nameSet(c.args)
	for _, lang := range []Lang{Fa, En} {
		text, ok := catalogues[lang][key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s lacks %q", c.pos, lang, key))
			continue
		}
		want := nameSet(placeholders(text))
		if !maps.Equal(passed, want) {
			problems = append(problems, fmt.Sprintf("%s: %q passes %v, the %s text takes %v", c.pos, key,
				slices.Sorted(maps.Keys(passed)), lang, slices.Sorted(maps.Keys(want))))
			continue
		}
		for i, name := range c.args {
			if pluralNames(text)[name] && c.argKinds[i] != "ArgNum" {
				problems = append(problems, fmt.Sprintf("%s: %q chooses a plural by %s, which the call passes with %s, not ArgNum",
					c.pos, key, name, c.argKinds[i]))
			}
		}
		args := make([]Arg, len(c.args))
		for i, name := range c.args {
			args[i] = sampleArg(c.argKinds[i], name)
		}
		got := Message(lang, key, args...)
		if strings.Contains(got, "%!") || strings.ContainsAny(got, "{}") || strings.TrimSpace(got) == "" || got == key {
			problems = append(problems, fmt.Sprintf("%s: %q renders in %s as %q", c.pos, key, lang, got))
		}
	}
	return problems
}

// pluralNames are the names that a text's plural choices ({name|one|other}) choose by.
func pluralNames(text string) map[string]bool {
	names := map[string]bool{}
	for {
		p, _, after, ok := nextPlaceholder(text)
		if !ok {
			return names
		}
		if p.forms != nil {
			names[p.name] = true
		}
		text = after
	}
}

// sampleArg is a value of the kind the caller builds.
func sampleArg(constructor, name string) Arg {
	switch constructor {
	case "ArgNum":
		return ArgNum(name, 1234)
	case "ArgDay":
		return ArgDay(name, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	case "ArgKey":
		return ArgKey(name, "education.bachelor")
	case "ArgName":
		return ArgName(name, "مرودشت", "Marvdasht")
	case "ArgUser":
		return ArgUser(name, "sample")
	}
	return ArgText(name, "sample")
}

// findMessageCalls parses every non-test Go file under root but this package's own (whose code passes
// keys through) and returns the message calls, with a problem for each call the check cannot read.
func findMessageCalls(t *testing.T, root string) ([]messageCall, []string) {
	t.Helper()
	var calls []messageCall
	var problems []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "artifacts", "testdata":
				return filepath.SkipDir
			}
			if filepath.ToSlash(path) == filepath.ToSlash(filepath.Join(root, "internal/i18n")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := importName(f, "github.com/setad/setad/internal/i18n")
		if pkg == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, ok := pkgFunc(call.Fun, pkg)
			idx, isMessage := keyArg[fn]
			if !ok || !isMessage || len(call.Args) <= idx {
				return true
			}
			c := messageCall{pos: fset.Position(call.Pos()).String()}
			if call.Ellipsis.IsValid() {
				problems = append(problems, c.pos+": arguments passed with ... cannot be checked; write each Arg in the call")
				return true
			}
			for _, a := range call.Args[idx+1:] {
				name, kind, ok := argName(a, pkg)
				if !ok {
					problems = append(problems, c.pos+": an argument is not an i18n.Arg… constructor with a literal name")
					continue
				}
				if slices.Contains(c.args, name) {
					problems = append(problems, c.pos+": argument "+name+" passed twice")
				}
				c.args, c.argKinds = append(c.args, name), append(c.argKinds, kind)
			}
			prefix, suffix, literal, known := keyPattern(call.Args[idx])
			switch {
			case literal:
				c.keys, c.pattern = []string{prefix}, strconv.Quote(prefix)
			case known:
				c.keys, c.pattern = []string{}, strconv.Quote(prefix)+"+…+"+strconv.Quote(suffix)
				for key := range fa {
					if strings.HasPrefix(key, prefix) && strings.HasSuffix(key[len(prefix):], suffix) {
						c.keys = append(c.keys, key)
					}
				}
				slices.Sort(c.keys)
			case len(c.args) > 0:
				problems = append(problems, c.pos+": a message with arguments needs a literal key (or a literal prefix)")
			}
			calls = append(calls, c)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls, problems
}

// importName is the name a file uses for the package at path, or "".
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return filepath.Base(path)
		}
	}
	return ""
}

// pkgFunc returns the name of a call's function when it is pkg.Name.
func pkgFunc(e ast.Expr, pkg string) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != pkg {
		return "", false
	}
	return sel.Sel.Name, true
}

// argName reads pkg.ArgX("name", …).
func argName(e ast.Expr, pkg string) (name, constructor string, ok bool) {
	call, isCall := e.(*ast.CallExpr)
	if !isCall || len(call.Args) == 0 {
		return "", "", false
	}
	fn, isPkg := pkgFunc(call.Fun, pkg)
	if !isPkg || !strings.HasPrefix(fn, "Arg") {
		return "", "", false
	}
	name, isLit := stringLit(call.Args[0])
	return name, fn, isLit
}

// keyPattern reads a key expression: a literal (literal true, the key in prefix), or a sum of operands
// whose first and last are literals (known true: every key with that prefix and suffix may be meant).
func keyPattern(e ast.Expr) (prefix, suffix string, literal, known bool) {
	if s, ok := stringLit(e); ok {
		return s, "", true, true
	}
	var operands []ast.Expr
	var flatten func(ast.Expr)
	flatten = func(e ast.Expr) {
		if p, ok := e.(*ast.ParenExpr); ok {
			flatten(p.X)
			return
		}
		if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		operands = append(operands, e)
	}
	flatten(e)
	if len(operands) < 2 {
		return "", "", false, false
	}
	prefix, ok := stringLit(operands[0])
	if !ok || prefix == "" {
		return "", "", false, false
	}
	suffix, _ = stringLit(operands[len(operands)-1])
	return prefix, suffix, false, true
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// The check itself must catch what it is for: an argument the text does not take (the reported
// "%!(EXTRA string=)"), a placeholder left without its argument, a key built at run time with arguments,
// and arguments it cannot read.
func TestCallerCheckCatchesMistakes(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import "github.com/setad/setad/internal/i18n"

func f(code, want string, args []i18n.Arg) {
	_ = i18n.M("elig."+code, i18n.ArgText("want", want))
	_ = i18n.M("elig.too_young")
	_ = i18n.M("elig.required", i18n.ArgText("date", want))
	key := "elig." + code
	_ = i18n.M(key, i18n.ArgText("want", want))
	_ = i18n.M("elig.too_young", args...)
	_ = i18n.M("elig.too_young", i18n.Arg{Name: "age"})
	_ = i18n.M("elig.too_young", i18n.ArgNum("age", 1), i18n.ArgNum("age", 2))
	_ = i18n.M("home.boards_awaiting", i18n.ArgText("count", want))
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	calls, problems := findMessageCalls(t, dir)
	wantProblems := []string{"needs a literal key", "cannot be checked", "not an i18n.Arg", "passed twice"}
	for _, w := range wantProblems {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, w) }) {
			t.Errorf("no problem %q among %q", w, problems)
		}
	}
	// Each of the first three calls breaks its catalogue text.
	for i, c := range calls[:3] {
		var found []string
		for _, key := range c.keys {
			found = append(found, callProblems(c, key)...)
		}
		if len(found) == 0 {
			t.Errorf("call %d (%s with %v) passed the check", i, c.pattern, c.args)
		}
	}
	last := calls[len(calls)-1]
	if found := callProblems(last, "home.boards_awaiting"); !slices.ContainsFunc(found, func(p string) bool { return strings.Contains(p, "not ArgNum") }) {
		t.Errorf("a plural chosen by a text argument passed the check: %q", found)
	}
	if len(calls[0].keys) < 10 {
		t.Errorf("the prefix \"elig.\" matched only %v", calls[0].keys)
	}
}
