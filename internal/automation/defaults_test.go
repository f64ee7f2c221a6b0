package automation_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestDefaultsInTheCreatorsLanguage: a new workspace's calendar, SLA presets, rules, category and
// pre-sale tag are named in the language its creator chose, never English in a Korean or
// Romanian workspace; brand names stay.
func TestDefaultsInTheCreatorsLanguage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	create := func(t *testing.T, lang string) tenant.Scope {
		t.Helper()
		slug := "defaults-" + lang
		ws, uid, err := app.Tenants.SignUp(ctx, tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: "Shop " + lang, Slug: slug, TimeZone: "Asia/Seoul", Language: lang},
			Name:      "Owner", Email: "owner@" + slug + ".test", Password: apptest.Password,
		}, uuid.Nil, []string{"en", "ko", "ro"})
		require.NoError(t, err)
		sc, err := app.Tenants.Resolve(ctx, ws.Slug, uid)
		require.NoError(t, err)
		return sc
	}
	for _, tc := range []struct {
		lang, calendar, presale, webshop, presaleRule, returnsRule, returns, tag, amazonRule string
	}{
		{"en", "Business hours", "Pre-sale", "Web shop email", "Pre-sale questions first", "Returns and refunds", "Returns", "pre-sale", "24 h for every buyer message"},
		{"ko", "영업시간", "구매 전 문의", "웹 쇼핑몰 이메일", "구매 전 문의 먼저", "반품 및 환불", "반품", "구매 전 문의", "모든 구매자 메시지에 24시간 이내"},
		{"ro", "Program de lucru", "Înainte de vânzare", "E-mail magazin online", "Întrebările dinainte de vânzare primele", "Retururi și rambursări", "Retururi", "înainte de vânzare", "24 h pentru fiecare mesaj al cumpărătorului"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			sc := create(t, tc.lang)
			cals, err := app.Automation.Calendars(ctx, sc)
			require.NoError(t, err)
			require.Len(t, cals, 1)
			require.Equal(t, tc.calendar, cals[0].Name)

			pols, err := app.Automation.Policies(ctx, sc)
			require.NoError(t, err)
			names := map[string]string{}
			for _, p := range pols {
				names[p.Preset] = p.Name
				if p.Preset == "amazon" {
					require.Contains(t, p.HardDeadline, tc.amazonRule)
				}
				if p.Preset == "presale" {
					require.Equal(t, tc.tag, p.Match.Conditions[len(p.Match.Conditions)-1].Value, "the pre-sale tag in the workspace's language")
				}
			}
			require.Equal(t, tc.presale, names["presale"])
			require.Equal(t, tc.webshop, names["webshop"])
			require.Equal(t, "Amazon", names["amazon"], "brand names stay")

			rules, err := app.Automation.Rules(ctx, sc)
			require.NoError(t, err)
			require.Len(t, rules, 2)
			require.Equal(t, tc.presaleRule, rules[0].Name)
			require.Equal(t, tc.returnsRule, rules[1].Name)
			require.Equal(t, "set_category", rules[1].Actions[0].Type)
			require.Equal(t, tc.returns, rules[1].Actions[0].Value)

			// A preset added later is named the same way.
			pid, err := app.Automation.AddPreset(ctx, sc, "bol")
			require.NoError(t, err)
			pols, err = app.Automation.Policies(ctx, sc)
			require.NoError(t, err)
			for _, p := range pols {
				if p.ID == pid && tc.lang == "ko" {
					require.Contains(t, p.HardDeadline, "영업시간 8시간")
				}
			}
		})
	}
}
