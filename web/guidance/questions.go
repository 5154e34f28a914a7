package guidance

import (
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/web/components"
)

// PublishQuestion is asked before a draft is published: its places are told at once.
func PublishQuestion() components.Question {
	return components.Question{What: i18n.M("guidance.publish_ask"), Yes: i18n.M("guidance.publish")}
}

// WithdrawQuestion is asked before a circular is withdrawn.
func WithdrawQuestion() components.Question {
	return components.Question{What: i18n.M("guidance.withdraw_ask"), Yes: i18n.M("guidance.withdraw"), Danger: true}
}
