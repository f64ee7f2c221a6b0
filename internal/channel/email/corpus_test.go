package email_test

import (
	"bytes"
	"encoding/json"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/tenant"
)

// corpusDir holds real-world and edge-case mail with the outcome each must have
// (internal/ingest/testdata/corpus/manifest.json).
const corpusDir = "../../ingest/testdata/corpus"

// corpusCase is one manifest entry. Absent fields are not checked.
type corpusCase struct {
	File        string    `json:"file"`
	Note        string    `json:"note"`
	Subject     *string   `json:"subject"`
	From        *string   `json:"from"` // the sender's address; "" for a customer without one
	Name        string    `json:"name"`
	Text        *string   `json:"text"` // a snippet of the stored text; "" for an empty body
	Attachments *[]string `json:"attachments"`
	Automatic   bool      `json:"automatic"`
	Quarantine  string    `json:"quarantine"`   // the expected reason (a substring)
	DuplicateOf string    `json:"duplicate_of"` // the same message by another route: one of the two is kept
	NullSender  bool      `json:"null_sender"`  // sent with MAIL FROM:<>
	// Pending names the part of issue 11 still to be merged that this case waits for.
	Pending string `json:"pending"`
	raw     []byte
}

const corpusMarker = "X-Corpus-File: "

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	require.NoError(t, err)
	var cases []corpusCase
	require.NoError(t, json.Unmarshal(b, &cases))
	listed := map[string]bool{}
	for i := range cases {
		c := &cases[i]
		require.False(t, listed[c.File], "%s listed twice", c.File)
		listed[c.File] = true
		c.raw, err = os.ReadFile(filepath.Join(corpusDir, c.File))
		require.NoError(t, err)
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	require.NoError(t, err)
	for _, f := range files {
		require.True(t, listed[filepath.Base(f)], "%s has no expected outcome in manifest.json", filepath.Base(f))
	}
	return cases
}

// outcome is what a corpus mail became, in the terms both runs must agree on.
type outcome struct {
	State, Error, Subject, Body, From, Name string
	Automated                               bool
	Attachments                             []string
}

// Every mail of the corpus, delivered through the gateway in a burst and one at a time into two
// workspaces, ends as a message with the expected decoded text or as a quarantine entry with the
// expected reason, the same in both runs.
func TestCorpusThroughTheGateway(t *testing.T) {
	t.Parallel()
	cases := loadCorpus(t)
	require.GreaterOrEqual(t, len(cases), 60)
	g := startGateway(t, 4<<20)
	deliver := func(sc tenant.Scope, c corpusCase) error {
		from := "sender@corpus.test"
		if c.NullSender {
			from = ""
		}
		msg := append([]byte(corpusMarker+c.File+"\r\n"), c.raw...)
		return smtp.SendMail(g.addr, nil, from, []string{sc.Workspace.Slug + "@" + g.domain}, msg)
	}

	burst := g.app.Workspace(t, "corpusburst", "admin@corpusburst.test")
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() { errs[i] = deliver(burst, c) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "the gateway refused %s", cases[i].File)
	}
	burstOut := outcomes(t, g.drain(t, burst, len(cases)))

	serial := g.app.Workspace(t, "corpusserial", "admin@corpusserial.test")
	for i, c := range cases {
		require.NoError(t, deliver(serial, c), "the gateway refused %s", c.File)
		g.drain(t, serial, i+1) // processed before the next one arrives
	}
	serialOut := outcomes(t, g.drain(t, serial, len(cases)))

	for run, got := range map[string]map[string]outcome{"burst": burstOut, "one at a time": serialOut} {
		for _, c := range cases {
			t.Run(run+"/"+c.File, func(t *testing.T) {
				if c.Pending != "" {
					t.Skipf("pending: %s", c.Pending)
				}
				o, ok := got[c.File]
				require.True(t, ok, "not stored")
				checkOutcome(t, c, o, got)
			})
		}
	}
	for _, c := range cases {
		if c.Pending != "" {
			t.Logf("%s: pending %s", c.File, c.Pending)
			continue
		}
		if c.DuplicateOf == "" {
			require.Equal(t, burstOut[c.File], serialOut[c.File], "%s: the burst and the one-at-a-time run differ", c.File)
		}
	}
}

func checkOutcome(t *testing.T, c corpusCase, o outcome, all map[string]outcome) {
	if c.Quarantine != "" {
		require.Equal(t, "quarantined", o.State, "%s (%s)", c.Note, o.Error)
		require.Contains(t, o.Error, c.Quarantine)
		return
	}
	if c.DuplicateOf != "" {
		other := all[c.DuplicateOf]
		require.ElementsMatch(t, []string{"processed", "duplicate"}, []string{o.State, other.State}, "%s: one copy kept, the other a duplicate", c.Note)
		if o.State == "duplicate" {
			return
		}
	}
	require.Equal(t, "processed", o.State, "%s: %s", c.Note, o.Error)
	if c.Subject != nil {
		require.Equal(t, *c.Subject, o.Subject, c.Note)
	}
	if c.From != nil {
		require.Equal(t, *c.From, strings.ToLower(o.From), c.Note)
	}
	if c.Name != "" {
		require.Equal(t, c.Name, o.Name, c.Note)
	}
	if c.Text != nil {
		if *c.Text == "" {
			require.Empty(t, strings.TrimSpace(o.Body), c.Note)
		} else {
			require.Contains(t, o.Body, *c.Text, c.Note)
		}
	}
	if c.Attachments != nil {
		want := *c.Attachments
		if len(want) == 0 {
			want = nil
		}
		got := o.Attachments
		if len(got) == 0 {
			got = nil
		}
		require.Equal(t, want, got, c.Note)
	}
	require.Equal(t, c.Automatic, o.Automated, "%s: automatic mail", c.Note)
}

// outcomes keys a workspace's stored messages by the corpus file they came from.
func outcomes(t *testing.T, rows []inbound) map[string]outcome {
	t.Helper()
	out := map[string]outcome{}
	for _, r := range rows {
		i := bytes.Index(r.Raw, []byte(corpusMarker))
		require.GreaterOrEqual(t, i, 0, "a stored message without its corpus marker")
		file, _, _ := strings.Cut(string(r.Raw[i+len(corpusMarker):]), "\r\n")
		out[file] = outcome{State: r.State, Error: r.Error, Subject: r.Subject, Body: r.Body, From: r.CustomerEmail, Name: r.Author,
			Automated: r.Automated, Attachments: r.Attachments}
	}
	return out
}
