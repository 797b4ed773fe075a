package requests

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/operator"
)

// The systems are a minimal inventory: enough to create one task per
// system on each request. Changing them is configuration, so it takes an
// admin (or an API token).

func (a Actor) isAdmin() bool {
	switch a.Kind {
	case ActorToken:
		return a.ID != ""
	case ActorOperator:
		return a.ID != "" && a.Role.AtLeast(operator.Admin)
	}
	return false
}

func systemTarget(id string) string { return "system:" + id }

func checkSystem(in SystemInput) (SystemInput, error) {
	name, err := checkLine(in.Name, MaxSystemNameLen, ErrSystemNameRequired, ErrSystemNameLong)
	if err != nil {
		return in, err
	}
	owner, bad := normalizeEmail(in.OwnerEmail)
	if bad != nil {
		return in, ErrSystemOwnerInvalid
	}
	if !in.Kind.Valid() {
		return in, ErrSystemKindInvalid
	}
	desc, err := checkText(in.Description, MaxSystemDescLen, nil, ErrSystemDescLong)
	if err != nil {
		return in, err
	}
	return SystemInput{Name: name, OwnerEmail: owner, Kind: in.Kind, Description: desc, Active: in.Active}, nil
}

// CreateSystem adds a system.
func (s *Service) CreateSystem(ctx context.Context, actor Actor, in SystemInput) (*System, error) {
	if !actor.isAdmin() {
		return nil, ErrForbidden
	}
	in, err := checkSystem(in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sys := &System{ID: newID(), Name: in.Name, OwnerEmail: in.OwnerEmail, Kind: in.Kind, Description: in.Description,
		Active: in.Active, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertSystem(ctx, tx, sys); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor.String(), "system.created", systemTarget(sys.ID),
			map[string]any{"name": sys.Name, "kind": string(sys.Kind), "active": sys.Active})
		return err
	})
	if err != nil {
		return nil, err
	}
	return sys, nil
}

// UpdateSystem changes a system. Tasks already created keep the name they
// were created with.
func (s *Service) UpdateSystem(ctx context.Context, actor Actor, id string, in SystemInput) (*System, error) {
	if !actor.isAdmin() {
		return nil, ErrForbidden
	}
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrSystemNotFound
	}
	in, err := checkSystem(in)
	if err != nil {
		return nil, err
	}
	var sys *System
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if sys, err = s.store.GetSystem(ctx, tx, cid); err != nil {
			return err
		}
		sys.Name, sys.OwnerEmail, sys.Kind, sys.Description, sys.Active = in.Name, in.OwnerEmail, in.Kind, in.Description, in.Active
		sys.UpdatedAt = s.now()
		if err := s.store.UpdateSystem(ctx, tx, sys); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor.String(), "system.updated", systemTarget(sys.ID),
			map[string]any{"name": sys.Name, "kind": string(sys.Kind), "active": sys.Active})
		return err
	})
	if err != nil {
		return nil, err
	}
	return sys, nil
}

// DeleteSystem removes a system; its past tasks stay, with its name.
func (s *Service) DeleteSystem(ctx context.Context, actor Actor, id string) error {
	if !actor.isAdmin() {
		return ErrForbidden
	}
	cid, ok := canonicalID(id)
	if !ok {
		return ErrSystemNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		sys, err := s.store.GetSystem(ctx, tx, cid)
		if err != nil {
			return err
		}
		if err := s.store.DeleteSystem(ctx, tx, cid); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "system.deleted", systemTarget(cid), map[string]any{"name": sys.Name})
		return err
	})
}

// GetSystem returns a system.
func (s *Service) GetSystem(ctx context.Context, id string) (*System, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrSystemNotFound
	}
	return s.store.GetSystem(ctx, s.db, cid)
}

// Systems lists every system by name.
func (s *Service) Systems(ctx context.Context) ([]System, error) {
	return s.store.ListSystems(ctx, s.db, false)
}
