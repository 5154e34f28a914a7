package components

import (
	"net/url"

	"github.com/setad/setad/internal/store"
)

// ProvinceChoice is the province a list shows the Ministry's reader, who chooses it: the provinces he
// chooses from and the one chosen (nil until he chooses). Any other reader's is the zero value: his
// province is his own and he has nothing to choose.
type ProvinceChoice struct {
	Provinces []store.Province
	Chosen    *store.Province
}

// Offered reports whether the reader chooses a province.
func (c ProvinceChoice) Offered() bool { return len(c.Provinces) > 0 }

// Choosing reports whether the reader has a province to choose and has not chosen it yet.
func (c ProvinceChoice) Choosing() bool { return c.Offered() && c.Chosen == nil }

// Code is the chosen province's code, "" when none is.
func (c ProvinceChoice) Code() string {
	if c.Chosen == nil {
		return ""
	}
	return c.Chosen.Code
}

// ID is the chosen province's id, or own when none is chosen.
func (c ProvinceChoice) ID(own int64) int64 {
	if c.Chosen == nil {
		return own
	}
	return c.Chosen.ID
}

// Query is the page address's province parameter ("province=fars"), "" when none is chosen.
func (c ProvinceChoice) Query() string {
	if c.Chosen == nil {
		return ""
	}
	return "province=" + url.QueryEscape(c.Chosen.Code)
}
