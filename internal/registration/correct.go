package registration

import (
	"context"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Correct checks a correction of the record of candidate id (in scope sc), typed in lang from the record
// at version, and stores it when it passes. The record is checked as it was registered: in its own
// election, under that election's rule, on its registration day, in its constituency (which a correction
// does not change). A correction must not bring in a problem of the law: what the record had already
// (the law's numbers changed since, say) or what HQ overrode at registration does not hold it up, but any
// new problem does, and HQ may override those the law leaves to judgement, with a reason. The registration
// window is not checked again: the record was registered when it was, and a correction changes neither its
// day nor its constituency.
//
// It reports whether anything changed. The error is store.ErrNotFound for a candidate out of scope and
// store.ErrConflict when the record changed since version; any other is a failure of the service.
func (s *Service) Correct(ctx context.Context, a audit.Actor, sc auth.Scope, lang i18n.Lang, id int64, version int,
	in Input, j Judgement) (Checked, bool, error) {
	cur, err := s.st.CandidateByID(ctx, sc, id)
	if err != nil {
		return Checked{}, false, err
	}
	e, rule, err := s.st.CandidateElection(ctx, cur.ElectionID)
	if err != nil {
		return Checked{}, false, err
	}
	k, err := s.st.ConstituencyByCode(ctx, auth.Scope{}, cur.ConstituencyCode)
	if err != nil {
		return Checked{}, false, err
	}
	c := &Checker{Election: e, rule: rule, lang: lang, now: s.now()} // no windows: see above
	tolerated := map[problemKey]bool{}
	for _, pr := range c.law(stored(cur.Candidate, k), cur.NationalID, k, cur.CreatedAt) {
		tolerated[problemKey{pr.Field, pr.Code}] = true
	}
	for _, o := range cur.Overrides {
		tolerated[problemKey{o.Field, o.Code}] = true
	}
	r := c.check(in, j, k, cur.CreatedAt, nil, tolerated)
	if !r.OK() {
		return r, false, nil
	}
	changed, err := s.st.CorrectCandidate(ctx, a, sc, id, version, r.Candidate, r.Overrides)
	if msg, overridable, ok := clash(err); ok {
		r.Problems["national_id"] = msg
		r.Overridable = r.Overridable || overridable
		return r, false, nil
	}
	return r, changed, err
}

// stored is a stored candidate as a registration in constituency k.
func stored(c store.Candidate, k store.Constituency) store.NewCandidate {
	n := store.NewCandidate{FullName: c.FullName, FatherName: c.FatherName, NationalID: c.NationalID, Gender: c.Gender,
		Education: c.Education, Occupation: c.Occupation, Phone: c.Phone, TrackingID: c.TrackingID, Veteran: c.Veteran,
		MilitaryService: c.MilitaryService, ListedPost: c.ListedPost, CertificateDate: c.CertificateDate,
		ResignationDate: c.ResignationDate, Constituency: k}
	if c.BirthDate != nil {
		n.BirthDate = *c.BirthDate
	}
	return n
}
