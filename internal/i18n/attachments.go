package i18n

// The messages about attachments (internal/filetype): the names of the kinds of file taken, and why a file
// is refused.

var _ = merge(fa, map[string]string{
	"attachment.kind_pdf":      "PDF",
	"attachment.kind_image":    "تصویر",
	"attachment.kind_word":     "Word",
	"attachment.kind_excel":    "Excel",
	"err.attachment_type":      "این نوع فایل را نمی‌توان پیوست کرد: فایل PDF، تصویر PNG یا JPEG، یا فایل Word یا Excel (DOCX، XLSX، DOC، XLS) پیوست کنید.",
	"err.attachment_extension": "نام فایل با محتوای آن همخوانی ندارد: نام آن باید به {ext} ختم شود.",
	"err.attachment_declared":  "نوع فایل، آن‌گونه که مرورگر فرستاده، با محتوای آن ({kind}) همخوانی ندارد.",
	"err.attachment_macros":    "سند دارای ماکرو یا محتوای فعال (شیء جاسازی‌شده، کنترل ActiveX، الگوی بیرونی) را نمی‌توان پیوست کرد؛ آن را بدون این‌ها (به شکل DOCX یا XLSX) ذخیره کنید و دوباره پیوست کنید.",
	"err.attachment_unpacks":   "این سند پس از باز شدن بسیار بزرگ‌تر از حجم خود می‌شود و پیوست نمی‌شود؛ آن را دوباره ذخیره کنید و پیوست کنید.",
	"err.attachment_encrypted": "سند دارای گذرواژه را نمی‌توان پیوست کرد؛ گذرواژه را بردارید و سند را دوباره پیوست کنید.",
})

var _ = merge(en, map[string]string{
	"attachment.kind_pdf":      "PDF",
	"attachment.kind_image":    "Image",
	"attachment.kind_word":     "Word",
	"attachment.kind_excel":    "Excel",
	"err.attachment_type":      "This kind of file cannot be attached: attach a PDF, a PNG or JPEG image, or a Word or Excel file (DOCX, XLSX, DOC, XLS).",
	"err.attachment_extension": "The file's name does not match its content: its name must end in {ext}.",
	"err.attachment_declared":  "The file's type, as your browser sent it, does not match its content ({kind}).",
	"err.attachment_macros":    "Documents with macros or other active content (embedded objects, ActiveX controls, outside templates) cannot be attached; save the document without them (as DOCX or XLSX) and attach it again.",
	"err.attachment_unpacks":   "This document unpacks to far more than its size and cannot be attached; save it again and attach it.",
	"err.attachment_encrypted": "Password-protected documents cannot be attached; remove the password and attach the document again.",
})
