package seed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

// demoCircular is a circular of the demo: by a committee's demo member, to an audience; published (or a
// draft), perhaps corrected once, withdrawn, with a small PDF; acknowledged by the places of the users named.
type demoCircular struct {
	by        string
	title     string
	body      string
	to        audience.Audience
	draft     bool
	pdf       string // the attachment's name, "" for none
	corrected string // the body after a correction, "" for none
	withdrawn string // the reason it was withdrawn, "" if it was not
	ackedBy   []string
}

var demoCirculars = []demoCircular{
	{
		by:    "committee.technology",
		title: "راهنمای ورود به سامانه ثبت‌نام داوطلبان",
		body: "### پیش از شروع\n\n- مرورگر را به‌روز کنید.\n- رمز عبور را با کسی در میان نگذارید.\n\n" +
			"### ثبت‌نام\n\n1. از منوی **داوطلبان** گزینه «ثبت‌نام» را بزنید.\n2. کد ملی را بدون خط تیره وارد کنید.\n\n" +
			"راهنمای کامل در فایل پیوست آمده است.",
		to:      audience.Audience{Province: true, WithDistricts: true},
		pdf:     "راهنمای-سامانه.pdf",
		ackedBy: []string{"gov.marvdasht", "dh.marvdasht-central", "gov.arsanjan", "gov.shiraz", "dh.shiraz-central", "gov.kazerun"},
	},
	{
		by:    "committee.legal",
		title: "تفسیر قانونی: استعفای داوطلبان کارمند",
		body: "داوطلبانی که در فهرست مشاغل ماده ۲۹ هستند باید **پیش از ثبت‌نام** استعفا داده باشند.\n\n" +
			"گواهی پذیرش استعفا را از دستگاه محل خدمت بخواهید.\n\nدر صورت ابهام از کمیته حقوقی بپرسید.",
		corrected: "داوطلبانی که در فهرست مشاغل ماده ۲۹ هستند باید **دست‌کم سه ماه پیش از روز رأی‌گیری** استعفا داده باشند.\n\n" +
			"گواهی پذیرش استعفا را از دستگاه محل خدمت بخواهید.\n\nدر صورت ابهام از کمیته حقوقی بپرسید.",
		to:      audience.Audience{Counties: []string{"marvdasht", "pasargad"}},
		ackedBy: []string{"gov.pasargad"},
	},
	{
		by:        "committee.legal",
		title:     "مهلت تشکیل هیئت‌های اجرایی بخش",
		body:      "هیئت‌های اجرایی بخش تا پایان هفته جاری تشکیل شوند.",
		to:        audience.Audience{Counties: []string{"beyza", "arsanjan"}, WithDistricts: true},
		withdrawn: "مهلت قانونی در برنامه زمانبندی آمده است؛ این بخشنامه جایگزین شد.",
	},
	{
		by:    "committee.technology",
		title: "نکات امنیتی رمز عبور",
		body:  "- رمز عبور دست‌کم ۱۲ نویسه باشد.\n- از رمز مشترک برای چند سامانه استفاده نکنید.",
		to:    audience.Audience{Province: true},
		draft: true,
	},
}

// demoGuidanceLoad writes the demo's circulars, each once: a circular whose title its committee already
// has is left as it is.
func demoGuidanceLoad(ctx context.Context, st *store.Store) error {
	for _, c := range demoCirculars {
		u, err := st.UserByUsername(ctx, c.by)
		if err != nil {
			return err
		}
		a := audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}
		sc := u.Principal().Scope
		have, _, err := st.GuidanceList(ctx, sc, store.GuidanceFilter{Q: c.title})
		if err != nil {
			return err
		}
		if slices.ContainsFunc(have, func(g store.Guidance) bool { return g.Title == c.title }) {
			continue
		}
		var files []store.NewAttachment
		if c.pdf != "" {
			files = append(files, demoPDFAttachment(c.pdf))
		}
		id, err := st.CreateGuidance(ctx, a, sc, store.GuidanceInput{Title: c.title, Body: c.body, Audience: c.to}, !c.draft, files)
		if err != nil {
			return fmt.Errorf("demo circular %q: %w", c.title, err)
		}
		version := 2
		for _, by := range c.ackedBy {
			r, err := st.UserByUsername(ctx, by)
			if err != nil {
				return err
			}
			if _, err := st.AckGuidance(ctx, audit.Actor{ID: r.ID, Name: r.Username, Remote: "seed"}, r.Principal().Scope, id); err != nil {
				return fmt.Errorf("demo acknowledgement of %q by %s: %w", c.title, by, err)
			}
		}
		if c.corrected != "" {
			if err := st.UpdateGuidance(ctx, a, sc, id, version, store.GuidanceInput{Title: c.title, Body: c.corrected}); err != nil {
				return err
			}
			version++
		}
		if c.withdrawn != "" {
			if err := st.WithdrawGuidance(ctx, a, sc, id, version, c.withdrawn); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoPDFAttachment is DemoPDF as an attachment of that name.
func demoPDFAttachment(name string) store.NewAttachment {
	pdf := DemoPDF()
	sum := sha256.Sum256(pdf)
	return store.NewAttachment{Name: name, MIME: "application/pdf", Size: int64(len(pdf)), SHA256: hex.EncodeToString(sum[:]),
		Content: bytes.NewReader(pdf)}
}

// DemoPDF is a small valid PDF of one page that says what it is.
func DemoPDF() []byte {
	stream := "BT /F1 14 Tf 30 150 Td (Setad demo attachment) Tj ET"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
