// Package auth owns who a signed-in user is and what they may reach: the roles, the scope (province,
// county, district, committee) that every store query filters by, and the permission table that decides
// which actions a role may take. It has no I/O; the server puts the Principal into the request context.
package auth

import "context"

// Role is a user's role key as stored in users.role.
type Role string

// The roles of SPEC.md.
const (
	HQ           Role = "hq"
	Governor     Role = "governor"
	DistrictHead Role = "district_head"
	Committee    Role = "committee"
	Observer     Role = "observer"
	National     Role = "national"
)

// Roles lists every role in display order.
var Roles = []Role{HQ, Governor, DistrictHead, Committee, Observer, National}

// ParseRole returns the role for key, or false for an unknown key.
func ParseRole(key string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == key {
			return r, true
		}
	}
	return "", false
}

// Scope is the part of the country a user reaches. A zero ID means "not limited at this level": a
// national user has the zero Scope; an HQ user has only ProvinceID; a governor has ProvinceID and
// CountyID; a district head all three.
type Scope struct {
	ProvinceID int64
	CountyID   int64
	DistrictID int64
	Committee  string
}

// Principal is the signed-in user as the request sees it.
type Principal struct {
	ID       int64
	Username string
	FullName string
	Role     Role
	Scope    Scope
	Lang     string // the language the user chose last, used when the browser has no choice of its own
	// Names for the header, in both languages.
	PlaceFa, PlaceEn string
}

// Perm is an action that some roles may take.
type Perm int

// The actions the foundation knows; later areas add theirs.
const (
	ViewCounties Perm = iota
	ViewAudit
	ManageUsers
	ChangeOwnPassword
	ViewBoards
	EditBoards   // compose one's own board; the level must match the role (Principal.EditsBoardLevel)
	ReviewBoards // approve or return boards
	ViewCandidates
	RegisterCandidates
	ReviewCandidates   // move candidates along the lifecycle
	OverrideCandidates // record HQ's judgement where the law leaves it
	EditReference      // correct reference data such as constituency sizes
	EditLaw            // keep the law's national rules: board compositions, candidate rules
	ExportCandidates   // download the candidate list with national IDs, birth dates and phones
	ViewTimelineMatrix // the timeline's matrix of every county's (and a county's districts') milestones
	ViewTimeline       // read the timeline of one's scope and the milestones' template
	MarkMilestones     // mark a milestone done or take the mark back, at a place of one's own level (the store checks which)
	EditTimeline       // keep the administrative milestones of one's province (the law's are EditLaw's)
	ManageCommittees   // create and rename the committees of one's province and choose their members
	ViewCommitteeWork  // read the guidance, tasks, questions and trainings of one's scope, and the FAQ
	PostGuidance       // write, publish, correct and withdraw circulars of one's own committee
	RemindGuidance     // remind the places that have not acknowledged a circular
	AckGuidance        // acknowledge a circular addressed to one's place
	AssignTasks        // assign tasks of one's own committee and follow them
	UpdateTasks        // move one's own place's copy of a task along
	AskQuestions       // ask a committee a question, and accept an answer to one's own
	AnswerQuestions    // answer the questions put to one's own committee
	PublishFAQ         // publish an answered question to the province's FAQ
	ScheduleTrainings  // schedule the training sessions of one's own committee and record who attended
	ConfirmTrainings   // confirm that one's place will attend a session it is invited to
	ReadNotifications  // read one's own inbox
	ViewDashboard      // read the readiness dashboard of one's scope (a province's counties, a county's districts, the country's provinces)
	ViewIncidents      // read the incidents of election systems in one's scope
	ReportIncidents    // report an incident of one's own place, and change its severity or reopen it
	HandleIncidents    // acknowledge, note and resolve the incidents of the systems one's own committee owns
	ManageSystems      // keep the list of one's province's election systems and their owner committees
	DefineChecks       // define the readiness checks of one's province
	FileChecks         // file the readiness checks of one's own place
)

var perms = map[Perm][]Role{
	ViewCounties:       {HQ, Governor, DistrictHead, Committee, Observer, National},
	ViewAudit:          {HQ, Observer, National},
	ManageUsers:        {HQ},
	ChangeOwnPassword:  {HQ, Governor, DistrictHead, Committee, Observer, National},
	ViewBoards:         {HQ, Governor, DistrictHead, Committee, Observer, National},
	EditBoards:         {Governor, DistrictHead},
	ReviewBoards:       {HQ},
	ViewCandidates:     {HQ, Governor, DistrictHead, Committee, Observer, National},
	RegisterCandidates: {HQ, Governor},
	ReviewCandidates:   {HQ, Governor},
	OverrideCandidates: {HQ},
	EditReference:      {HQ},
	// The law is the same in every province, so only the Ministry's election HQ keeps its numbers; a
	// province's HQ reads them like everyone else.
	EditLaw: {National},
	// Personal data in bulk leaves the system only with those who register candidates, in their scope;
	// the others read candidates one page at a time.
	ExportCandidates: {HQ, Governor},
	// The matrix compares the counties of a province: those who oversee them read it (the Ministry for any
	// province); a governor or a district head reads his own timeline.
	ViewTimelineMatrix: {HQ, Observer, National},
	ViewTimeline:       {HQ, Governor, DistrictHead, Committee, Observer, National},
	// The governor marks his county's milestones, the district head his district's, HQ the province's and
	// any county's or district's for it; committees, observers and the Ministry read them.
	MarkMilestones: {HQ, Governor, DistrictHead},
	EditTimeline:   {HQ},
	// Committees are the province's own: its HQ keeps them.
	ManageCommittees: {HQ},
	// A committee's work is read in scope by everyone; it is done by the committee (posting, assigning,
	// answering, training) and by the places it is addressed to (acknowledging, reporting, confirming).
	ViewCommitteeWork: {HQ, Governor, DistrictHead, Committee, Observer, National},
	PostGuidance:      {Committee},
	RemindGuidance:    {HQ, Committee},
	AckGuidance:       {Governor, DistrictHead},
	AssignTasks:       {Committee},
	UpdateTasks:       {Governor, DistrictHead},
	AskQuestions:      {HQ, Governor, DistrictHead, Committee},
	AnswerQuestions:   {Committee},
	PublishFAQ:        {HQ, Committee},
	ScheduleTrainings: {Committee},
	ConfirmTrainings:  {Governor, DistrictHead},
	ReadNotifications: {HQ, Governor, DistrictHead, Committee, Observer, National},
	// Monitoring: those who oversee places read their dashboard (a governor his county's, a district head
	// his district's); a place reports the incidents of the systems it uses and the committee that owns a
	// system handles them; HQ keeps the systems and the checks that the places file.
	ViewDashboard:   {HQ, Governor, DistrictHead, Observer, National},
	ViewIncidents:   {HQ, Governor, DistrictHead, Committee, Observer, National},
	ReportIncidents: {Governor, DistrictHead},
	HandleIncidents: {Committee},
	ManageSystems:   {HQ},
	DefineChecks:    {HQ},
	FileChecks:      {Governor, DistrictHead},
}

// EditsBoardLevel reports whether the principal composes boards of a level: a governor the county board,
// a district head the district board (the scope then limits which one).
func (p *Principal) EditsBoardLevel(level string) bool {
	return p.Can(EditBoards) && (p.Role == Governor && level == "county" || p.Role == DistrictHead && level == "district")
}

// Can reports whether the principal's role may take the action.
func (p *Principal) Can(perm Perm) bool {
	if p == nil {
		return false
	}
	for _, r := range perms[perm] {
		if r == p.Role {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the signed-in principal, or nil for an anonymous request.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
