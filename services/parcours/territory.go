package parcours

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/projection/kv"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The people followed, by the commune of their domicile: an index the
// views keep as they fold, for what is counted over a territory (the
// partners service's coverage of needs, diagnostic partagé de
// territoire). Its entries carry the domicile and the open needs with
// the engagements that cover them, nothing else; a discharged person
// leaves it.
//
//	t/<commune>/<person>   a trimmed view: domicile, open needs

func territoryKey(commune, person string) []byte { return []byte("t/" + commune + "/" + person) }

// territoryView is what the territory index keeps of a view; nil for a
// person it does not list.
func territoryView(v *parcoursv1.CoordinatedView) *parcoursv1.CoordinatedView {
	d := v.GetEnrolled().GetDomicile()
	if v == nil || v.GetDischarged() || d.GetCommuneInsee() == "" {
		return nil
	}
	out := &parcoursv1.CoordinatedView{PersonId: v.GetPersonId(),
		Enrolled: &parcoursv1.Enrollment{Domicile: proto.CloneOf(d)}}
	for _, n := range v.GetNeeds() {
		if n.GetState() != parcoursv1.NeedState_NEED_STATE_OPEN {
			continue
		}
		out.Needs = append(out.Needs, &parcoursv1.Need{NeedId: n.GetNeedId(), Code: &parcoursv1.SerafinCode{Code: n.GetCode().GetCode()},
			State: n.GetState(), CoveredBy: &parcoursv1.NeedCoverage{EngagementIds: n.GetCoveredBy().GetEngagementIds()}})
	}
	return out
}

// indexTerritory moves the person's entry from what prev listed to what
// view lists.
func indexTerritory(b *kv.Batch, id string, prev, view *parcoursv1.CoordinatedView) error {
	old, next := territoryView(prev), territoryView(view)
	if old != nil && (next == nil || old.GetEnrolled().GetDomicile().GetCommuneInsee() != next.GetEnrolled().GetDomicile().GetCommuneInsee()) {
		if err := b.Delete(territoryKey(old.GetEnrolled().GetDomicile().GetCommuneInsee(), id)); err != nil {
			return err
		}
	}
	if next == nil || proto.Equal(old, next) {
		return nil
	}
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(next)
	if err != nil {
		return err
	}
	return b.Set(territoryKey(next.GetEnrolled().GetDomicile().GetCommuneInsee(), id), data)
}

// PeopleIn calls fn with each person followed whose domicile's commune
// code starts with prefix (a commune, or a département: "35", "2A",
// "974"), until fn returns false. The view fn gets holds the domicile
// and the open needs, with the engagements covering them.
func (v *Views) PeopleIn(prefix string, fn func(*parcoursv1.CoordinatedView) bool) error {
	if strings.ContainsRune(prefix, '/') {
		return fmt.Errorf("parcours: %q is not a commune or a département", prefix)
	}
	var decodeErr error
	err := v.db.Scan([]byte("t/"+prefix), nil, func(_, value []byte) bool {
		p := &parcoursv1.CoordinatedView{}
		if decodeErr = proto.Unmarshal(value, p); decodeErr != nil {
			return false
		}
		return fn(p)
	})
	if err == nil {
		err = decodeErr
	}
	return err
}
