package localpg

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestThrowawayServerIsReapedWhenTheProcessDies runs a child process that starts a throwaway
// server and exits without stopping it, as a panicking test binary would.
func TestThrowawayServerIsReapedWhenTheProcessDies(t *testing.T) {
	t.Parallel()
	if dir := os.Getenv("LOCALPG_CHILD_DIR"); dir != "" {
		s, err := Start(context.Background(), Options{Dir: dir, Throwaway: true})
		if err != nil {
			println(err.Error())
			os.Exit(3)
		}
		_ = os.WriteFile(filepath.Join(dir, "port"), []byte(strconv.Itoa(s.Port)), 0o644)
		os.Exit(0)
	}
	if _, err := FindBinaries(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	parent, err := os.MkdirTemp("", "localpg-reap-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(parent) })
	require.NoError(t, os.Chmod(parent, 0o755))
	dir := filepath.Join(parent, "pg")
	cmd := exec.Command(os.Args[0], "-test.run=^TestThrowawayServerIsReapedWhenTheProcessDies$")
	cmd.Env = append(os.Environ(), "LOCALPG_CHILD_DIR="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	b, err := os.ReadFile(filepath.Join(dir, "port"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+string(b), time.Second)
		if err == nil {
			c.Close()
			return false
		}
		_, statErr := os.Stat(dir)
		return os.IsNotExist(statErr)
	}, 30*time.Second, 200*time.Millisecond, "server on port %s still up or %s still there", b, dir)
}
