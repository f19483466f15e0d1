package match

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// shardFile, in an output folder, records which shard of the match the
// folder holds, so its progress can be told from its own runs alone.
const shardFile = "shard.json"

// ShardInfo is the shard an output folder was run with: Index of Count
// (0 of 1 for a whole match).
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func writeShard(dir string, i, n int) error {
	if n == 0 {
		i, n = 0, 1
	}
	return WriteJSONAtomic(filepath.Join(dir, shardFile), ShardInfo{Index: i, Count: n})
}

// readShard returns the folder's shard; ok is false for a folder written
// before shards were recorded, or a damaged record.
func readShard(dir string) (info ShardInfo, ok bool) {
	data, err := os.ReadFile(filepath.Join(dir, shardFile))
	if err != nil || json.Unmarshal(data, &info) != nil || info.Count < 1 || info.Index < 0 || info.Index >= info.Count {
		return ShardInfo{}, false
	}
	return info, true
}

// FolderStatus is the progress of one output folder.
type FolderStatus struct {
	Dir string
	// Exists is false for a folder that was never created (a job that has
	// not started); the counts are then zero.
	Exists bool
	// Shard is the shard the folder was run with; Known is false when the
	// folder does not record it (then NotStarted is unknown, -1).
	Shard      ShardInfo
	Known      bool
	Finished   int
	Failed     []RunRecord
	NotStarted int
}

// MatchStatus is where a match spread over folders stands.
type MatchStatus struct {
	Match   *Match
	Folders []FolderStatus
	// Total runs of the match; Finished and Failed count distinct runs over
	// all folders (a run finished anywhere is finished, even if another
	// folder holds a failure of it).
	Total, Finished int
	Failed          []RunRecord
	// NotStarted lists the runs no folder holds, in the match's order.
	NotStarted []string
}

// Status reads the progress of a match from its output folders (one per
// shard, or one for the whole match). Folders that do not exist are
// listed as not created; every folder that exists must hold the same
// match, and every record in it must belong to that match.
func Status(dirs []string) (*MatchStatus, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no result folders given")
	}
	p := &MatchStatus{}
	recs := map[string][]RunRecord{}
	for _, dir := range dirs {
		fst := FolderStatus{Dir: dir}
		m, err := LoadFile(filepath.Join(dir, "match.toml"))
		if err != nil {
			if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
				p.Folders = append(p.Folders, fst)
				continue
			}
			return nil, fmt.Errorf("%s is not a result folder: %v", dir, err)
		}
		fst.Exists = true
		if p.Match == nil {
			p.Match = m
		} else if m.Digest() != p.Match.Digest() {
			return nil, fmt.Errorf("%s holds match %q with other settings than the folders before it", dir, m.Name)
		}
		rs, err := ReadRuns(dir)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.MatchDigest != m.Digest() {
				return nil, fmt.Errorf("%s holds run %s of another match (digest %s)", dir, r.ID, r.MatchDigest)
			}
		}
		recs[dir] = rs
		fst.Shard, fst.Known = readShard(dir)
		p.Folders = append(p.Folders, fst)
	}
	if p.Match == nil {
		return nil, errors.New("none of the folders exists yet")
	}
	all := p.Match.Runs()
	p.Total = len(all)
	ok, failed := map[string]bool{}, map[string]RunRecord{}
	for i := range p.Folders {
		f := &p.Folders[i]
		if !f.Exists {
			continue
		}
		held := map[string]bool{}
		for _, r := range recs[f.Dir] {
			held[r.ID] = true
			if r.Status == StatusOK {
				f.Finished++
				ok[r.ID] = true
			} else {
				f.Failed = append(f.Failed, r)
				failed[r.ID] = r
			}
		}
		f.NotStarted = -1
		if f.Known {
			f.NotStarted = 0
			for _, s := range Shard(all, f.Shard.Index, f.Shard.Count) {
				if !held[s.ID] {
					f.NotStarted++
				}
			}
		}
	}
	for _, s := range all {
		switch {
		case ok[s.ID]:
			p.Finished++
		case failed[s.ID].ID != "":
			p.Failed = append(p.Failed, failed[s.ID])
		default:
			p.NotStarted = append(p.NotStarted, s.ID)
		}
	}
	return p, nil
}
