package projection

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/maillage/maillage/internal/es"
)

// The checkpoint file: a header line, the position token line, the
// projection's snapshot, and a CRC-32 of all that before it. A file that does
// not check out is set aside and the projection rebuilds: a view is derived
// data, the events are the truth.
const checkpointMagic = "maillage-projection-checkpoint-v1\n"

func (r *Runner) path() string {
	return filepath.Join(r.cfg.Dir, r.cfg.Projection.Name()+".checkpoint")
}

// save writes the projection and its position atomically: a temporary
// file, fsync, rename, fsync of the directory.
func (r *Runner) save() error {
	if r.cfg.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(r.cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	buf.WriteString(r.Position().String() + "\n")
	if err := r.cfg.Projection.Snapshot(&buf); err != nil {
		return fmt.Errorf("projection %s snapshot: %w", r.cfg.Projection.Name(), err)
	}
	sum := crc32.ChecksumIEEE(buf.Bytes())
	fmt.Fprintf(&buf, "\n%08x\n", sum)
	tmp, err := os.CreateTemp(r.cfg.Dir, ".checkpoint-*")
	if err != nil {
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), r.path()); err != nil {
		return fmt.Errorf("projection checkpoint: %w", err)
	}
	if d, err := os.Open(r.cfg.Dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// restore loads the checkpoint if there is a sound one. It reports whether
// it did.
func (r *Runner) restore() (bool, error) {
	if r.cfg.Dir == "" {
		return false, nil
	}
	data, err := os.ReadFile(r.path())
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("projection checkpoint: %w", err)
	}
	pos, snapshot, err := parseCheckpoint(data)
	if err == nil {
		err = r.cfg.Projection.Restore(bytes.NewReader(snapshot))
	}
	if err != nil {
		// Keep the bad file for a post-mortem, and rebuild from the events.
		bad := r.path() + ".bad"
		os.Rename(r.path(), bad)
		r.log.Warn("checkpoint unusable: rebuilding from the events", "err", err, "kept_as", bad)
		return false, errRebuildNeeded(r)
	}
	r.mu.Lock()
	r.pos = pos
	r.mu.Unlock()
	return true, nil
}

// errRebuildNeeded is nil when the projection is still empty after a failed
// Restore; a projection half restored cannot be trusted, so that is fatal.
func errRebuildNeeded(r *Runner) error {
	var probe bytes.Buffer
	if err := r.cfg.Projection.Snapshot(&probe); err != nil || probe.Len() > 0 {
		return fmt.Errorf("projection %s: a failed restore left state behind; restart to rebuild", r.cfg.Projection.Name())
	}
	return nil
}

func parseCheckpoint(data []byte) (es.Position, []byte, error) {
	body, sumLine, ok := cutLast(data)
	if !ok {
		return es.Start, nil, errors.New("checkpoint truncated")
	}
	var sum uint32
	if _, err := fmt.Sscanf(sumLine, "%08x", &sum); err != nil || crc32.ChecksumIEEE(body) != sum {
		return es.Start, nil, errors.New("checkpoint checksum mismatch")
	}
	rd := bufio.NewReader(bytes.NewReader(body))
	magic, err := rd.ReadString('\n')
	if err != nil || magic != checkpointMagic {
		return es.Start, nil, errors.New("not a checkpoint file of this version")
	}
	token, err := rd.ReadString('\n')
	if err != nil {
		return es.Start, nil, errors.New("checkpoint truncated")
	}
	pos, err := es.ParsePosition(strings.TrimSuffix(token, "\n"))
	if err != nil {
		return es.Start, nil, err
	}
	rest, _ := io.ReadAll(rd)
	return pos, rest, nil
}

// cutLast splits "body\nSUM\n" into body and SUM.
func cutLast(data []byte) ([]byte, string, bool) {
	data, ok := bytes.CutSuffix(data, []byte("\n"))
	if !ok {
		return nil, "", false
	}
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		return nil, "", false
	}
	return data[:i], string(data[i+1:]), true
}
