package errorpage

import "strconv"

// statuses that have their own text; others use the 500 text.
var statuses = map[int]bool{400: true, 403: true, 404: true, 405: true, 413: true, 429: true, 500: true, 503: true}

func errKey(status int, part string) string {
	if !statuses[status] {
		status = 500
	}
	return "error." + strconv.Itoa(status) + "." + part
}
