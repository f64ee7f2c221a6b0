package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/components"
	"github.com/shopdesk/shopdesk/web/pages"
)

// connectable are the marketplaces a workspace can connect from Settings → Channels today. eBay
// joins when its consent flow is configured; until a channel can be connected, no page offers it.
var connectable = []string{marketplace.Amazon, marketplace.Walmart}

// accountsOf keeps one marketplace's accounts, in the order given.
func accountsOf(accounts []marketplace.Account, kind string) []marketplace.Account {
	var out []marketplace.Account
	for _, a := range accounts {
		if a.Marketplace == kind {
			out = append(out, a)
		}
	}
	return out
}

// healthView says an account's state in the reader's words.
func healthView(p *i18n.Printer, a marketplace.Account, now time.Time) pages.HealthView {
	h := marketplace.HealthOf(a, now)
	name := p.T("channel." + a.Marketplace)
	v := pages.HealthView{State: string(h.State), Badge: p.T("marketplace.health." + string(h.State))}
	switch h.State {
	case marketplace.StateOK:
		v.Text = p.T("marketplace.health.ok_text", p.DateTime(h.At))
	case marketplace.StateWaiting:
		v.Text = p.T("marketplace.health.waiting_text", name)
	case marketplace.StateSilent:
		v.Text = p.T("marketplace.health.silent_text", p.Duration(now.Sub(h.At).Truncate(time.Hour)), p.DateTime(h.At), name)
	case marketplace.StateExpiring:
		v.Text = p.T("marketplace.health.expiring_text", p.DateTime(h.At))
	case marketplace.StateReauth:
		v.Text = p.T("marketplace.health.needs_reauth_text", name, a.StatusReason)
	case marketplace.StatePaused:
		v.Text = p.T("marketplace.health.paused_text", p.DateTime(h.At))
	}
	return v
}

func (h *Handler) marketRows(r *http.Request, accounts []marketplace.Account) []pages.MarketAccountRow {
	p := i18n.FromContext(r.Context())
	slug := currentScope(r.Context()).Workspace.Slug
	now := time.Now()
	rows := make([]pages.MarketAccountRow, 0, len(accounts))
	for _, a := range accounts {
		rows = append(rows, pages.MarketAccountRow{ID: strconv.FormatInt(a.ID, 10), Name: a.Name,
			Sites: strings.Join(a.Sites, ", "), Health: healthView(p, a, now),
			URL: fmt.Sprintf("/w/%s/settings/channels/%s/%d", slug, a.Marketplace, a.ID)})
	}
	return rows
}

func (h *Handler) showChannels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	accounts, err := h.Marketplaces.List(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mailboxes, err := h.Email.List(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.ChannelsView{Shell: h.shell(r, p.T("channels.title"), "settings"), Slug: sc.Workspace.Slug, Mailboxes: len(mailboxes)}
	for _, kind := range connectable {
		v.Markets = append(v.Markets, pages.MarketCard{Kind: kind, Name: p.T("channel." + kind), Lead: p.T("channels.lead_" + kind),
			Accounts: h.marketRows(r, accountsOf(accounts, kind))})
	}
	h.render(w, r, http.StatusOK, pages.Channels(v))
}

// marketKind reads the marketplace from the URL; one that cannot be connected is not found.
func marketKind(r *http.Request) (string, error) {
	kind := chi.URLParam(r, "marketplace")
	if !slices.Contains(connectable, kind) {
		return "", store.ErrNotFound
	}
	return kind, nil
}

func marketFormOf(r *http.Request, kind string) marketplace.Form {
	_ = r.ParseForm()
	v := r.PostFormValue
	return marketplace.Form{Marketplace: kind, Name: v("name"), Sites: r.PostForm["sites"], Language: v("language"),
		ReplyAccountID: v("reply_account"), SenderPatterns: v("sender_patterns"), SilenceHours: v("silence_hours")}
}

// marketForm builds the add/edit form: storefronts as checkboxes, reply mailboxes that can send.
func (h *Handler) marketForm(r *http.Request, action string, editing bool, f marketplace.Form, errs map[string]string) (pages.MarketFormView, error) {
	ctx := r.Context()
	p := i18n.FromContext(ctx)
	mailboxes, err := h.Email.List(ctx, currentScope(ctx))
	if err != nil {
		return pages.MarketFormView{}, err
	}
	v := pages.MarketFormView{Action: action, Kind: f.Marketplace, Editing: editing, Errors: errs,
		Values: map[string]string{"name": f.Name, "language": f.Language, "reply_account": f.ReplyAccountID,
			"sender_patterns": f.SenderPatterns, "silence_hours": f.SilenceHours}}
	checked := map[string]bool{}
	for _, s := range f.Sites {
		checked[s] = true
	}
	for _, s := range marketplace.Sites(f.Marketplace) {
		v.Sites = append(v.Sites, pages.SiteChoice{ID: s.ID, Label: p.Country(s.Country), Checked: checked[s.ID]})
	}
	v.Languages = []components.Option{{Value: "", Label: p.T("marketplace.account.language_workspace")}}
	for _, l := range marketplace.Languages() {
		v.Languages = append(v.Languages, components.Option{Value: l, Label: p.LanguageName(l)})
	}
	v.Mailboxes = []components.Option{{Value: "", Label: p.T("marketplace.account.reply_account_none")}}
	for _, m := range mailboxes {
		if m.SmtpHost == "" {
			continue
		}
		v.Mailboxes = append(v.Mailboxes, components.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.Name + " <" + m.Address + ">"})
	}
	v.NoMailbox = len(v.Mailboxes) == 1
	return v, nil
}

func (h *Handler) marketplaceView(r *http.Request, kind string, f marketplace.Form, errs map[string]string) (pages.MarketplaceView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	accounts, err := h.Marketplaces.List(ctx, sc)
	if err != nil {
		return pages.MarketplaceView{}, err
	}
	form, err := h.marketForm(r, fmt.Sprintf("/w/%s/settings/channels/%s", sc.Workspace.Slug, kind), false, f, errs)
	if err != nil {
		return pages.MarketplaceView{}, err
	}
	return pages.MarketplaceView{Shell: h.shell(r, p.T("channel."+kind), "settings"), Slug: sc.Workspace.Slug, Kind: kind,
		Name: p.T("channel." + kind), Steps: setupSteps(p, kind, ""), Accounts: h.marketRows(r, accountsOf(accounts, kind)), Form: form}, nil
}

// setupSteps are the marketplace's setup in the seller's words; forwarding is the account's
// address once it exists.
func setupSteps(p *i18n.Printer, kind, forwarding string) []string {
	if forwarding == "" {
		forwarding = p.T("marketplace.steps.address_placeholder")
	}
	n := 4
	steps := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		steps = append(steps, strings.ReplaceAll(p.T(fmt.Sprintf("marketplace.steps.%s_%d", kind, i)), "{address}", forwarding))
	}
	return steps
}

func (h *Handler) showMarketplace(w http.ResponseWriter, r *http.Request) {
	kind, err := marketKind(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := marketplace.Form{Marketplace: kind, SilenceHours: strconv.Itoa(marketplace.DefaultSilenceHours)}
	v, err := h.marketplaceView(r, kind, f, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Marketplace(v))
}

func (h *Handler) createMarketplaceAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	kind, err := marketKind(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := marketFormOf(r, kind)
	var a marketplace.Account
	if err = inputProblems(r); err == nil {
		a, err = h.Marketplaces.Create(ctx, sc, f)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.marketplaceView(r, kind, f, fe)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, pages.Marketplace(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "marketplace.account.created")
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/channels/%s/%d", sc.Workspace.Slug, kind, a.ID))
}

// marketAccount loads the account the URL names; another workspace's, or one under another
// marketplace's path, is not found.
func (h *Handler) marketAccount(r *http.Request) (marketplace.Account, error) {
	kind, err := marketKind(r)
	if err != nil {
		return marketplace.Account{}, err
	}
	id, err := idParam(r, "marketID")
	if err != nil {
		return marketplace.Account{}, err
	}
	a, err := h.Marketplaces.Get(r.Context(), currentScope(r.Context()), id)
	if err == nil && a.Marketplace != kind {
		err = store.ErrNotFound
	}
	return a, err
}

func (h *Handler) showMarketplaceAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.marketAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderMarketAccount(w, r, http.StatusOK, a, marketplace.FormOf(a), nil)
}

func (h *Handler) renderMarketAccount(w http.ResponseWriter, r *http.Request, status int, a marketplace.Account, f marketplace.Form, errs map[string]string) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	base := fmt.Sprintf("/w/%s/settings/channels/%s/%d", sc.Workspace.Slug, a.Marketplace, a.ID)
	form, err := h.marketForm(r, base, true, f, errs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	forwarding := email.GatewayAddress(sc.Workspace.Slug, a.ForwardToken, h.Config.InboundDomain)
	v := pages.MarketAccountView{Shell: h.shell(r, a.Name, "settings"), Slug: sc.Workspace.Slug, Kind: a.Marketplace,
		KindName: p.T("channel." + a.Marketplace), ID: strconv.FormatInt(a.ID, 10), Name: a.Name, Forwarding: forwarding,
		Health: healthView(p, a, time.Now()), Steps: setupSteps(p, a.Marketplace, forwarding), Form: form}
	if a.ReplyAccountID.Valid {
		if m, err := h.Email.Get(ctx, sc.TenantID(), a.ReplyAccountID.Int64); err == nil {
			v.ReplyFrom = m.Address
		}
	}
	h.render(w, r, status, pages.MarketplaceAccount(v))
}

func (h *Handler) saveMarketplaceAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	a, err := h.marketAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := marketFormOf(r, a.Marketplace)
	if err = inputProblems(r); err == nil {
		err = h.Marketplaces.Update(ctx, sc, a.ID, f)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		h.renderMarketAccount(w, r, http.StatusUnprocessableEntity, a, f, fe)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "marketplace.account.saved")
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/channels/%s/%d", sc.Workspace.Slug, a.Marketplace, a.ID))
}

func (h *Handler) deleteMarketplaceAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	a, err := h.marketAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Marketplaces.Delete(ctx, sc, a.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "marketplace.account.removed")
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/channels/%s", sc.Workspace.Slug, a.Marketplace))
}
