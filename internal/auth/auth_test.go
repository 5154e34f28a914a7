package auth

import (
	"context"
	"testing"
)

func TestCan(t *testing.T) {
	tests := []struct {
		role Role
		perm Perm
		want bool
	}{
		{HQ, ManageUsers, true},
		{HQ, ManageCommittees, true},
		{Committee, ManageCommittees, false},
		{Committee, PostGuidance, true},
		{HQ, PostGuidance, false},
		{Governor, PostGuidance, false},
		{Governor, AckGuidance, true},
		{DistrictHead, AckGuidance, true},
		{Committee, AckGuidance, false},
		{Observer, AckGuidance, false},
		{HQ, RemindGuidance, true},
		{Committee, AssignTasks, true},
		{Governor, AssignTasks, false},
		{Governor, UpdateTasks, true},
		{Committee, UpdateTasks, false},
		{Observer, AskQuestions, false},
		{National, AskQuestions, false},
		{Governor, AskQuestions, true},
		{Committee, AnswerQuestions, true},
		{HQ, AnswerQuestions, false},
		{HQ, PublishFAQ, true},
		{Governor, PublishFAQ, false},
		{Committee, ScheduleTrainings, true},
		{DistrictHead, ConfirmTrainings, true},
		{Committee, ConfirmTrainings, false},
		{National, ViewCommitteeWork, true},
		{Observer, ReadNotifications, true},
		{Governor, ManageUsers, false},
		{DistrictHead, ManageUsers, false},
		{Committee, ManageUsers, false},
		{Observer, ManageUsers, false},
		{National, ManageUsers, false},
		{HQ, ViewAudit, true},
		{Observer, ViewAudit, true},
		{National, ViewAudit, true},
		{Governor, ViewAudit, false},
		{DistrictHead, ViewAudit, false},
		{Committee, ViewAudit, false},
		{Governor, ViewCounties, true},
		{Observer, ChangeOwnPassword, true},
		{HQ, ReviewBoards, true},
		{Governor, ReviewBoards, false},
		{Observer, ReviewBoards, false},
		{National, ReviewBoards, false},
		{Governor, EditBoards, true},
		{DistrictHead, EditBoards, true},
		{HQ, EditBoards, false},
		{Committee, EditBoards, false},
		{Observer, EditBoards, false},
		{Observer, ViewBoards, true},
		{National, EditLaw, true},
		{HQ, EditLaw, false},
		{Governor, EditLaw, false},
		{DistrictHead, EditLaw, false},
		{Committee, EditLaw, false},
		{Observer, EditLaw, false},
		{HQ, ExportCandidates, true},
		{Governor, ExportCandidates, true},
		{DistrictHead, ExportCandidates, false},
		{Committee, ExportCandidates, false},
		{Observer, ExportCandidates, false},
		{National, ExportCandidates, false},
		{HQ, ViewTimelineMatrix, true},
		{Observer, ViewTimelineMatrix, true},
		{National, ViewTimelineMatrix, true},
		{Governor, ViewTimelineMatrix, false},
		{DistrictHead, ViewTimelineMatrix, false},
		{Committee, ViewTimelineMatrix, false},
		{Observer, ViewTimeline, true},
		{National, ViewTimeline, true},
		{HQ, MarkMilestones, true},
		{Governor, MarkMilestones, true},
		{DistrictHead, MarkMilestones, true},
		{Committee, MarkMilestones, false},
		{Observer, MarkMilestones, false},
		{National, MarkMilestones, false},
		{HQ, EditTimeline, true},
		{Governor, EditTimeline, false},
		{National, EditTimeline, false},
	}
	for _, tt := range tests {
		p := &Principal{Role: tt.role}
		if got := p.Can(tt.perm); got != tt.want {
			t.Errorf("%s can %d = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
	var anon *Principal
	if anon.Can(ViewCounties) {
		t.Error("an anonymous request may view counties")
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, ok := ParseRole(string(r)); !ok || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, ok)
		}
	}
	for _, bad := range []string{"", "HQ", "admin", "governor "} {
		if _, ok := ParseRole(bad); ok {
			t.Errorf("ParseRole(%q) accepted", bad)
		}
	}
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if FromContext(ctx) != nil {
		t.Fatal("empty context has a principal")
	}
	p := &Principal{ID: 4}
	if FromContext(NewContext(ctx, p)) != p {
		t.Fatal("principal lost in context")
	}
}

func TestEditsBoardLevel(t *testing.T) {
	tests := []struct {
		role  Role
		level string
		want  bool
	}{
		{Governor, "county", true},
		{Governor, "district", false},
		{DistrictHead, "district", true},
		{DistrictHead, "county", false},
		{HQ, "county", false},
		{Observer, "district", false},
	}
	for _, tt := range tests {
		if got := (&Principal{Role: tt.role}).EditsBoardLevel(tt.level); got != tt.want {
			t.Errorf("%s edits %s boards = %v, want %v", tt.role, tt.level, got, tt.want)
		}
	}
}
