package consent

import (
	"context"
	"strings"
)

// ReceiptVersion is the Kantara Initiative Consent Receipt version written.
const ReceiptVersion = "KI-CR-v1.1.0"

// Receipt is a consent receipt in the fields of the Kantara Initiative
// Consent Receipt Specification v1.1.
type Receipt struct {
	Version          string              `json:"version"`
	Jurisdiction     string              `json:"jurisdiction"`
	ConsentTimestamp int64               `json:"consentTimestamp"`
	CollectionMethod string              `json:"collectionMethod"`
	ConsentReceiptID string              `json:"consentReceiptID"`
	Language         string              `json:"language,omitempty"`
	PIIPrincipalID   string              `json:"piiPrincipalId"`
	PIIControllers   []ReceiptController `json:"piiControllers"`
	PolicyURL        string              `json:"policyUrl"`
	Services         []ReceiptService    `json:"services"`
	Sensitive        bool                `json:"sensitive"`
	SPICat           []string            `json:"spiCat"`
}

// ReceiptController is the business answering for the processing.
type ReceiptController struct {
	PIIController    string         `json:"piiController"`
	Contact          string         `json:"contact"`
	Address          map[string]any `json:"address"`
	Email            string         `json:"email"`
	Phone            string         `json:"phone"`
	PIIControllerURL string         `json:"piiControllerUrl,omitempty"`
}

// ReceiptService groups the purposes of one service.
type ReceiptService struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is one purpose and whether it was agreed to.
type ReceiptPurpose struct {
	Purpose              string   `json:"purpose"`
	PurposeCategory      []string `json:"purposeCategory"`
	ConsentType          string   `json:"consentType"`
	PIICategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
}

// purposeCategory maps a purpose to the receipt's purpose category.
var purposeCategory = map[Purpose]string{
	Necessary: "Core Function", Preferences: "Personalisation", Analytics: "Improve Performance",
	Marketing: "Marketing", SaleSharing: "Sharing with third parties", Sensitive: "Sensitive data",
	Newsletter: "Marketing",
}

// Receipt builds the consent receipt of one event. Only granted purposes
// are agreements; refused ones are listed with consentType "REFUSED" so the
// receipt shows the whole choice.
func (s *Service) Receipt(ctx context.Context, id string) (*Receipt, error) {
	e, err := s.Event(ctx, id)
	if err != nil {
		return nil, err
	}
	policy := s.controller.URL
	service := s.controller.Name
	if e.SiteID != "" {
		if site, err := s.store.GetSite(ctx, e.SiteID); err == nil {
			service = site.Name
			if site.PolicyURL != "" {
				policy = site.PolicyURL
			}
		}
	}
	principal := e.SubjectID
	if principal == "" {
		principal = "device:" + e.DeviceID
	}
	consentType := map[Method]string{Express: "EXPLICIT", Implied: "IMPLICIT", OptOut: "OPT-OUT"}[e.Method]
	termination := "Until withdrawn, at the privacy centre or with the site's cookie settings"
	var purposes []ReceiptPurpose
	add := func(ps []Purpose, typ string) {
		for _, p := range ps {
			cat := purposeCategory[p]
			if cat == "" {
				cat = string(p)
			}
			purposes = append(purposes, ReceiptPurpose{Purpose: string(p), PurposeCategory: []string{cat}, ConsentType: typ,
				PIICategory: []string{"Device identifiers", "Online activity"}, PrimaryPurpose: p == Necessary,
				Termination: termination, ThirdPartyDisclosure: p == SaleSharing || p == Marketing})
		}
	}
	add(e.Granted, consentType)
	add(e.Refused, "REFUSED")
	lang, _, _ := strings.Cut(e.Language, "-")
	return &Receipt{
		Version: ReceiptVersion, Jurisdiction: s.controller.Jurisdiction, ConsentTimestamp: e.GivenAt.Unix(),
		CollectionMethod: string(e.Source) + " (" + string(e.Method) + ")", ConsentReceiptID: e.ID,
		Language: strings.ToLower(lang), PIIPrincipalID: principal,
		PIIControllers: []ReceiptController{{PIIController: s.controller.Name, Contact: s.controller.Name,
			Address: map[string]any{"addressCountry": s.controller.Jurisdiction}, Email: s.controller.Email,
			Phone: "", PIIControllerURL: s.controller.URL}},
		PolicyURL: policy, Services: []ReceiptService{{Service: service, Purposes: purposes}},
		Sensitive: false, SPICat: []string{},
	}, nil
}
