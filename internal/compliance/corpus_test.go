package compliance

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// corpusCase is one file of testdata/corpus: header lines ("key: value"), then the outgoing
// message's parts after "--- text", "--- signature" and "--- quoted".
type corpusCase struct {
	msg    Message
	expect []string
	length int
}

func readCase(t *testing.T, file string) corpusCase {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var c corpusCase
	parts := map[string]*string{"text": &c.msg.Text, "signature": &c.msg.Signature, "quoted": &c.msg.Quoted}
	var cur *string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if name, ok := strings.CutPrefix(line, "--- "); ok && parts[name] != nil {
			cur = parts[name]
			continue
		}
		if cur != nil {
			if *cur != "" {
				*cur += "\n"
			}
			*cur += line
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			k = strings.TrimSuffix(line, ":")
		}
		switch k {
		case "marketplace":
			c.msg.Marketplace = v
		case "expect":
			c.expect = strings.Fields(v)
		case "order":
			c.msg.OrderNumber = v
		case "subject":
			c.msg.Subject = v
		case "buyer_language":
			c.msg.BuyerLanguage = v
		case "prior":
			c.msg.PriorRequests, err = strconv.Atoi(v)
			require.NoError(t, err)
		case "opted_out":
			c.msg.OptedOut = v == "true"
		case "length":
			c.length, err = strconv.Atoi(v)
			require.NoError(t, err)
		case "allowed":
			c.msg.Allowed = strings.Fields(v)
		case "attachment":
			name, size, _ := strings.Cut(v, " ")
			n, err := strconv.ParseInt(size, 10, 64)
			require.NoError(t, err)
			c.msg.Attachments = append(c.msg.Attachments, Attachment{Name: name, Size: n})
		default:
			t.Fatalf("%s: unknown header %q", file, line)
		}
	}
	return c
}

// TestCorpus runs every reply of testdata/corpus and compares the rules it breaks with the ones
// the file expects: replies that must pass expect none.
func TestCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/corpus/*.txt")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 50)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := readCase(t, file)
			res, err := Check(c.msg)
			require.NoError(t, err)
			got := []string{}
			for _, f := range res.Findings {
				if !slices.Contains(got, f.RuleID) {
					got = append(got, f.RuleID)
				}
				require.NotEmpty(t, f.Source)
				require.NotEmpty(t, f.Reason)
			}
			slices.Sort(got)
			want := append([]string{}, c.expect...)
			slices.Sort(want)
			require.Equal(t, want, got, "findings: %+v", res.Findings)
			if c.length != 0 {
				require.Equal(t, c.length, res.Length)
				require.Equal(t, 2000, res.MaxLength)
			}
			switch {
			case strings.HasPrefix(name, "pass_"):
				require.False(t, res.Blocked())
			case strings.HasPrefix(name, "refuse_"):
				require.True(t, res.Blocked())
			case strings.HasPrefix(name, "warn_"):
				require.False(t, res.Blocked())
				require.NotEmpty(t, res.Findings)
			default:
				t.Fatalf("a corpus file is named pass_, refuse_ or warn_: %s", name)
			}
		})
	}
}
