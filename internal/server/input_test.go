package server_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/server"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// How a POST route answers input it refuses.
const (
	answerForm  = "form"  // the form again with the message, 422
	answerFlash = "flash" // back to the page it came from (303), the message shown there
	answerNone  = "none"  // the handler reads no field: anything but a 500
)

// postRoute is what the hostile-input test needs to know of a POST route: the form fields its
// handler reads, how it answers a refused value, a valid submission (for the id checks; {user}
// is a member of the workspace), and the fields that carry an id of the workspace, as field=kind
// (kinds: user, ticket, team, calendar, policy).
type postRoute struct {
	answer string
	fields string
	valid  string
	ids    string
	public bool // answered before sign-in
}

// postRoutes lists every POST route of the router. A route added without an entry fails
// TestEveryPostRouteRefusesHostileInput: add one line here.
var postRoutes = map[string]postRoute{
	"/login":                      {answer: answerForm, fields: "email password next", public: true},
	"/logout":                     {answer: answerNone},
	"/signup":                     {answer: answerForm, fields: "workspace_name slug time_zone language name email password", public: true},
	"/invite/{workspace}/{token}": {answer: answerForm, fields: "name password confirm_password", public: true},
	"/account":                    {answer: answerForm, fields: "name language time_zone"},
	"/password/forgot":            {answer: answerForm, fields: "email", public: true},
	"/password/reset/{token}":     {answer: answerForm, fields: "password confirm_password", public: true},
	"/account/password":           {answer: answerForm, fields: "current_password new_password confirm_password"},

	"/w/{workspace}/bulk":                                          {answer: answerFlash, fields: "ticket action assignee status tag", valid: "action=assign&ticket=1&assignee=me", ids: "ticket=ticket assignee=user"},
	"/w/{workspace}/availability":                                  {answer: answerFlash, fields: "availability"},
	"/w/{workspace}/notifications/read-all":                        {answer: answerFlash, fields: "upto"},
	"/w/{workspace}/account/notifications":                         {answer: answerForm, fields: "on mail digest"},
	"/w/{workspace}/account/signatures":                            {answer: answerForm, fields: "signature_email signature_amazon signature_ebay signature_walmart signature_webshop"},
	"/w/{workspace}/views":                                         {answer: answerForm, fields: "name shared"},
	"/w/{workspace}/views/order":                                   {answer: answerForm, fields: "view"},
	"/w/{workspace}/views/{viewID}":                                {answer: answerForm, fields: "name sharing shared update_filters"},
	"/w/{workspace}/views/{viewID}/move":                           {answer: answerFlash, fields: "dir"},
	"/w/{workspace}/views/{viewID}/delete":                         {answer: answerNone},
	"/w/{workspace}/t/{number}/reply":                              {answer: answerForm, fields: "body mode then confirm seen_last_message_at"},
	"/w/{workspace}/t/{number}/assign":                             {answer: answerFlash, fields: "assignee", valid: "assignee=me", ids: "assignee=user"},
	"/w/{workspace}/t/{number}/status":                             {answer: answerFlash, fields: "status snooze_until"},
	"/w/{workspace}/t/{number}/priority":                           {answer: answerFlash, fields: "priority"},
	"/w/{workspace}/t/{number}/team":                               {answer: answerFlash, fields: "team", valid: "team=", ids: "team=team"},
	"/w/{workspace}/t/{number}/status/undo":                        {answer: answerFlash, fields: "undo"},
	"/w/{workspace}/t/{number}/tags":                               {answer: answerFlash, fields: "tags"},
	"/w/{workspace}/t/{number}/category":                           {answer: answerFlash, fields: "category"},
	"/w/{workspace}/t/{number}/merge":                              {answer: answerFlash, fields: "target confirm", valid: "target=1&confirm=1", ids: "target=ticket"},
	"/w/{workspace}/customers/{customerID}/merge":                  {answer: answerForm, fields: "target", valid: "target={customer2}", ids: "target=customer"},
	"/w/{workspace}/customers/{customerID}/merges/{mergeID}/undo":  {answer: answerNone},
	"/w/{workspace}/t/{number}/merges/{mergeID}/undo":              {answer: answerNone},
	"/w/{workspace}/t/{number}/messages/{messageID}/split":         {answer: answerNone},
	"/w/{workspace}/t/{number}/messages/{messageID}/resend":        {answer: answerNone},
	"/w/{workspace}/t/{number}/messages/{messageID}/no-response":   {answer: answerFlash, fields: "on"},
	"/w/{workspace}/t/{number}/presence":                           {answer: answerForm, fields: "state"},
	"/w/{workspace}/t/{number}/order":                              {answer: answerForm, fields: "order_number order_marketplace"},
	"/w/{workspace}/t/{number}/order/unlink":                       {answer: answerNone},
	"/w/{workspace}/t/{number}/compliance":                         {answer: answerForm, fields: "body mode file_name file_size"},
	"/w/{workspace}/settings/compliance/domains":                   {answer: answerForm, fields: "domain"},
	"/w/{workspace}/settings/compliance/domains/{domainID}/remove": {answer: answerNone},

	"/w/{workspace}/settings/workspace":                                {answer: answerForm, fields: "workspace_name time_zone language"},
	"/w/{workspace}/settings/people/invite":                            {answer: answerForm, fields: "email role"},
	"/w/{workspace}/settings/people/{userID}/role":                     {answer: answerFlash, fields: "role", valid: "role=agent"},
	"/w/{workspace}/settings/people/{userID}/remove":                   {answer: answerNone},
	"/w/{workspace}/settings/invitations/{invitationID}/revoke":        {answer: answerNone},
	"/w/{workspace}/settings/mail/quarantine/{inboundID}/retry":        {answer: answerNone},
	"/w/{workspace}/settings/mail/quarantine/retry-reason":             {answer: answerFlash, fields: "reason"},
	"/w/{workspace}/settings/mail/accounts":                            {answer: answerForm, fields: accountFields},
	"/w/{workspace}/settings/mail/accounts/{accountID}/edit":           {answer: answerForm, fields: accountFields},
	"/w/{workspace}/settings/mail/accounts/{accountID}/test":           {answer: answerNone},
	"/w/{workspace}/settings/mail/accounts/{accountID}/pause":          {answer: answerNone},
	"/w/{workspace}/settings/mail/accounts/{accountID}/resume":         {answer: answerNone},
	"/w/{workspace}/settings/mail/accounts/{accountID}/delete":         {answer: answerNone},
	"/w/{workspace}/settings/rules":                                    {answer: answerForm, fields: ruleFields, valid: validRule, ids: "act_value_0=team act_value_1=policy act_value_2=user"},
	"/w/{workspace}/settings/rules/try":                                {answer: answerForm, fields: ruleFields + " dry_ticket rule_id", valid: validRule, ids: "act_value_0=team act_value_1=policy act_value_2=user"},
	"/w/{workspace}/settings/rules/{ruleID}":                           {answer: answerForm, fields: ruleFields, valid: validRule, ids: "act_value_0=team act_value_1=policy act_value_2=user"},
	"/w/{workspace}/settings/rules/{ruleID}/enabled":                   {answer: answerNone, fields: "enabled"},
	"/w/{workspace}/settings/rules/{ruleID}/delete":                    {answer: answerNone},
	"/w/{workspace}/settings/sla":                                      {answer: answerForm, fields: policyFields, valid: validPolicy, ids: "calendar_id=calendar breach_value_0=team"},
	"/w/{workspace}/settings/sla/presets/{preset}":                     {answer: answerNone},
	"/w/{workspace}/settings/sla/{policyID}":                           {answer: answerForm, fields: policyFields, valid: validPolicy, ids: "calendar_id=calendar"},
	"/w/{workspace}/settings/sla/{policyID}/delete":                    {answer: answerNone},
	"/w/{workspace}/settings/hours":                                    {answer: answerForm, fields: "name time_zone"},
	"/w/{workspace}/settings/hours/{calendarID}":                       {answer: answerForm, fields: "name time_zone closures add_country imported_country day_0_start_0 day_0_end_0 day_0_next_0 day_6_start_1 day_6_end_1 hol_date_0 hol_name_0"},
	"/w/{workspace}/settings/teams":                                    {answer: answerForm, fields: "name tier assignment calendar_id", valid: "name=Hostile&tier=1&assignment=manual", ids: "calendar_id=calendar"},
	"/w/{workspace}/settings/teams/{teamID}":                           {answer: answerForm, fields: "name tier assignment calendar_id", valid: "name=Hostile&tier=1&assignment=manual", ids: "calendar_id=calendar"},
	"/w/{workspace}/settings/teams/{teamID}/members":                   {answer: answerForm, fields: "user_id capacity languages marketplaces channels", valid: "capacity=5&user_id={user}", ids: "user_id=user"},
	"/w/{workspace}/settings/teams/{teamID}/members/{userID}/remove":   {answer: answerNone},
	"/w/{workspace}/settings/jobs/{jobID}/retry":                       {answer: answerFlash, fields: "state"},
	"/w/{workspace}/settings/jobs/{jobID}/cancel":                      {answer: answerFlash, fields: "state"},
	"/w/{workspace}/settings/tags":                                     {answer: answerForm, fields: "kind name"},
	"/w/{workspace}/settings/tags/creators":                            {answer: answerForm, fields: "create_role"},
	"/w/{workspace}/settings/tags/{labelID}/rename":                    {answer: answerForm, fields: "name"},
	"/w/{workspace}/settings/tags/{labelID}/merge":                     {answer: answerForm, fields: "into", valid: "into={label2}", ids: "into=label"},
	"/w/{workspace}/settings/tags/{labelID}/delete":                    {answer: answerForm, fields: "confirm"},
	"/w/{workspace}/settings/channels/{marketplace}":                   {answer: answerForm, fields: marketFields, valid: validMarket, ids: "reply_account=mailbox"},
	"/w/{workspace}/settings/channels/{marketplace}/{marketID}":        {answer: answerForm, fields: marketFields, valid: validMarket, ids: "reply_account=mailbox"},
	"/w/{workspace}/settings/channels/{marketplace}/{marketID}/delete": {answer: answerNone},
}

const (
	marketFields  = "name sites language reply_account sender_patterns silence_hours"
	validMarket   = "name=Valid+store&sites=amazon.de&silence_hours=48"
	accountFields = "name address from_name signature imap_host imap_port imap_tls imap_username imap_password imap_folders imap_idle " +
		"smtp_host smtp_port smtp_tls smtp_username smtp_password auth_kind"
	validRule = "name=Hostile&trigger=message_received&match=all&act_type_0=assign_team&act_value_0=Alpha+team" +
		"&act_type_1=apply_sla&act_value_1=Amazon&act_type_2=assign_agent&act_value_2=agent%40alpha.test"
	validPolicy = "name=Hostile&first=1h&first_clock=calendar&next_clock=calendar&resolution_clock=calendar&warn_percent=80&match=all" +
		"&breach_type_0=assign_team&breach_value_0=Alpha+team"
)

var (
	ruleFields   = "name trigger minutes match position stop enabled " + rowFields("cond_field_ cond_op_ cond_value_", automation.MaxConditions) + " " + rowFields("act_type_ act_value_", automation.MaxActions)
	policyFields = "name position match enabled pause_pending pause_snoozed first next resolution first_clock next_clock resolution_clock " +
		"calendar_id warn_percent hard_deadline " + rowFields("cond_field_ cond_op_ cond_value_", automation.MaxConditions) + " " +
		rowFields("warn_type_ warn_value_ breach_type_ breach_value_", 3)
)

func rowFields(prefixes string, n int) string {
	var out []string
	for i := range n {
		for p := range strings.FieldsSeq(prefixes) {
			out = append(out, p+strconv.Itoa(i))
		}
	}
	return strings.Join(out, " ")
}

// hostile is what every field gets, one kind at a time; a 1 MB value goes into one field per
// request (the request as a whole stays under the form size limit).
var hostile = []struct{ name, value, key string }{
	{"NUL", "before\x00after", "input.nul"},
	{"InvalidUTF8", "caf\xe9 \xff\xfe", "input.encoding"},
}

const megabyte = 1 << 20

// TestEveryPostRouteRefusesHostileInput sends every POST route of the router NUL bytes, invalid
// UTF-8, 1 MB values and another workspace's ids: none may answer 500, and a refused value comes
// back as a message. Login, sign-up and the invitation are sent signed out.
func TestEveryPostRouteRefusesHostileInput(t *testing.T) {
	t.Parallel()
	f := setup(t)
	env := hostileFixtures(t, f)

	routes := server.Routes(f.app.Handler)
	require.NotNil(t, routes, "the app's handler lists its routes")
	var patterns []string
	require.NoError(t, chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// Static files answer every method with the same file server.
		if method == http.MethodPost && route != "/static/*" {
			patterns = append(patterns, strings.TrimSuffix(route, "/"))
		}
		return nil
	}))
	require.Greater(t, len(patterns), 40)
	for _, p := range patterns {
		_, ok := postRoutes[p]
		require.True(t, ok, "POST %s has no entry in postRoutes (internal/server/input_test.go): add its fields there", p)
	}
	for p := range postRoutes {
		require.Contains(t, patterns, p, "postRoutes lists %s, which the router no longer has", p)
	}
	// Routes that read nothing run after the others, and those that end something (a session, a
	// member, a fixture) last, so every form still finds its fixture. The routes run one after
	// the other, not in parallel: they share one session (one sign-in, whatever the throttle
	// counts), and flash messages live in the session.
	admin := f.app.SignIn(t, "admin@alpha.test")
	slices.SortStableFunc(patterns, func(a, b string) int { return rank(a) - rank(b) })
	for _, p := range patterns {
		t.Run(p, func(t *testing.T) {
			c := admin
			switch {
			case postRoutes[p].public:
				c = f.app.Client(t)
			case strings.HasSuffix(p, "/logout"):
				c = f.app.SignIn(t, "admin@alpha.test")
			}
			hostileRoute(t, c, env, p)
		})
	}
	// None of it was saved: Bravo's calendar is nobody's choice in Alpha, and no hostile name exists.
	teams, err := f.app.Automation.Teams(context.Background(), f.a)
	require.NoError(t, err)
	for _, tm := range teams {
		require.NotEqual(t, "Hostile", tm.Name)
	}
}

// hostileRoute sends one POST route NUL bytes, invalid UTF-8 and 1 MB values in every field it
// reads, then the other workspace's ids in its URL and in its id fields.
func hostileRoute(t *testing.T, c *apptest.Client, env hostileEnv, p string) {
	t.Helper()
	en := i18n.NewPrinter("en", time.UTC)
	rt := postRoutes[p]
	path := env.fill(p, env.alpha)
	fields := strings.Fields(rt.fields)
	if len(fields) == 0 {
		fields = []string{"unread"}
	}
	send := func(form url.Values) *apptest.Response {
		t.Helper()
		res := c.PostForm(path, form)
		require.Less(t, res.StatusCode, 500, "POST %s %s: %s", path, summary(form), res.Body)
		return res
	}
	refused := func(res *apptest.Response, key string, form url.Values) {
		t.Helper()
		msg := html.EscapeString(en.T(key))
		switch rt.answer {
		case answerForm:
			require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "POST %s %s", path, summary(form))
			require.Contains(t, res.Body, msg, "POST %s %s: the message is shown", path, summary(form))
		case answerFlash:
			require.Equal(t, http.StatusSeeOther, res.StatusCode, "POST %s %s", path, summary(form))
			next := c.Get(res.Header.Get("Location"))
			require.Contains(t, next.Body, msg, "POST %s %s: the message is shown on %s", path, summary(form), res.Header.Get("Location"))
		}
	}
	for _, h := range hostile {
		form := url.Values{}
		for _, name := range fields {
			form.Set(name, h.value)
		}
		refused(send(form), h.key, form)
	}
	big := strings.Repeat("a", megabyte)
	for _, name := range fields {
		form := url.Values{name: {big}}
		refused(send(form), "input.too_long", form)
	}
	// Another workspace's ids: in the URL the page does not exist; in a field, it is not a choice.
	if strings.Count(strings.TrimPrefix(p, "/w/{workspace}"), "{") > 0 {
		res := c.PostForm(env.fill(p, env.bravo), mustQuery(t, env.fill(rt.valid, env.alpha)))
		require.Equal(t, http.StatusNotFound, res.StatusCode, "POST %s with another workspace's ids", env.fill(p, env.bravo))
	}
	for id := range strings.FieldsSeq(rt.ids) {
		name, kind, _ := strings.Cut(id, "=")
		form := mustQuery(t, env.fill(rt.valid, env.alpha))
		form.Set(name, env.bravo[kind])
		res := send(form)
		require.Contains(t, []int{http.StatusUnprocessableEntity, http.StatusSeeOther}, res.StatusCode, "POST %s %s", path, summary(form))
		if rt.answer == answerForm {
			require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "POST %s %s", path, summary(form))
			require.True(t, strings.Contains(res.Body, `class="field-error"`) || strings.Contains(res.Body, `data-testid="flash"`),
				"POST %s %s: a message explains", path, summary(form))
			if kind == "calendar" {
				require.Contains(t, res.Body, html.EscapeString(en.T("input.unknown_choice")), "POST %s %s", path, summary(form))
			}
		} else {
			next := c.Get(res.Header.Get("Location"))
			require.Contains(t, next.Body, `data-testid="flash"`, "POST %s %s: a message explains", path, summary(form))
			require.Contains(t, next.Body, "flash-error", "POST %s %s", path, summary(form))
		}
	}
}

// rank orders routes: those that read fields first, then the ones that read none, and those that
// end something (a session, a member, a fixture) last.
func rank(pattern string) int {
	rt := postRoutes[pattern]
	switch {
	case strings.HasSuffix(pattern, "/logout") || strings.HasSuffix(pattern, "/delete") || strings.HasSuffix(pattern, "/remove") ||
		strings.HasSuffix(pattern, "/revoke") || strings.HasSuffix(pattern, "/undo"):
		return 2
	case rt.fields == "":
		return 1
	}
	return 0
}

func summary(form url.Values) string {
	var parts []string
	for k, vs := range form {
		v := vs[0]
		if len(v) > 20 {
			v = fmt.Sprintf("%.20q… (%d bytes)", v, len(v))
		} else {
			v = strconv.Quote(v)
		}
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, " ") + "}"
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s)
	require.NoError(t, err)
	return v
}

// hostileEnv holds the URL parameters and id-field values of both workspaces.
type hostileEnv struct {
	alpha, bravo map[string]string
}

func (e hostileEnv) fill(pattern string, ids map[string]string) string {
	out := pattern
	for k, v := range ids {
		out = strings.ReplaceAll(out, "{"+k+"}", v)
	}
	return out
}

// hostileFixtures makes one of everything a POST route names in Alpha (Bravo's come from setup).
func hostileFixtures(t *testing.T, f *fixture) hostileEnv {
	t.Helper()
	ctx := context.Background()
	app := f.app
	// Alpha has two tickets, Bravo three: Bravo's last number is no ticket of Alpha's.
	_, err := app.Conversations.CreateInbound(ctx, f.a, conversation.NewTicket{Channel: "email", Subject: "Alpha ticket 2",
		Customer: conversation.CustomerRef{Email: "buyer2@alpha.test"}, Message: conversation.Inbound{Text: "Alpha text"}})
	require.NoError(t, err)
	// Ticket 2's customer stays a customer of its own after the ticket merge: the target of the
	// customer merge.
	d2, err := app.Conversations.Detail(ctx, f.a, 2)
	require.NoError(t, err)
	mergeID, err := app.Conversations.Merge(ctx, f.a, 2, 1, conversation.MergeOptions{Confirm: true})
	require.NoError(t, err)
	d, err := app.Conversations.Detail(ctx, f.a, 1)
	require.NoError(t, err)
	inv, token, err := app.Tenants.Invite(ctx, f.a, "invited@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	inserter, err := jobs.NewClient(app.DB.App, app.Logger, jobs.Options{}, jobs.Deps{})
	require.NoError(t, err)
	job, err := inserter.Insert(ctx, noopArgs{}, &river.InsertOpts{Queue: "test_only"})
	require.NoError(t, err)
	_, err = app.DB.App.Exec(ctx, "UPDATE river_job SET metadata = $1 WHERE id = $2", jobs.TenantMetadata(f.a.TenantID()), job.Job.ID)
	require.NoError(t, err)
	inboundID, _, err := app.Ingest.Accept(ctx, f.a.TenantID(), "test", []byte("Subject: Alpha quarantine\r\n\r\nno sender"))
	require.NoError(t, err)
	acct, err := app.Email.Create(ctx, f.a, email.Form{Name: "Alpha store", Address: "shop@alpha.test"})
	require.NoError(t, err)
	market, err := app.Marketplaces.Create(ctx, f.a, marketplace.Form{Marketplace: "amazon", Name: "Alpha Amazon", Sites: []string{"amazon.com"}})
	require.NoError(t, err)
	rules, err := app.Automation.Rules(ctx, f.a)
	require.NoError(t, err)
	policies, err := app.Automation.Policies(ctx, f.a)
	require.NoError(t, err)
	cals, err := app.Automation.Calendars(ctx, f.a)
	require.NoError(t, err)
	team, err := app.Automation.SaveTeam(ctx, f.a, uuid.Nil, automation.TeamInput{Name: "Alpha team", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	_, bToken, err := app.Tenants.Invite(ctx, f.b, "other@bravo.test", tenant.RoleAgent)
	require.NoError(t, err)
	views := savedview.New(app.DB.Store)
	view, err := views.Create(ctx, f.a, savedview.Input{Name: "Alpha view", Params: url.Values{"view": {"open"}}})
	require.NoError(t, err)
	bView, err := views.Create(ctx, f.b, savedview.Input{Name: "Bravo view", Params: url.Values{"view": {"open"}}, Shared: true})
	require.NoError(t, err)
	labels := label.New(app.DB.Store)
	for _, l := range []struct {
		sc         tenant.Scope
		kind, name string
	}{{f.a, label.Tag, "alpha-one"}, {f.a, label.Tag, "alpha-two"}, {f.b, label.Tag, "bravo-tag"}} {
		require.NoError(t, labels.Create(ctx, l.sc, l.kind, l.name))
	}
	aTags, err := labels.List(ctx, f.a, label.Tag)
	require.NoError(t, err)
	bTags, err := labels.List(ctx, f.b, label.Tag)
	require.NoError(t, err)

	alpha := map[string]string{"workspace": "alpha", "token": token, "number": "1", "messageID": strconv.FormatInt(d.Messages[0].ID, 10),
		"mergeID": strconv.FormatInt(mergeID, 10), "userID": f.agentA.UserID.String(), "invitationID": inv.ID.String(),
		"jobID": strconv.FormatInt(job.Job.ID, 10), "inboundID": strconv.FormatInt(inboundID, 10), "accountID": strconv.FormatInt(acct.ID, 10),
		"ruleID": rules[0].ID.String(), "policyID": policies[0].ID.String(), "calendarID": cals[0].ID.String(), "teamID": team.String(),
		"preset": "bol", "user": f.agentA.UserID.String(), "customerID": d.Customer.ID.String(), "customer2": d2.Customer.ID.String(),
		"viewID": view.String(), "labelID": aTags[0].ID.String(), "label2": aTags[1].ID.String(),
		"marketplace": "amazon", "marketID": strconv.FormatInt(market.ID, 10)}
	bravo := map[string]string{"workspace": "alpha", "token": bToken, "number": f.bTicket, "messageID": f.bMessage, "mergeID": f.bMerge,
		"userID": f.b.UserID.String(), "invitationID": f.bInvitation, "jobID": f.bJob, "inboundID": f.bInbound, "accountID": f.bAccount,
		"ruleID": f.bRule, "policyID": f.bPolicy, "calendarID": f.bCalendar, "teamID": f.bTeam, "preset": "no-such-preset", "customerID": f.bCustomer,
		// Id fields of forms.
		"viewID": bView.String(), "labelID": bTags[0].ID.String(),
		"user": f.b.UserID.String(), "ticket": f.bTicket, "team": f.bTeam, "calendar": f.bCalendar, "policy": f.bPolicy, "customer": f.bCustomer,
		"label": bTags[0].ID.String(), "marketplace": "ebay", "marketID": f.bMarket, "mailbox": f.bAccount}
	return hostileEnv{alpha: alpha, bravo: bravo}
}

// TestReplyFormProblems: a problem with the reply form is the form again (422, the draft kept),
// chosen files that are empty are reported, and a file name in Latin-1 is stored readable.
func TestReplyFormProblems(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.app.Connect("email") // a channel that takes replies: this test is about the form
	en := i18n.NewPrinter("en", time.UTC)
	type file struct {
		disposition string // raw Content-Disposition parameters after form-data
		data        string
	}
	post := func(body string, files ...file) *apptest.Response {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		require.NoError(t, mw.WriteField("body", body))
		require.NoError(t, mw.WriteField("confirm", "1"))
		for _, fl := range files {
			h := make(textproto.MIMEHeader)
			h.Set("Content-Disposition", `form-data; name="attachments"; `+fl.disposition)
			h.Set("Content-Type", "text/plain")
			part, err := mw.CreatePart(h)
			require.NoError(t, err)
			_, _ = part.Write([]byte(fl.data))
		}
		require.NoError(t, mw.Close())
		req, err := http.NewRequest(http.MethodPost, f.app.URL+"/w/alpha/t/1/reply", &buf)
		require.NoError(t, err)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", f.app.URL)
		return f.agentAC.Do(req)
	}
	messages := func() int {
		d, err := f.app.Conversations.Detail(context.Background(), f.a, 1)
		require.NoError(t, err)
		return len(d.Messages)
	}
	before := messages()

	res := post("   ")
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "an empty reply is a form problem, not a conflict")

	res = post("Here is the label", file{`filename="label.txt"`, ""})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, html.EscapeString(en.T("reply.file_empty")))
	require.Contains(t, res.Body, "Here is the label", "the draft is kept")

	res = post("Bad\x00text", file{`filename="ok.txt"`, "fine"})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, html.EscapeString(en.T("input.nul")))
	require.Equal(t, before, messages(), "nothing was sent")

	// Files beyond the 2 MB of a plain form are fine on the reply, which takes uploads.
	res = post("The manual", file{`filename="manual.txt"`, strings.Repeat("m", 3<<20)})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)

	// An empty file input (no file chosen) is no attachment and no problem.
	res = post("Latin-1 name", file{"filename=\"re\xe7u \xe9t\xe9.txt\"", "receipt"}, file{`filename=""`, ""})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	d, err := f.app.Conversations.Detail(context.Background(), f.a, 1)
	require.NoError(t, err)
	last := d.Messages[len(d.Messages)-1]
	require.Len(t, d.Attachments[last.ID], 1)
	require.Equal(t, "reçu été.txt", d.Attachments[last.ID][0].Name)
}

// TestFormTooLargeIsAMessage: a form beyond the size limit is not read to its end, and the form
// comes back with the message.
func TestFormTooLargeIsAMessage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	en := i18n.NewPrinter("en", time.UTC)
	// The pages outside the app's frame say it too.
	for _, path := range []string{"/login", "/signup", "/password/forgot", "/password/reset/no-such-token"} {
		res := f.app.Client(t).PostForm(path, url.Values{"email": {"admin@alpha.test"}, "password": {strings.Repeat("p", 3*megabyte)}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, path)
		require.Equal(t, 1, strings.Count(res.Body, html.EscapeString(en.T("input.too_large"))), "%s says it once", path)
	}
}

// TestEveryGetRouteSurvivesHostileInput: every GET route of the router, signed in as Alpha's
// admin, with NUL bytes, invalid UTF-8 and 1 MB values in its URL parameters and in the query
// values pages read (search, filters, cursors, next): never a 500. Query values are cleaned
// request-wide (checkInput); a parameter that names nothing is a 404.
func TestEveryGetRouteSurvivesHostileInput(t *testing.T) {
	t.Parallel()
	f := setup(t)
	env := hostileFixtures(t, f)
	var patterns []string
	require.NoError(t, chi.Walk(server.Routes(f.app.Handler), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// Static files answer every path with the same file server; events is a stream.
		if method == http.MethodGet && route != "/static/*" && !strings.HasSuffix(route, "/events") {
			patterns = append(patterns, route)
		}
		return nil
	}))
	require.Greater(t, len(patterns), 20)
	admin := f.app.SignIn(t, "admin@alpha.test")
	query := func(v string) string {
		q := url.Values{}
		for _, k := range []string{"q", "status", "assignee", "channel", "tag", "priority", "team", "after", "before", "sort", "view", "next", "edit", "account", "state", "lang"} {
			q.Set(k, v)
		}
		return q.Encode()
	}
	values := []string{"before\x00after", "caf\xe9 \xff\xfe", strings.Repeat("a", 64<<10)}
	for _, p := range patterns {
		t.Run(p, func(t *testing.T) {
			for _, v := range values {
				path := env.fill(strings.TrimSuffix(p, "/*"), env.alpha) + "?" + query(v)
				res := admin.Get(path)
				require.Less(t, res.StatusCode, 500, "GET %s with hostile query values", p)
				if !strings.Contains(p, "{") {
					continue
				}
				// The same value in every URL parameter.
				seg := url.PathEscape(v)
				hostilePath := p
				for k := range env.alpha {
					hostilePath = strings.ReplaceAll(hostilePath, "{"+k+"}", seg)
				}
				res = admin.Get(strings.TrimSuffix(hostilePath, "/*"))
				require.Less(t, res.StatusCode, 500, "GET %s with hostile URL parameters", p)
			}
		})
	}
}
