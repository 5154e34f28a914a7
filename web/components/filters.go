package components

import (
	"net/url"
	"strconv"

	"github.com/a-h/templ"
)

// AppliedFilter is a filter a list shows applied: what it keeps, in words, and the list's address without
// it.
type AppliedFilter struct {
	Label  string
	Remove templ.SafeURL
}

// ListHref is the address of a list at path with the filters q (empty values left out) on page (the first
// page's address has none).
func ListHref(path string, q url.Values, page int) templ.SafeURL {
	v := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" && k != "page" {
			v.Set(k, vs[0])
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return templ.SafeURL(path)
	}
	return templ.SafeURL(path + "?" + v.Encode())
}

// Without is the list at path with the filters q but those of keys, on its first page.
func Without(path string, q url.Values, keys ...string) templ.SafeURL {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	for _, k := range keys {
		v.Del(k)
	}
	return ListHref(path, v, 1)
}
