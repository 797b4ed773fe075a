package api

import (
	"context"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
)

// OperatorInfo is a back-office account.
type OperatorInfo struct {
	ID          string     `json:"id"`
	Email       string     `json:"email" format:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role" enum:"owner,admin,agent,viewer"`
	Locale      string     `json:"locale" doc:"Language chosen in the back office (en, fr, nl); empty when the browser's is used."`
	Disabled    bool       `json:"disabled" doc:"Disabled accounts can no longer sign in."`
	DisabledAt  *time.Time `json:"disabled_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// OperatorList is the list of operators.
type OperatorList struct {
	Operators []OperatorInfo `json:"operators" nullable:"false"`
}

func operatorInfo(o *operator.Operator) OperatorInfo {
	return OperatorInfo{
		ID: o.ID, Email: o.Email, Name: o.Name, Role: string(o.Role), Locale: o.Locale,
		Disabled: o.Disabled(), DisabledAt: utc(o.DisabledAt), LastLoginAt: utc(o.LastLoginAt),
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func registerOperators(s *Server) {
	Register(s, Route{
		ID: "list-operators", Method: http.MethodGet, Path: "/operators", Tag: "Operators",
		Scope: operator.ScopeOperatorsRead, Summary: "List operators",
		Description: "Every back-office account, disabled ones included.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body OperatorList }, error) {
		ops, err := s.Operators.List(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body OperatorList }{Body: OperatorList{Operators: make([]OperatorInfo, 0, len(ops))}}
		for i := range ops {
			out.Body.Operators = append(out.Body.Operators, operatorInfo(&ops[i]))
		}
		return out, nil
	})
}
